package dev.hwf.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * modules, setup and container as a user tries them, through bin/hwf on local and on the local
 * Slurm: a module from the real Lmod (Debian's lmod, modulefiles this test writes) is seen by the
 * command, setup runs, a missing module and a failing setup fail their task with a reason naming
 * them in status --json; a real podman runs a command in an image built here from a directory;
 * an apptainer GPU task renders its exec line with --nv. src/test/cluster/podman-up.sh (run here,
 * idempotent) installs Lmod and podman and makes podman able to start containers on this machine.
 */
class SoftwareEnvIT {
    private static final String IMAGE = "localhost/hwf-test-busybox:1";
    private static String containersConf;
    /** Whether podman can start containers on this machine (podman-up.sh exit 0; 3 says it cannot, and why). */
    private static boolean podman;

    @TempDir
    Path scratch;

    @BeforeAll
    static void podmanAndLmod() throws Exception {
        Process p = new ProcessBuilder("bash", Hwf.home().resolve("src/test/cluster/podman-up.sh").toString())
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        String out = new String(p.getInputStream().readAllBytes()).strip();
        assertTrue(p.waitFor(600, TimeUnit.SECONDS), "podman-up.sh ran past 600 s");
        assertTrue(p.exitValue() == 0 || p.exitValue() == 3, "podman-up.sh failed: " + out);
        podman = p.exitValue() == 0;
        containersConf = out.lines().reduce((a, b) -> b).orElseThrow();
    }

    private Hwf hwf(String scheduler, Path modules) {
        Hwf hwf = new Hwf(scratch, "local".equals(scheduler) ? "0.3" : "1");
        hwf.env.put("MODULEPATH", modules.toString()); // the job inherits it, on local and through sbatch
        hwf.env.put("CONTAINERS_CONF", containersConf);
        return hwf;
    }

    private Path modulefiles() throws Exception {
        Path dir = Files.createDirectories(scratch.resolve("modulefiles/hello"));
        Files.writeString(dir.resolve("1.0.lua"), """
                whatis("hello: a module written by SoftwareEnvIT")
                setenv("HELLO_VERSION", "1.0")
                prepend_path("PATH", "%s")
                """.formatted(Files.createDirectories(scratch.resolve("hello-bin"))));
        Path tool = scratch.resolve("hello-bin/hello-tool");
        Files.writeString(tool, "#!/bin/sh\necho hello-tool from the module\n");
        assertTrue(tool.toFile().setExecutable(true));
        return dir.getParent();
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"local", "slurm"})
    void modulesSetupAndPodmanAsAUserSeesThem(String scheduler) throws Exception {
        Hwf hwf = hwf(scheduler, modulefiles());
        Path work = Files.createDirectories(scratch.resolve("work dir"));
        Path wf = hwf.workflow("sw.yaml", """
                name: software
                defaults: { partition: cpu, modules: [hello/1.0] }
                tasks:
                  - name: hello
                    setup: |
                      export GREETING="hi from setup"
                    command: echo "HELLO_VERSION=$HELLO_VERSION $GREETING $(hello-tool)"
                  - name: missing
                    modules: [hello/1.0, nosuch/9.9]
                    command: touch ran
                  - name: badsetup
                    setup: source venv-that-is-not-there/bin/activate
                    command: touch ran
                """);
        Hwf.Result r = hwf.run(Duration.ofSeconds(300), "submit", wf.toString(), "--set", "scheduler=" + scheduler,
                "--set", "site.workdir=" + work);
        assertEquals(1, r.code(), r.all());
        String run = Hwf.runId(r);
        Path runDir = work.resolve(run);
        JsonNode status = hwf.status(run);

        JsonNode hello = Hwf.task(status, "hello");
        assertEquals("SUCCEEDED", hello.get("state").asText(), status.toString());
        assertEquals("HELLO_VERSION=1.0 hi from setup hello-tool from the module",
                Files.readString(runDir.resolve("hello/out.1.0.log")).strip());
        assertEquals("[\"hello/1.0\"]", hello.get("modules").toString());

        JsonNode missing = Hwf.task(status, "missing");
        assertEquals("FAILED", missing.get("state").asText());
        assertEquals("module nosuch/9.9 not loaded", missing.get("reason").asText(), status.toString());
        assertFalse(Files.exists(runDir.resolve("missing/ran")), "the command must not run");

        JsonNode badsetup = Hwf.task(status, "badsetup");
        assertEquals("FAILED", badsetup.get("state").asText());
        assertEquals("setup failed (exit 1)", badsetup.get("reason").asText(), status.toString());
        assertFalse(Files.exists(runDir.resolve("badsetup/ran")), "the command must not run");

        Hwf.Result logs = hwf.run("logs", run, "missing", "--stderr");
        assertTrue(logs.out().contains("nosuch/9.9"), logs.all());
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"local", "slurm"})
    void podmanRunsTheCommandInItsImage(String scheduler) throws Exception {
        Assumptions.assumeTrue(podman, "podman cannot start a container on this machine (podman-up.sh said why)");
        Hwf hwf = hwf(scheduler, modulefiles());
        Path work = Files.createDirectories(scratch.resolve("work dir"));
        Path wf = hwf.workflow("box.yaml", """
                name: software-box
                defaults: { partition: cpu, modules: [hello/1.0] }
                tasks:
                  - name: box
                    modules: []
                    env: { DOSE: "0.5" }
                    container: { image: %s, engine: podman }
                    command: echo "dose=$DOSE task=$HWF_TASK index=$HWF_ARRAY_INDEX in $(cat /etc/hwf-image)" >o.txt
                """.formatted(IMAGE));
        Hwf.Result r = hwf.run(Duration.ofSeconds(300), "submit", wf.toString(), "--set", "scheduler=" + scheduler,
                "--set", "site.workdir=" + work);
        String run = Hwf.runId(r);
        Path runDir = work.resolve(run);
        JsonNode status = hwf.status(run);
        JsonNode box = Hwf.task(status, "box");
        assertEquals("SUCCEEDED", box.get("state").asText(), status + "\n" + r.all()
                + Files.readString(runDir.resolve("box/err.1.0.log")));
        assertEquals(0, r.code(), r.all());
        assertEquals("dose=0.5 task=box index=0 in hwf test image",
                Files.readString(runDir.resolve("box/o.txt")).strip());
        assertEquals(IMAGE, box.get("container").get("image").asText());
        assertEquals("podman", box.get("container").get("engine").asText());
        assertFalse(box.has("modules"), "modules: [] overrides the defaults: " + box);
    }

    @Test
    void aGpuTaskWithAnApptainerImageRendersExecWithNv() throws Exception {
        Hwf hwf = new Hwf(scratch, "1");
        Files.writeString(scratch.resolve("pytorch.sif"), "a stand-in image file");
        Path wf = hwf.workflow("gpu.yaml", """
                name: gpu-box
                scheduler: slurm
                site: { gpuPartition: gpu }
                tasks:
                  - name: train
                    gpus: 1
                    modules: [cuda/12.2]
                    container: { image: pytorch.sif }
                    command: python train.py
                """);
        Path out = scratch.resolve("scripts");
        Hwf.Result r = hwf.run("render", wf.toString(), "--out", out.toString());
        assertEquals(0, r.code(), r.all());
        List<String> lines = Files.readAllLines(out.resolve("train.sh"));
        String exec = lines.stream().filter(l -> l.startsWith("exec apptainer exec ")).findFirst().orElseThrow(
                () -> new AssertionError(String.join("\n", lines)));
        assertTrue(exec.endsWith(" --nv " + scratch.resolve("pytorch.sif") + " bash -c 'python train.py'"), exec);
        assertTrue(lines.indexOf("module load cuda/12.2 || { hwf_reason 'module cuda/12.2 not loaded'; exit 1; }")
                < lines.indexOf(exec), String.join("\n", lines));
        Hwf.Result missing = hwf.run("validate", hwf.workflow("bad.yaml", Files.readString(wf)
                .replace("pytorch.sif", "images/none.sif")).toString());
        assertEquals(2, missing.code(), missing.all());
        assertTrue(missing.err().contains("tasks.train.container.image") && missing.err().contains("image not found"),
                missing.all());
    }
}
