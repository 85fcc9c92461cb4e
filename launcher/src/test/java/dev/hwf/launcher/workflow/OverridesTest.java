package dev.hwf.launcher.workflow;

import static dev.hwf.launcher.workflow.WorkflowAssertions.only;
import static dev.hwf.launcher.workflow.WorkflowAssertions.parse;
import static dev.hwf.launcher.workflow.WorkflowAssertions.problem;
import static dev.hwf.launcher.workflow.WorkflowAssertions.problems;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code --set key=value}: applied before validation, reported against --set. */
class OverridesTest {
    private static final String YAML = """
            name: base
            defaults:
              walltime: "00:10:00"
            tasks:
              - name: prep
                command: ./prep.sh
              - name: train
                command: python train.py
                after: [prep]
                array: 4
                env: { LR: "0.01" }
              - name: step.2
                command: echo two
            """;

    @Test
    void overridesReplaceAndCreateValues() {
        Workflow wf = parse(YAML,
                "scheduler=slurm",
                "name=renamed",
                "site.gpuPartition=gpu",
                "site.workdir=/scratch/my work",
                "site.port=2222",
                "defaults.walltime=01:00:00",
                "defaults.env.OMP_NUM_THREADS=8",
                "tasks.train.array=16",
                "tasks.train.gpus=1",
                "tasks.train.env.LR=0.10",
                "tasks.train.env.NOTE=\"a b\"",
                "tasks.prep.directives=[--exclusive, --mem=0]",
                "tasks.step.2.walltime=2h");
        assertEquals("slurm", wf.scheduler());
        assertEquals("renamed", wf.name());
        assertEquals("gpu", wf.site().gpuPartition());
        assertEquals("/scratch/my work", wf.site().workdir());
        assertEquals(2222, wf.site().port());
        Task train = wf.task("train");
        assertEquals(16, train.array());
        assertEquals("gpu", train.partition());
        assertEquals(3600, train.walltimeSeconds());
        assertEquals(Map.of("OMP_NUM_THREADS", "8", "LR", "0.10", "NOTE", "a b"), train.env());
        assertEquals(List.of("OMP_NUM_THREADS", "LR", "NOTE"), List.copyOf(train.env().keySet()));
        assertEquals(List.of("--exclusive", "--mem=0"), wf.task("prep").directives());
        assertEquals(7200, wf.task("step.2").walltimeSeconds(), "task names may contain dots");
        assertEquals(3600, wf.task("prep").walltimeSeconds());
    }

    @Test
    void laterOverrideWinsAndIndexAddressingWorks() {
        Workflow wf = parse(YAML, "tasks.train.array=2", "tasks.train.array=3", "tasks[0].cpus=4");
        assertEquals(3, wf.task("train").array());
        assertEquals(4, wf.task("prep").cpus());
    }

    @Test
    void valuesThatAreNotYamlAreTakenVerbatim() {
        Workflow wf = parse(YAML, "tasks.prep.command=echo a: b # not a comment", "tasks.train.after=[]",
                "tasks.step.2.command=\"$HOME/run\" --fast");
        assertEquals("echo a: b # not a comment", wf.task("prep").command());
        assertEquals("\"$HOME/run\" --fast", wf.task("step.2").command());
        assertEquals(List.of(), wf.task("train").after());
    }

    @Test
    void emptyValueClearsAKey() {
        Workflow wf = parse(YAML, "defaults.walltime=");
        assertEquals(0, wf.task("prep").walltimeSeconds());
        assertNull(wf.task("prep").partition());
    }

    @Test
    void missingTaskIsReportedAgainstSet() {
        Problem p = only(problems(YAML, "tasks.nope.array=3"), "tasks.nope.array", 0);
        assertEquals("--set", p.file());
        assertEquals(0, p.column());
        assertTrue(p.message().contains("no task named \"nope\""), p.message());
        assertEquals("--set:0:0: tasks.nope.array: no task named \"nope\"", p.toString());
    }

    @Test
    void invalidValuesAreReportedAgainstSet() {
        List<Problem> ps = problems(YAML, "tasks.train.array=many", "scheduler=sge", "tasks.train.walltim=1h",
                "defaults.partition=$(rm -rf /)");
        Problem array = problem(ps, "tasks.train.array", 0);
        assertEquals("--set", array.file());
        assertTrue(array.message().contains("expected a whole number"), array.message());
        assertEquals("--set", problem(ps, "scheduler", 0).file());
        assertTrue(problem(ps, "tasks.train.walltim", 0).message().contains("did you mean walltime"));
        assertTrue(problem(ps, "defaults.partition", 0).message().contains("not a valid partition name"));
        assertEquals(4, ps.size(), ps.toString());
    }

    @Test
    void malformedOverrides() {
        List<Problem> ps = problems(YAML, "scheduler", "=x", "a..b=1", "tasks.train=1", "name.first=x",
                "tasks.train.env.A.B=1", "tasks[9].cpus=1", "tasks.train.after[3]=x", "tasks.prep.env=[unclosed");
        assertTrue(problem(ps, "scheduler", 0).message().contains("expected key=value"));
        assertTrue(problem(ps, "=x", 0).message().contains("no key"));
        assertTrue(problem(ps, "a..b", 0).message().contains("empty part"));
        assertTrue(problem(ps, "tasks.train", 0).message().contains("name a key of a task"));
        assertTrue(problem(ps, "name.first", 0).message().contains("not a map"));
        // env.A is created as a map on the way, which env then reads as a secret with a wrong key
        assertTrue(problem(ps, "tasks.train.env.A.B", 0).message().contains("{fromEnv: VARIABLE}"));
        assertTrue(problem(ps, "tasks[9].cpus", 0).message().contains("out of range"));
        assertTrue(problem(ps, "tasks.train.after[3]", 0).message().contains("out of range"));
        assertTrue(problem(ps, "tasks.prep.env", 0).message().contains("not valid YAML"));
        assertTrue(ps.stream().allMatch(p -> p.file().equals("--set") && p.line() == 0), ps.toString());
        assertEquals(9, ps.size(), ps.toString());
    }

    @Test
    void overrideCreatesMissingSections() {
        Workflow wf = parse("name: n\ntasks: [{name: a, command: x}]\n", "site.workdir=/x", "defaults.env.A=1",
                "site.flavor=torque", "scheduler=pbs");
        assertEquals("/x", wf.site().workdir());
        assertEquals("torque", wf.site().flavor());
        assertEquals(Map.of("A", "1"), wf.task("a").env());
    }

    @Test
    void overrideFixesAnInvalidFileValue() {
        String bad = "name: n\ntasks: [{name: a, command: x, walltime: soon}]\n";
        assertTrue(problems(bad).size() == 1);
        assertEquals(60, parse(bad, "tasks.a.walltime=1m").task("a").walltimeSeconds());
    }

    @Test
    void fileProblemsAndOverrideProblemsComeTogether() {
        List<Problem> ps = problems("name: n\ntasks: [{name: a, command: x, cpus: 0}]\n", "tasks.b.cpus=1");
        assertEquals(2, ps.size(), ps.toString());
        assertEquals("--set", ps.get(0).file(), "override problems first");
        assertEquals("tasks.a.cpus", ps.get(1).key());
        assertEquals(2, ps.get(1).line());
    }
}
