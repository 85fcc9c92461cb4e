package dev.hwf.launcher.workflow;

import static dev.hwf.launcher.workflow.WorkflowAssertions.only;
import static dev.hwf.launcher.workflow.WorkflowAssertions.parse;
import static dev.hwf.launcher.workflow.WorkflowAssertions.problem;
import static dev.hwf.launcher.workflow.WorkflowAssertions.problems;
import static dev.hwf.launcher.workflow.WorkflowAssertions.resource;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hwf.launcher.ExitCodes;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Loading whole files: the SPEC example, defaults, partitions, env order, file-level failures. */
class WorkflowLoaderTest {

    @Test
    void specExampleLoadsWithDefaultsApplied() {
        Path file = resource("spec-example.yaml");
        Workflow wf = WorkflowLoader.load(file, List.of());

        assertEquals("lucid-dose", wf.name());
        assertEquals("slurm", wf.scheduler());
        assertEquals(file.toString(), wf.source());
        assertEquals(new Site("login1.example.org", 22, "alice", "~/.ssh/id_ed25519", "~/.ssh/known_hosts",
                "/scratch/alice/hwf", "gpu", null, null, null, null, Site.SCHEDULER), wf.site());
        assertEquals(List.of("simulate", "train"), wf.tasks().stream().map(Task::name).toList());

        Task simulate = wf.task("simulate");
        assertEquals("srun ./sim --dose 0.5", simulate.command());
        assertEquals(List.of(), simulate.after());
        assertEquals(2, simulate.nodes());
        assertEquals(8, simulate.ntasks());
        assertEquals(4, simulate.cpus());
        assertEquals(16 * 1024, simulate.memoryMb());
        assertEquals(2 * 3600, simulate.walltimeSeconds());
        assertEquals("cpu", simulate.partition());
        assertEquals("proj42", simulate.account());
        assertEquals("normal", simulate.qos());
        assertEquals(List.of(Map.entry("OMP_NUM_THREADS", "4"), Map.entry("DOSE", "0.5")),
                List.copyOf(simulate.env().entrySet()));
        assertEquals(1, simulate.retries());
        assertEquals(List.of("--exclusive"), simulate.directives());
        assertEquals(file.getParent().resolve("templates/my-slurm.sh").toAbsolutePath().normalize().toString(),
                simulate.template());
        assertEquals(0, simulate.gpus());
        assertFalse(simulate.isArray());

        Task train = wf.task("train");
        assertEquals(List.of("simulate"), train.after());
        assertEquals(1, train.nodes());
        assertEquals(1, train.ntasks());
        assertEquals(1, train.cpus());
        assertEquals(0, train.memoryMb(), "no memory given: scheduler default");
        assertEquals(30 * 60, train.walltimeSeconds(), "walltime from defaults");
        assertEquals("gpu", train.partition(), "GPU task without own partition goes to site.gpuPartition");
        assertEquals("proj42", train.account(), "account from defaults");
        assertNull(train.qos());
        assertEquals(Map.of("OMP_NUM_THREADS", "4"), train.env());
        assertEquals(0, train.retries());
        assertEquals(List.of(), train.directives());
        assertNull(train.template());
        assertEquals(1, train.gpus());
        assertEquals(8, train.array());
        assertEquals(4, train.arrayLimit());
        assertTrue(train.isGpu());
    }

    @Test
    void minimalFileGetsEveryDefault() {
        Workflow wf = parse("""
                name: tiny
                tasks:
                  - name: hello
                    command: echo hello
                """);
        assertEquals("local", wf.scheduler());
        assertEquals(Site.local(), wf.site());
        assertFalse(wf.site().isRemote());
        assertEquals(new Task("hello", "echo hello", List.of(), 1, 1, 1, 0, 0, null, null, null, Map.of(), 0,
                List.of(), null, 0, 0, 0), wf.task("hello"));
        assertEquals(WorkflowAssertions.SOURCE, wf.source());
    }

    @Test
    void partitionResolution() {
        String head = """
                name: parts
                site:
                  gpuPartition: gpu
                defaults:
                  partition: cpu
                tasks:
                  - name: plain
                    command: x
                  - name: own
                    command: x
                    partition: big
                  - name: gpuDefault
                    command: x
                    gpus: 2
                  - name: gpuOwn
                    command: x
                    gpus: 1
                    queue: a100
                """;
        Workflow wf = parse(head);
        assertEquals("cpu", wf.task("plain").partition());
        assertEquals("big", wf.task("own").partition());
        assertEquals("gpu", wf.task("gpuDefault").partition());
        assertEquals("a100", wf.task("gpuOwn").partition(), "queue is a synonym of partition");

        // No gpuPartition on the site: a GPU task falls back to the default partition.
        Workflow noGpuPartition = parse(head, "site.gpuPartition=");
        assertEquals("cpu", noGpuPartition.task("gpuDefault").partition());
        // No default either: the scheduler decides.
        Workflow none = parse(head, "site.gpuPartition=", "defaults.partition=");
        assertNull(none.task("gpuDefault").partition());
        assertNull(none.task("plain").partition());
    }

    @Test
    void defaultsQueueIsTheDefaultPartition() {
        Workflow wf = parse("""
                name: q
                scheduler: pbs
                defaults: { queue: workq }
                tasks: [{ name: a, command: x }]
                """);
        assertEquals("workq", wf.task("a").partition());
        assertEquals("pbspro", wf.site().flavor(), "PBS without a flavor is PBS Pro");
    }

    @Test
    void flavorIsKeptForPbsOnly() {
        String yaml = """
                name: f
                scheduler: pbs
                site: { flavor: torque }
                tasks: [{ name: a, command: x }]
                """;
        assertEquals("torque", parse(yaml).site().flavor());
        assertNull(parse(yaml, "scheduler=slurm").site().flavor());
    }

    @Test
    void taskEnvMergesOverDefaultsInFileOrderAndTaskWins() {
        Workflow wf = parse("""
                name: envs
                defaults:
                  env:
                    A: "1"
                    B: "2"
                    C: 3
                tasks:
                  - name: t
                    command: env
                    env:
                      D: four
                      B: overridden
                      E: 0.10
                      F: yes
                      G: ""
                """);
        Map<String, String> env = wf.task("t").env();
        assertEquals(List.of("A", "B", "C", "D", "E", "F", "G"), List.copyOf(env.keySet()));
        assertEquals("overridden", env.get("B"));
        assertEquals("3", env.get("C"), "numbers become strings");
        assertEquals("0.10", env.get("E"), "numbers keep their spelling");
        assertEquals("yes", env.get("F"));
        assertEquals("", env.get("G"));
    }

    @Test
    void taskValuesWinOverDefaultsAndDirectivesAreNotMerged() {
        Workflow wf = parse("""
                name: d
                defaults:
                  nodes: 2
                  ntasks: 4
                  cpus: 8
                  memory: 1G
                  walltime: 1h
                  account: acct
                  qos: low
                  retries: 2
                  gpus: 1
                  directives: ["--exclusive"]
                tasks:
                  - name: inherits
                    command: x
                  - name: own
                    command: x
                    nodes: 1
                    memory: 512
                    walltime: 45
                    qos: high
                    retries: 0
                    gpus: 0
                    directives: ["--mail-type=END"]
                """);
        Task inherits = wf.task("inherits");
        assertEquals(2, inherits.nodes());
        assertEquals(4, inherits.ntasks());
        assertEquals(8, inherits.cpus());
        assertEquals(1024, inherits.memoryMb());
        assertEquals(3600, inherits.walltimeSeconds());
        assertEquals("acct", inherits.account());
        assertEquals("low", inherits.qos());
        assertEquals(2, inherits.retries());
        assertEquals(1, inherits.gpus());
        assertEquals(List.of("--exclusive"), inherits.directives());

        Task own = wf.task("own");
        assertEquals(1, own.nodes());
        assertEquals(512, own.memoryMb(), "a bare number is MiB");
        assertEquals(45 * 60, own.walltimeSeconds(), "a bare number is minutes");
        assertEquals("high", own.qos());
        assertEquals(0, own.retries());
        assertEquals(0, own.gpus());
        assertEquals(List.of("--mail-type=END"), own.directives());
    }

    @Test
    void walltimeFormsAndNumericNamesAreRead() {
        Workflow wf = parse("""
                name: 2024.run-1
                tasks:
                  - { name: a, command: x, walltime: 1-12:00:00 }
                  - { name: b, command: x, walltime: 1:30:00 }
                  - { name: c, command: x, walltime: 2d }
                  - { name: "007", command: x, array: 0 }
                """);
        assertEquals("2024.run-1", wf.name());
        assertEquals(36 * 3600, wf.task("a").walltimeSeconds());
        assertEquals(5400, wf.task("b").walltimeSeconds());
        assertEquals(2 * 86400, wf.task("c").walltimeSeconds());
        assertFalse(wf.task("007").isArray(), "array: 0 means not an array");
    }

    @Test
    void missingFileIsOneProblem() {
        WorkflowException e = assertThrows(WorkflowException.class,
                () -> WorkflowLoader.load(Path.of("no/such/wf.yaml"), List.of()));
        assertEquals(1, e.problems().size());
        assertEquals("no/such/wf.yaml", e.problems().get(0).file());
        assertTrue(e.problems().get(0).message().contains("file not found"), e.getMessage());
        assertEquals(ExitCodes.BAD_INPUT, e.exitCode());
    }

    @Test
    void directoryIsAProblem(@TempDir Path dir) {
        WorkflowException e = assertThrows(WorkflowException.class, () -> WorkflowLoader.load(dir, List.of()));
        assertTrue(e.problems().get(0).message().contains("directory"), e.getMessage());
    }

    @Test
    void emptyFileIsAProblem(@TempDir Path dir) throws IOException {
        Path empty = Files.writeString(dir.resolve("empty.yaml"), "# nothing yet\n");
        WorkflowException e = assertThrows(WorkflowException.class, () -> WorkflowLoader.load(empty, List.of()));
        assertEquals(1, e.problems().size());
        assertTrue(e.problems().get(0).message().contains("empty"), e.getMessage());
        assertEquals(empty.toString(), e.problems().get(0).file());
    }

    @Test
    void topLevelMustBeAMap() {
        Problem p = only(problems("- name: a\n  command: x\n"), "(file)", 1);
        assertTrue(p.message().contains("expected a map"), p.message());
    }

    @Test
    void yamlSyntaxErrorHasTheParsersLine() {
        Problem p = only(problems("""
                name: broken
                tasks:
                  - name: a
                    command: echo hi
                   walltime: 1h
                """), "(yaml syntax)", 5);
        assertTrue(p.column() > 0);
        assertTrue(p.message().startsWith("not valid YAML"), p.message());
        assertEquals(WorkflowAssertions.SOURCE, p.file());
    }

    @Test
    void unclosedQuoteIsReportedWhereItOpens() {
        Problem p = only(problems("""
                name: broken
                tasks:
                  - name: a
                    command: "echo hi
                """), "(yaml syntax)", 4);
        assertEquals(14, p.column());
    }

    @Test
    void tabIndentationIsASyntaxError() {
        Problem p = only(problems("name: t\ntasks:\n\t- name: a\n"), "(yaml syntax)", 3);
        assertTrue(p.message().contains("TAB"), p.message());
    }

    @Test
    void exceptionMessageListsEveryProblemWithLocation() {
        WorkflowException e = assertThrows(WorkflowException.class, () -> parse("""
                name: x
                tasks:
                  - name: a
                """));
        assertTrue(e.getMessage().startsWith("1 error in workflow"), e.getMessage());
        assertTrue(e.getMessage().contains("wf.yaml:3:5: tasks.a.command: missing"), e.getMessage());
    }

    @Test
    void byteOrderMarkIsIgnored() {
        assertEquals("bom", parse("\uFEFFname: bom\ntasks: [{name: a, command: x}]\n").name());
    }

    @Test
    void loadReadsTheFileAndResolvesTemplatesBesideIt(@TempDir Path dir) throws IOException {
        Files.createDirectories(dir.resolve("tpl"));
        Files.writeString(dir.resolve("tpl/job.sh"), "#!/bin/bash\n");
        Path file = Files.writeString(dir.resolve("wf.yaml"), """
                name: t
                tasks:
                  - name: a
                    command: x
                    template: tpl/../tpl/job.sh
                """);
        Workflow wf = WorkflowLoader.load(file, List.of());
        assertEquals(dir.resolve("tpl/job.sh").toAbsolutePath().normalize().toString(), wf.task("a").template());
    }
}
