package dev.hwf.launcher.render;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hwf.launcher.site.Scheduler;
import dev.hwf.launcher.site.Schedulers;
import dev.hwf.launcher.exec.LocalFiles;
import dev.hwf.launcher.exec.SiteFiles.TaskDirScan;
import dev.hwf.launcher.workflow.Task;
import dev.hwf.launcher.workflow.Workflow;
import dev.hwf.launcher.workflow.WorkflowLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * modules, setup and container in job scripts: rendered lines, and scripts run in bash with a
 * stand-in {@code module} function and a stand-in {@code apptainer} that checks its arguments.
 */
class SoftwareRenderTest {
    private static final String RUN = "sw-r1";

    @TempDir
    Path work;

    private Workflow parse(String yaml) {
        return WorkflowLoader.parse(yaml, "sw.yaml", work, List.of("site.workdir=" + work));
    }

    private Path taskDir(String task) throws Exception {
        return Files.createDirectories(work.resolve(RUN).resolve(task));
    }

    private String render(Workflow wf, String task) throws Exception {
        Scheduler s = Schedulers.forWorkflow(wf);
        Task t = wf.task(task);
        String dir = taskDir(task).toString();
        var request = JobScripts.request(t, RunLayout.jobName(RUN, t.name(), 1), dir, List.of(0), s.adapter());
        return ScriptRenderer.render(ScriptRenderer.template(t, wf.scheduler()), t, s.adapter(),
                new ScriptRenderer.Context(wf.name(), RUN, 1, dir, request));
    }

    /** Writes and runs the local job script of the task in bash; returns its exit code. */
    private int run(Workflow wf, String task, Map<String, String> env) throws Exception {
        Path script = taskDir(task).resolve("job.1.sh");
        Files.writeString(script, render(wf, task));
        ProcessBuilder pb = new ProcessBuilder("bash", script.toString()).redirectErrorStream(true);
        pb.environment().remove("BASH_ENV");
        pb.environment().putAll(env);
        Process p = pb.start();
        p.getInputStream().readAllBytes();
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        return p.exitValue();
    }

    /** A site's module command, as a function bash imports from the environment: sets HELLO_x for module x/.. */
    private static final Map<String, String> MODULE_FUNCTION = Map.of("BASH_FUNC_module%%",
            "() { [ \"$1\" = load ] && case \"$2\" in nosuch*) echo \"unknown module $2\" >&2; return 1 ;;"
                    + " *) export \"HELLO_${2%%/*}=${2#*/}\" ;; esac; }");

    private String read(String task, String file) throws Exception {
        return Files.readString(work.resolve(RUN).resolve(task).resolve(file), StandardCharsets.UTF_8);
    }

    @Test
    void modulesLoadAfterTheExportsAndSetupRunsBeforeTheCommand() throws Exception {
        Workflow wf = parse("""
                name: sw
                tasks:
                  - name: a
                    env: { WHO: hwf }
                    modules: [hello/1.0, "world/2.1"]
                    setup: |
                      export FROM_SETUP="$HELLO_hello for $WHO"
                    command: echo "$HELLO_hello $HELLO_world $FROM_SETUP"
                """);
        String script = render(wf, "a");
        assertTrue(script.indexOf("export WHO=hwf") < script.indexOf("module load hello/1.0"), script);
        assertTrue(script.indexOf("module load world/2.1") < script.indexOf("export FROM_SETUP"), script);
        assertEquals(0, run(wf, "a", MODULE_FUNCTION));
        assertEquals("1.0 2.1 1.0 for hwf\n", read("a", "out.1.0.log"));
        assertFalse(Files.exists(work.resolve(RUN).resolve("a").resolve("reason.1.0")));
    }

    @Test
    void aModuleThatCannotBeLoadedEndsTheElementWithItsNameAsReason() throws Exception {
        Workflow wf = parse("""
                name: sw
                tasks:
                  - name: a
                    modules: [hello/1.0, nosuch/9.9]
                    command: echo ran > ran.txt
                """);
        assertEquals(1, run(wf, "a", MODULE_FUNCTION));
        assertEquals("module nosuch/9.9 not loaded\n", read("a", "reason.1.0"));
        assertEquals("1\n", read("a", "exit.1.0"));
        assertTrue(read("a", "err.1.0.log").contains("unknown module nosuch/9.9"));
        assertFalse(Files.exists(work.resolve(RUN).resolve("a").resolve("ran.txt")));
        TaskDirScan scan = new LocalFiles().scan(work.resolve(RUN).resolve("a").toString());
        assertEquals(Map.of("1.0", "module nosuch/9.9 not loaded"), scan.reasons());
        assertEquals(1, scan.exitCodes().get("1.0"));
    }

    @Test
    void withoutAnyModuleCommandTheReasonSaysSo() throws Exception {
        Workflow wf = parse("name: sw\ntasks:\n  - name: a\n    modules: [gcc/12]\n    command: 'true'\n");
        // no init file of Lmod or Environment Modules where the script looks
        Map<String, String> env = new HashMap<>(Map.of("LMOD_PKG", "/nonexistent", "MODULESHOME", "/nonexistent"));
        if (Files.exists(Path.of("/usr/share/lmod/lmod/init/bash")) || Files.exists(Path.of("/etc/profile.d/lmod.sh"))
                || Files.exists(Path.of("/usr/share/modules/init/bash"))) {
            return; // this machine has a module system: SoftwareEnvIT uses it
        }
        assertEquals(1, run(wf, "a", env));
        assertTrue(read("a", "reason.1.0").startsWith("module gcc/12 not loaded: no module command"));
    }

    @Test
    void failingSetupEndsTheElementWithItsExitCode() throws Exception {
        Workflow wf = parse("""
                name: sw
                tasks:
                  - name: a
                    setup: |
                      false || echo a failure that is handled
                      (exit 3)
                      echo never
                    command: echo ran > ran.txt
                """);
        assertEquals(3, run(wf, "a", Map.of()));
        assertEquals("setup failed (exit 3)\n", read("a", "reason.1.0"));
        assertEquals("a failure that is handled\n", read("a", "out.1.0.log"));
        assertFalse(Files.exists(work.resolve(RUN).resolve("a").resolve("ran.txt")));
    }

    @Test
    void anExitInSetupIsASetupFailureToo() throws Exception {
        Workflow wf = parse("name: sw\ntasks:\n  - name: a\n    setup: exit 7\n    command: echo ran > ran.txt\n");
        assertEquals(7, run(wf, "a", Map.of()));
        assertEquals("setup failed (exit 7)\n", read("a", "reason.1.0"));
        assertEquals("hwf: setup failed (exit 7)\n", read("a", "err.1.0.log"));
    }

    @Test
    void aFailingCommandAfterSetupIsNotASetupFailure() throws Exception {
        Workflow wf = parse("name: sw\ntasks:\n  - name: a\n    setup: 'true'\n    command: 'false; exit 4'\n");
        assertEquals(4, run(wf, "a", Map.of()));
        assertFalse(Files.exists(work.resolve(RUN).resolve("a").resolve("reason.1.0")));
    }

    /** A stand-in apptainer: prints its options one a line, then runs what follows the image. */
    private Path fakeEngine(String name) throws Exception {
        Path bin = Files.createDirectories(work.resolve("bin"));
        Path fake = bin.resolve(name);
        Files.writeString(fake, """
                #!/bin/bash
                [ "$1" = exec ] || { echo "not exec: $1" >&2; exit 90; }
                shift
                echo "engine:$(basename "$0")"
                while [ $# -gt 0 ]; do
                    case "$1" in
                        --bind|--pwd) echo "opt:$1 $2"; [ "$1" = --pwd ] && cd "$2"; shift 2 ;;
                        --nv) echo "opt:--nv"; shift ;;
                        -*) echo "unknown option $1" >&2; exit 91 ;;
                        *) echo "image:$1"; shift; break ;;
                    esac
                done
                exec "$@"
                """);
        Files.setPosixFilePermissions(fake, PosixFilePermissions.fromString("rwxr-xr-x"));
        return bin;
    }

    @Test
    void aGpuTaskRunsItsCommandInsideApptainerWithNvAndTheDirectoriesBound() throws Exception {
        Path bin = fakeEngine("apptainer");
        Files.writeString(work.resolve("app.sif"), "image");
        Workflow wf = parse("""
                name: sw
                tasks:
                  - name: train
                    gpus: 1
                    env: { LR: "0.1" }
                    container: { image: app.sif, binds: ["/tmp:/scratch"] }
                    command: echo "lr=$LR task=$HWF_TASK in $PWD" > result.txt
                """);
        String dir = work.resolve(RUN).resolve("train").toString();
        String image = work.resolve("app.sif").toString();
        String script = render(wf, "train");
        assertTrue(script.contains("exec apptainer exec --bind " + dir + " --bind " + work
                + " --bind /tmp:/scratch --pwd "
                + dir + " --nv " + image + " bash -c 'echo \"lr=$LR task=$HWF_TASK in $PWD\" > result.txt'"), script);
        Map<String, String> env = new HashMap<>();
        env.put("PATH", bin + ":" + System.getenv("PATH"));
        assertEquals(0, run(wf, "train", env));
        assertEquals(List.of("engine:apptainer", "opt:--bind " + dir, "opt:--bind " + work, "opt:--bind /tmp:/scratch",
                "opt:--pwd " + dir, "opt:--nv", "image:" + image), read("train", "out.1.0.log").lines().toList());
        assertEquals("lr=0.1 task=train in " + dir + "\n", read("train", "result.txt"));
    }

    @Test
    void singularityAndPodmanLines() throws Exception {
        Workflow wf = parse("""
                name: sw
                tasks:
                  - name: s
                    container: { image: "docker://alpine:3", engine: singularity }
                    command: hostname
                  - name: p
                    gpus: 2
                    env: { DOSE: "1" }
                    matrix: { lr: [1, 2] }
                    container: { image: localhost/app:1, engine: podman, binds: ["/data:/data:ro"] }
                    command: run "$lr"
                """);
        String s = render(wf, "s");
        assertTrue(s.contains("exec singularity exec --bind ") && s.contains(" docker://alpine:3 bash -c hostname"), s);
        assertFalse(s.contains("--nv"), s);
        String p = render(wf, "p");
        String dir = work.resolve(RUN).resolve("p").toString();
        assertTrue(p.contains("exec podman run --rm --network=host --volume " + dir + ":" + dir + " --volume " + work
                + ":" + work + " --volume /data:/data:ro --workdir " + dir
                + " --device nvidia.com/gpu=all --env 'HWF_*'"), p);
        assertTrue(p.contains(" --env DOSE --env lr localhost/app:1 bash -c 'run \"$lr\"'"), p);
    }

    @Test
    void launchersRunTheContainerInsideEachRank() throws Exception {
        String head = "name: sw\nscheduler: slurm\ntasks:\n  - name: t\n    nodes: 2\n    ntasks: 4\n"
                + "    container: { image: docker://x }\n";
        String srun = render(parse(head + "    launcher: srun\n    command: ./sim --n 1\n"), "t");
        assertTrue(srun.contains("\nsrun --nodes=2 --ntasks=4 --ntasks-per-node=2 apptainer exec --bind "), srun);
        assertTrue(srun.contains(" docker://x bash -c './sim --n 1'\n"), srun);
        String mpirun = render(parse(head + "    launcher: mpirun\n    command: ./sim --n 1\n"), "t");
        assertTrue(mpirun.contains("\nmpirun -np 4 apptainer exec --bind "), mpirun);
        String torchrun = render(parse(head + "    gpus: 2\n    launcher: torchrun\n"
                + "    command: train.py --epochs 3\n"), "t");
        assertTrue(torchrun.contains("--rdzv_endpoint=\"$MASTER_ADDR:$MASTER_PORT\""
                + " --no_python apptainer exec --bind "),
                torchrun);
        assertTrue(torchrun.contains(" --nv docker://x python3 train.py --epochs 3"), torchrun);
    }

    @Test
    void hostileNamesStayQuoted() throws Exception {
        Files.writeString(work.resolve("a b'$(touch pwned).sif"), "image");
        Workflow wf = parse("""
                name: sw
                tasks:
                  - name: a
                    container: { image: "a b'$(touch pwned).sif", binds: ["/tmp/$(touch pwned2):/x"] }
                    command: 'true'
                """);
        List<String> words = new ArrayList<>(SoftwareEnv.containerWords(wf.task("a"), "/w/r/a"));
        assertTrue(words.contains("'" + work.resolve("a b'\\''$(touch pwned).sif") + "'"), words.toString());
        assertTrue(words.contains("--bind '/tmp/$(touch pwned2):/x'"), words.toString());
    }
}
