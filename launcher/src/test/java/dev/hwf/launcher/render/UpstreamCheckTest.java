package dev.hwf.launcher.render;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hwf.launcher.workflow.Task;
import dev.hwf.launcher.workflow.Workflow;
import dev.hwf.launcher.workflow.WorkflowLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A dependant's job script, rendered as hwf submits it and run by a real bash in a real task
 * directory: its command runs only when every upstream element it waits for left an exit code file
 * saying 0 (in the attempt the journal names); otherwise it runs nothing, records exit 1 and a
 * reason naming the upstream element, which hwf reads as "not run", never as a success.
 */
class UpstreamCheckTest {
    private static final String RUN = "up-r1";

    @TempDir
    Path work;

    private static final String WORKFLOW = """
            name: up
            scheduler: slurm
            tasks:
              - name: prep
                command: ./prep
              - name: sim
                array: 4
                command: ./sim
              - name: model
                service: true
                port: 8080
                command: ./serve
              - name: train
                after: [prep, sim, model]
                command: echo "trained $HWF_ARRAY_INDEX"
              - name: fit
                array: 4
                afterEach: [sim]
                command: echo "fit $HWF_ARRAY_INDEX"
            """;

    private Workflow wf() {
        return WorkflowLoader.parse(WORKFLOW, "up.yaml", work, List.of("site.workdir=" + work));
    }

    private Path dir(String task) throws Exception {
        return Files.createDirectories(work.resolve(RUN).resolve(task));
    }

    private void exitFile(String task, int attempt, int index, String code) throws Exception {
        Files.writeString(dir(task).resolve("exit." + attempt + "." + index), code);
    }

    /** prep ran in attempt 1; sim's elements 0-1 in attempt 1, 2 in attempt 3 (a retry), 3 in attempt 2. */
    private UpstreamCheck check(Task t) {
        Workflow wf = wf();
        List<UpstreamCheck.Upstream> ups = new java.util.ArrayList<>();
        for (String up : JobScripts.checkedUpstream(wf, t)) {
            int[] attempts = "prep".equals(up) ? new int[] {1} : new int[] {1, 1, 3, 2};
            ups.add(new UpstreamCheck.Upstream(up, RenderPaths.taskDir(work, RUN, up), wf.task(up).isArray(),
                    t.elementWise(up), UpstreamCheck.runs(attempts)));
        }
        return new UpstreamCheck(ups);
    }

    /** Writes the task's script as submission does and runs it as element {@code index}; its exit code. */
    private int run(String task, int index) throws Exception {
        Workflow wf = wf();
        Task t = wf.task(task);
        JobScripts.Script script = new JobScripts(wf, RUN, work.toString(), new dev.hwf.slurm.SlurmAdapter())
                .attempt(t, 1, IntStream.range(0, t.elementCount()).boxed().toList(), Map.of("model", "h:1"), 0,
                        check(t));
        Path file = dir(task).resolve("job.1.sh");
        Files.writeString(file, script.text());
        ProcessBuilder pb = new ProcessBuilder("bash", file.toString()).redirectErrorStream(true);
        pb.environment().remove("SLURM_ARRAY_TASK_ID");
        pb.environment().put("HWF_UPSTREAM_WAIT", waits);
        if (t.isArray()) {
            pb.environment().put("SLURM_ARRAY_TASK_ID", Integer.toString(index));
        }
        Process p = pb.start();
        p.getInputStream().readAllBytes();
        assertTrue(p.waitFor(20, TimeUnit.SECONDS), "bash did not finish");
        return p.exitValue();
    }

    /** How long the check looks again for a missing file: not at all, unless a test says otherwise. */
    private String waits = "";

    @Test
    void aFileThatShowsUpAMomentLaterIsSeen() throws Exception {
        allUpstreamSucceeded();
        Path late = dir("sim").resolve("exit.3.2");
        Files.delete(late);
        waits = "1 1";
        Thread writer = new Thread(() -> {
            try {
                Thread.sleep(400);
                Files.writeString(late, "0\n");
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        });
        writer.start();
        assertEquals(0, run("train", 0));
        writer.join();
        assertEquals("trained 0", read("train", "out.1.0.log"), "sim[2]'s file came after the first look");
    }

    private String read(String task, String name) throws Exception {
        Path f = work.resolve(RUN).resolve(task).resolve(name);
        return Files.exists(f) ? Files.readString(f, StandardCharsets.UTF_8).strip() : null;
    }

    private void allUpstreamSucceeded() throws Exception {
        exitFile("prep", 1, 0, "0\n");
        exitFile("sim", 1, 0, "0\n");
        exitFile("sim", 1, 1, "0\n");
        exitFile("sim", 3, 2, "0\n");
        exitFile("sim", 2, 3, "0\n");
    }

    @Test
    void servicesAndThePilotAreNotCheckedTheTasksItRunsAfterAre() {
        Workflow wf = wf();
        assertEquals(List.of("prep", "sim"), JobScripts.checkedUpstream(wf, wf.task("train")));
        assertEquals(List.of("sim"), JobScripts.checkedUpstream(wf, wf.task("fit")));
        assertEquals(List.of(), JobScripts.checkedUpstream(wf, wf.task("prep")));
        assertEquals("", UpstreamCheck.NONE.lines(), "a task with nothing to check gets no lines");
    }

    @Test
    void runsWhenEveryUpstreamElementLeftZeroInTheAttemptTheJournalNames() throws Exception {
        allUpstreamSucceeded();
        exitFile("sim", 1, 2, "1\n"); // element 2's failed first try: its retry, attempt 3, is what counts
        assertEquals(0, run("train", 0));
        assertEquals("trained 0", read("train", "out.1.0.log"));
        assertEquals("0", read("train", "exit.1.0"));
        assertEquals(null, read("train", "reason.1.0"));
        assertTrue(Files.exists(work.resolve(RUN).resolve("train").resolve("upstream.1.ok")),
                "the whole-task check passed once for this attempt");
    }

    @Test
    void aFailedMissingOrHalfWrittenUpstreamElementStopsTheDependantBeforeItRuns() throws Exception {
        for (String bad : new String[] {"3\n", null, "", "0 trailing\n"}) {
            deleteTree(work.resolve(RUN));
            allUpstreamSucceeded();
            if (bad == null) {
                Files.delete(dir("sim").resolve("exit.3.2"));
            } else {
                exitFile("sim", 3, 2, bad);
            }
            String what = "sim[2]'s exit code file: " + (bad == null ? "missing" : "'" + bad.strip() + "'");
            assertEquals(1, run("train", 0), what + ": the job ends as failed in the scheduler's eyes too");
            assertEquals("not run: upstream sim[2] not SUCCEEDED", read("train", "reason.1.0"), what);
            assertEquals("1", read("train", "exit.1.0"), what);
            assertEquals("", read("train", "out.1.0.log"), what + ": the command never ran");
            assertFalse(Files.exists(dir("train").resolve("upstream.1.ok")), what);
        }
        // a plain upstream is named without an index
        deleteTree(work.resolve(RUN));
        allUpstreamSucceeded();
        Files.delete(dir("prep").resolve("exit.1.0"));
        run("train", 0);
        assertEquals("not run: upstream prep not SUCCEEDED", read("train", "reason.1.0"));
    }

    @Test
    void elementWiseEachElementChecksOnlyItsOwnPartner() throws Exception {
        exitFile("sim", 1, 0, "0\n");
        exitFile("sim", 1, 1, "3\n");
        exitFile("sim", 3, 2, "0\n");
        // sim[3] has not ended: no exit code file
        for (int i = 0; i < 4; i++) {
            run("fit", i);
        }
        assertEquals("fit 0", read("fit", "out.1.0.log"));
        assertEquals("not run: upstream sim[1] not SUCCEEDED", read("fit", "reason.1.1"));
        assertEquals("fit 2", read("fit", "out.1.2.log"));
        assertEquals("not run: upstream sim[3] not SUCCEEDED", read("fit", "reason.1.3"));
        assertEquals(List.of("0", "1", "0", "1"), IntStream.range(0, 4).mapToObj(i -> {
            try {
                return read("fit", "exit.1." + i);
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        }).toList());
    }

    @Test
    void aPassedWholeTaskCheckIsTrustedByTheAttemptsOtherElements() throws Exception {
        allUpstreamSucceeded();
        assertEquals(0, run("train", 0));
        // the upstream files go away (cleaned up by hand): the attempt's stamp still says they were all 0
        deleteTree(work.resolve(RUN).resolve("sim"));
        assertEquals(0, run("train", 0));
        assertEquals("trained 0", read("train", "out.1.0.log"));
    }

    @Test
    void runsOfAttempts() {
        assertEquals(List.of(new UpstreamCheck.Run(1, 0, 1), new UpstreamCheck.Run(3, 2, 2),
                new UpstreamCheck.Run(2, 3, 3)), UpstreamCheck.runs(new int[] {1, 1, 3, 2}));
        assertEquals(List.of(new UpstreamCheck.Run(1, 1, 2)), UpstreamCheck.runs(new int[] {0, 1, 1}),
                "an element in no attempt is left out, so the check fails for it");
        assertEquals(List.of(), UpstreamCheck.runs(new int[0]));
    }

    private static void deleteTree(Path dir) throws Exception {
        if (!Files.exists(dir)) {
            return;
        }
        try (var s = Files.walk(dir)) {
            for (Path p : s.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    /** The task directory as the run's layout makes it. */
    private static final class RenderPaths {
        static String taskDir(Path work, String run, String task) {
            return RunLayout.taskDir(work.toString(), run, task);
        }
    }
}
