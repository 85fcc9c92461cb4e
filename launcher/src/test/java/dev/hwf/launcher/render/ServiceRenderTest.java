package dev.hwf.launcher.render;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hwf.launcher.site.Scheduler;
import dev.hwf.launcher.site.Schedulers;
import dev.hwf.launcher.workflow.Task;
import dev.hwf.launcher.workflow.Workflow;
import dev.hwf.launcher.workflow.WorkflowLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** What a service's job script and its dependants' scripts carry, and a service script run for real. */
class ServiceRenderTest {
    private static final String YAML = """
            name: svc
            tasks:
              - name: model
                service: true
                port: 9000
                command: serve --port "$HWF_SERVICE_PORT"
              - name: sim
                after: [model]
                command: query "$HWF_SERVICE_MODEL_URL"
            """;

    @TempDir
    Path work;

    private Workflow parse(String yaml, String scheduler) {
        return WorkflowLoader.parse(yaml, "svc.yaml", work, List.of("scheduler=" + scheduler,
                "site.workdir=" + work));
    }

    private static String render(Workflow wf, String task, Path dir, Map<String, String> urls) {
        Scheduler s = Schedulers.forWorkflow(wf);
        Task t = wf.task(task);
        var request = JobScripts.request(t, RunLayout.jobName("svc-1", t.name(), 1), dir.toString(), List.of(0), s.adapter());
        return ScriptRenderer.render(ScriptRenderer.template(t, wf.scheduler()), t, s.adapter(),
                new ScriptRenderer.Context(wf.name(), "svc-1", 1, dir.toString(), request,
                        wf.serviceDependants().keySet(), urls));
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"slurm", "pbs", "lsf", "local"})
    void theServiceListensOnItsNodeAndTellsHwfWhereOnceReady(String scheduler) {
        String script = render(parse(YAML, scheduler), "model", work, Map.of());
        assertTrue(script.contains("export HWF_SERVICE_PORT=9000\n"), script);
        assertTrue(script.contains("local".equals(scheduler) ? "export HWF_SERVICE_HOST=\"127.0.0.1\"\n"
                : "export HWF_SERVICE_HOST=\"$(hostname)\"\n"), script);
        assertTrue(script.contains("serve --port \"$HWF_SERVICE_PORT\"\n) &"), script);
        assertTrue(script.contains("hwf_ready_file=\"ready.$HWF_ATTEMPT.$HWF_ARRAY_INDEX\""), script);
        assertTrue(script.contains("/dev/tcp/$HWF_SERVICE_HOST/$HWF_SERVICE_PORT"), "default check: " + script);
    }

    @Test
    void aDependantGetsTheEndpointQuotedOnceKnownAndACommentBefore() {
        Workflow wf = parse(YAML, "slurm");
        String before = render(wf, "sim", work, Map.of());
        assertFalse(before.contains("export HWF_SERVICE_MODEL_URL"), before);
        assertTrue(before.contains("# HWF_SERVICE_MODEL_URL is set here once service model is ready"), before);
        String after = render(wf, "sim", work, Map.of("model", "node-7:9000"));
        assertTrue(after.contains("export HWF_SERVICE_MODEL_URL=node-7:9000\n"), after);
        // the endpoint comes from a file on the cluster: whatever it holds stays one inert value
        String hostile = render(wf, "sim", work, Map.of("model", "x'$(touch pwned)`id`:1"));
        assertTrue(hostile.contains("export HWF_SERVICE_MODEL_URL='x'\\''$(touch pwned)`id`:1'\n"), hostile);
        assertFalse(render(wf, "model", work, Map.of()).contains("HWF_SERVICE_MODEL_URL"));
    }

    @Test
    void theReadyFileAppearsOnceTheCheckPassesAndTheJobEndsWithTheCommand() throws Exception {
        Workflow wf = parse("""
                name: svc
                tasks:
                  - name: model
                    service: true
                    port: 9000
                    ready: test -e warm
                    command: sleep 0.5; touch warm; sleep 1.5; exit 5
                  - name: sim
                    after: [model]
                    command: 'true'
                """, "local");
        Path dir = work.resolve("model");
        Files.createDirectories(dir);
        Path script = dir.resolve("job.1.sh");
        Files.writeString(script, render(wf, "model", dir, Map.of()));
        ProcessBuilder pb = new ProcessBuilder("bash", script.toString()).directory(dir.toFile());
        pb.environment().put("HWF_LOCAL_INDEX", "0");
        Process p = pb.start();
        assertTrue(p.waitFor(20, TimeUnit.SECONDS));
        assertEquals(5, p.exitValue());
        assertEquals("127.0.0.1:9000\n", Files.readString(dir.resolve("ready.1.0")));
        assertEquals("5\n", Files.readString(dir.resolve("exit.1.0")));
        assertTrue(Files.readString(dir.resolve("err.1.0.log")).contains("service ready at 127.0.0.1:9000"));
    }
}
