package dev.hwf.launcher.render;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hwf.launcher.site.Scheduler;
import dev.hwf.launcher.site.Schedulers;
import dev.hwf.launcher.workflow.Problem;
import dev.hwf.launcher.workflow.Task;
import dev.hwf.launcher.workflow.Workflow;
import dev.hwf.launcher.workflow.WorkflowException;
import dev.hwf.launcher.workflow.WorkflowLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

/** The launch lines of torchrun, mpirun and srun tasks, per scheduler, and one actually run on local. */
class LaunchRenderTest {
    private static final String RUN = "launch-r1";

    @TempDir
    Path work;

    private Workflow parse(String yaml, String... sets) {
        List<String> all = new ArrayList<>(List.of("site.workdir=" + work));
        all.addAll(List.of(sets));
        return WorkflowLoader.parse(yaml, "launch.yaml", work, all);
    }

    private static String render(Workflow wf, String task, Path dir) {
        Scheduler s = Schedulers.forWorkflow(wf);
        Task t = wf.task(task);
        var request = JobScripts.request(t, RunLayout.jobName(RUN, t.name(), 1), dir.toString(), List.of(0), s.adapter());
        return ScriptRenderer.render(ScriptRenderer.template(t, wf.scheduler()), t, s.adapter(),
                new ScriptRenderer.Context(wf.name(), RUN, 1, dir.toString(), request));
    }

    /** The lines the template puts between "(" and ") </dev/null &": what {{command}} became. */
    private static List<String> commandLines(String script) {
        List<String> lines = script.lines().toList();
        return lines.subList(lines.indexOf("(") + 1, lines.indexOf(") </dev/null &"));
    }

    private static String task(String scheduler, String launcher, int nodes, String more) {
        return """
                name: ddp
                scheduler: %s
                tasks:
                  - name: train
                    launcher: %s
                    nodes: %d
                    %s
                    command: train.py --epochs 3
                """.formatted(scheduler, launcher, nodes, more);
    }

    private static final String RDZV = "torchrun --nnodes=2 --nproc_per_node=4 --rdzv_backend=c10d"
            + " --rdzv_endpoint=\"$MASTER_ADDR:$MASTER_PORT\" train.py --epochs 3";

    @Test
    void slurmTwoNodeTorchrunStartsOneTorchrunPerNodeWithSrun() {
        List<String> lines = commandLines(render(parse(task("slurm", "torchrun", 2, "gpus: 4")), "train", work));
        assertEquals(List.of(
                "# distributed launch (launcher: torchrun): rendezvous on the first host of the allocation",
                "MASTER_ADDR=$(scontrol show hostnames \"$SLURM_JOB_NODELIST\" | head -n 1)",
                "hwf_job_number=${SLURM_ARRAY_JOB_ID:-${SLURM_JOB_ID%%[!0-9]*}}",
                "MASTER_PORT=$((29500 + (10#${hwf_job_number:-0} + HWF_ARRAY_INDEX) % 500))",
                "export MASTER_ADDR MASTER_PORT",
                "export HWF_NNODES=2 HWF_NPROC_PER_NODE=4 WORLD_SIZE=8",
                "srun --nodes=2 --ntasks=2 --ntasks-per-node=1 " + RDZV), lines);
    }

    @Test
    void pbsAndLsfFindTheHeadNodeInTheirOwnWayAndRunMpirunAcrossNodes() {
        List<String> pbs = commandLines(render(parse(task("pbs", "mpirun", 2, "gpus: 4")), "train", work));
        assertEquals(List.of(
                "# distributed launch (launcher: mpirun): rendezvous on the first host of the allocation",
                "MASTER_ADDR=$(head -n 1 \"$PBS_NODEFILE\")",
                "hwf_job_number=${PBS_JOBID%%[!0-9]*}",
                "MASTER_PORT=$((29500 + (10#${hwf_job_number:-0} + HWF_ARRAY_INDEX) % 500))",
                "export MASTER_ADDR MASTER_PORT",
                "export HWF_NNODES=2 HWF_NPROC_PER_NODE=4 WORLD_SIZE=8",
                "mpirun -np 8 train.py --epochs 3"), pbs);
        List<String> lsf = commandLines(render(parse(task("lsf", "mpirun", 2, "ntasks: 6")), "train", work));
        assertEquals(List.of(
                "# distributed launch (launcher: mpirun): rendezvous on the first host of the allocation",
                "hwf_hosts=${LSB_MCPU_HOSTS:-$LSB_HOSTS}",
                "MASTER_ADDR=${hwf_hosts%% *}",
                "hwf_job_number=${LSB_JOBID%%[!0-9]*}",
                "MASTER_PORT=$((29500 + (10#${hwf_job_number:-0} + HWF_ARRAY_INDEX) % 500))",
                "export MASTER_ADDR MASTER_PORT",
                "export HWF_NNODES=2 HWF_NPROC_PER_NODE=3 WORLD_SIZE=6",
                "mpirun -np 6 train.py --epochs 3"), lsf);
    }

    @Test
    void singleNodeTorchrunOnEverySchedulerRunsTorchrunDirectly() {
        for (String scheduler : List.of("slurm", "pbs", "lsf", "local")) {
            List<String> lines = commandLines(render(parse(task(scheduler, "torchrun", 1, "gpus: 4")), "train", work));
            assertEquals("torchrun --nnodes=1 --nproc_per_node=4 --rdzv_backend=c10d"
                    + " --rdzv_endpoint=\"$MASTER_ADDR:$MASTER_PORT\" train.py --epochs 3", lines.get(lines.size() - 1),
                    scheduler);
        }
        List<String> local = commandLines(render(parse(task("local", "torchrun", 1, "ntasks: 2")), "train", work));
        assertEquals(List.of("MASTER_ADDR=127.0.0.1", "hwf_job_number=$$"), local.subList(1, 3));
    }

    @Test
    void slurmSrunStartsEveryProcess() {
        List<String> lines = commandLines(render(parse(task("slurm", "srun", 2, "gpus: 2")), "train", work));
        assertEquals("srun --nodes=2 --ntasks=4 --ntasks-per-node=2 train.py --epochs 3", lines.get(lines.size() - 1));
    }

    @Test
    void aTaskWithoutLauncherIsUnchanged() {
        String yaml = "name: plain\ntasks:\n  - name: train\n    command: echo hi\n";
        assertEquals(List.of("echo hi"), commandLines(render(parse(yaml), "train", work)));
    }

    @Test
    void whatCannotBeLaunchedIsRefusedWithKeyAndLine() {
        List<Problem> multi = problems(task("local", "torchrun", 2, "gpus: 1"));
        assertEquals(1, multi.size(), multi.toString());
        assertEquals("tasks.train.launcher", multi.get(0).key());
        assertEquals(5, multi.get(0).line());
        assertTrue(multi.get(0).message().contains("nodes: 1"), multi.toString());

        List<Problem> srun = problems(task("lsf", "srun", 1, "gpus: 1"));
        assertTrue(srun.get(0).message().contains("only on Slurm"), srun.toString());

        List<Problem> uneven = problems(task("slurm", "mpirun", 2, "ntasks: 3"));
        assertTrue(uneven.get(0).message().contains("multiple of nodes"), uneven.toString());

        List<Problem> unknown = problems(task("slurm", "deepspeed", 1, "gpus: 1"));
        assertTrue(unknown.get(0).message().contains("use one of torchrun, mpirun, srun"), unknown.toString());

        List<Problem> twoLines = problems("""
                name: ddp
                tasks:
                  - name: train
                    launcher: torchrun
                    command: |
                      cd data
                      train.py
                """);
        assertEquals("tasks.train.command", twoLines.get(0).key(), twoLines.toString());

        List<Problem> inDefaults = problems("name: x\ndefaults: { launcher: srun }\ntasks:\n  - name: t\n    command: a\n");
        assertTrue(inDefaults.get(0).message().contains("unknown key"), inDefaults.toString());
    }

    private List<Problem> problems(String yaml) {
        return assertThrows(WorkflowException.class, () -> parse(yaml)).problems();
    }

    /**
     * A 1-node torchrun task rendered for local and run by bash with a fake torchrun first on PATH:
     * it receives exactly the arguments and rendezvous environment documented.
     */
    @Test
    void theLocalLaunchLineRunsTorchrunWithTheRendezvousEnvironment() throws Exception {
        Path bin = Files.createDirectories(work.resolve("bin"));
        Path fake = bin.resolve("torchrun");
        Files.writeString(fake, """
                #!/bin/bash
                printf 'arg:%s\\n' "$@"
                echo "MASTER_ADDR=$MASTER_ADDR"
                echo "MASTER_PORT=$MASTER_PORT"
                echo "WORLD_SIZE=$WORLD_SIZE HWF_NNODES=$HWF_NNODES HWF_NPROC_PER_NODE=$HWF_NPROC_PER_NODE"
                """);
        Files.setPosixFilePermissions(fake, PosixFilePermissions.fromString("rwxr-xr-x"));
        Workflow wf = parse("""
                name: ddp
                tasks:
                  - name: train
                    launcher: torchrun
                    ntasks: 2
                    command: train.py --name "it's $HWF_TASK"
                """);
        Path dir = Files.createDirectories(work.resolve("task"));
        Path script = dir.resolve("job.1.sh");
        Files.writeString(script, render(wf, "train", dir));
        ProcessBuilder pb = new ProcessBuilder("bash", script.toString()).redirectErrorStream(true);
        pb.environment().put("PATH", bin + ":" + System.getenv("PATH"));
        pb.environment().remove("HWF_LOCAL_INDEX");
        Process p = pb.start();
        String console = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(20, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), console);
        List<String> out = Files.readAllLines(dir.resolve("out.1.0.log"));
        assertEquals(List.of("arg:--nnodes=1", "arg:--nproc_per_node=2", "arg:--rdzv_backend=c10d"), out.subList(0, 3));
        assertTrue(out.get(3).matches("arg:--rdzv_endpoint=127\\.0\\.0\\.1:(29[5-9]\\d\\d)"), out.toString());
        String port = out.get(3).substring(out.get(3).lastIndexOf(':') + 1);
        assertEquals(List.of("arg:train.py", "arg:--name", "arg:it's train", "MASTER_ADDR=127.0.0.1",
                "MASTER_PORT=" + port, "WORLD_SIZE=2 HWF_NNODES=1 HWF_NPROC_PER_NODE=2"), out.subList(4, 10));
        assertEquals("0", Files.readString(dir.resolve("exit.1.0")).strip());
    }

    /**
     * A 2-node torchrun rendered for PBS and LSF and run by bash with fake pbsdsh / blaunch that
     * start the program as a remote node would, with an almost empty environment, and a fake
     * torchrun: one torchrun per distinct host, each with the job's variables and the same
     * rendezvous endpoint.
     */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"pbs", "lsf"})
    void aTwoNodeTorchrunStartsOnePerHostWithTheJobsVariables(String scheduler) throws Exception {
        Path bin = Files.createDirectories(work.resolve("bin"));
        Path log = work.resolve("nodes.log");
        String node = "env -i PATH=/usr/bin:/bin HWF_FAKE_HOST=\"$host\" \"$@\" >>" + log + " 2>&1";
        fake(bin.resolve("pbsdsh"), """
                #!/bin/bash
                [ "$1" = -n ] && [ "$3" = -- ] || { echo "bad pbsdsh args: $*" >&2; exit 9; }
                host=$(sed -n "$(( $2 + 1 ))p" "$PBS_NODEFILE"); shift 3
                %s
                """.formatted(node));
        fake(bin.resolve("blaunch"), """
                #!/bin/bash
                [ "$1" = -z ] || { echo "bad blaunch args: $*" >&2; exit 9; }
                hosts=$2; shift 2
                for host in $hosts; do %s; done
                """.formatted(node));
        fake(bin.resolve("torchrun"), """
                #!/bin/bash
                echo "$HWF_FAKE_HOST: $* | $MASTER_ADDR:$MASTER_PORT $WORLD_SIZE $HWF_TASK [$NOTE] $PWD"
                """);
        Path hosts = work.resolve("hosts");
        Files.writeString(hosts, "n1\nn1\nn2\nn2\n");
        Workflow wf = parse("""
                name: ddp
                scheduler: %s
                tasks:
                  - name: train
                    launcher: torchrun
                    nodes: 2
                    gpus: 2
                    env: { NOTE: "it's $(not run)" }
                    command: train.py --epochs 3
                """.formatted(scheduler));
        Path dir = Files.createDirectories(work.resolve("task dir"));
        Path script = dir.resolve("job.1.sh");
        Files.writeString(script, render(wf, "train", dir));
        ProcessBuilder pb = new ProcessBuilder("bash", script.toString()).redirectErrorStream(true);
        pb.environment().put("PATH", bin + ":" + System.getenv("PATH"));
        pb.environment().put("pbs".equals(scheduler) ? "PBS_NODEFILE" : "LSB_DJOB_HOSTFILE", hosts.toString());
        pb.environment().put("LSB_MCPU_HOSTS", "n1 2 n2 2");
        Process p = pb.start();
        String console = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(20, TimeUnit.SECONDS));
        assertEquals("0", Files.readString(dir.resolve("exit.1.0")).strip(),
                console + Files.readString(dir.resolve("err.1.0.log")));
        List<String> lines = Files.readAllLines(log).stream().sorted().toList();
        assertEquals(2, lines.size(), lines.toString());
        for (int i = 0; i < 2; i++) {
            assertTrue(lines.get(i).matches("n" + (i + 1) + ": --nnodes=2 --nproc_per_node=2 --rdzv_backend=c10d "
                    + "--rdzv_endpoint=n1:29\\d\\d\\d train.py --epochs 3 \\| n1:29\\d\\d\\d 4 train "
                    + "\\[it's \\$\\(not run\\)\\] " + java.util.regex.Pattern.quote(dir.toString())), lines.get(i));
        }
    }

    private static void fake(Path file, String text) throws Exception {
        Files.writeString(file, text);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
    }
}
