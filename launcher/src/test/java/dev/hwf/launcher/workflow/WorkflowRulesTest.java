package dev.hwf.launcher.workflow;

import static dev.hwf.launcher.workflow.WorkflowAssertions.only;
import static dev.hwf.launcher.workflow.WorkflowAssertions.problem;
import static dev.hwf.launcher.workflow.WorkflowAssertions.problems;
import static dev.hwf.launcher.workflow.WorkflowAssertions.resource;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Each rule of SPEC section 1, broken once: the problem names the right key and line. */
class WorkflowRulesTest {

    /** A valid file with one line to vary: line 5 is the task's extra setting. */
    private static List<Problem> withTaskLine(String line) {
        return problems("""
                name: rules
                tasks:
                  - name: t
                    command: echo t
                    %s
                """.formatted(line));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
        "nodes: 0                 | tasks.t.nodes      | must be >= 1",
        "nodes: two               | tasks.t.nodes      | expected a whole number >= 1, got text \"two\"",
        "nodes: 1.5               | tasks.t.nodes      | got the number 1.5",
        "nodes: [1]               | tasks.t.nodes      | got a list",
        "ntasks: -1               | tasks.t.ntasks     | must be >= 1",
        "cpus: \"4\"              | tasks.t.cpus       | write it without quotes",
        "gpus: -1                 | tasks.t.gpus       | must be >= 0",
        "retries: -2              | tasks.t.retries    | must be >= 0",
        "retries: true            | tasks.t.retries    | got the boolean true",
        "array: -1                | tasks.t.array      | must be >= 0",
        "arrayLimit: 2            | tasks.t.arrayLimit | give array: N",
        "memory: 16Q              | tasks.t.memory     | is not a size",
        "memory: 0                | tasks.t.memory     | must be more than 0",
        "memory: {a: 1}           | tasks.t.memory     | got a map",
        "walltime: 2 hours        | tasks.t.walltime   | is not a duration",
        "walltime: 30:00          | tasks.t.walltime   | ambiguous",
        "walltime: 00:00:00       | tasks.t.walltime   | must be more than 0",
        "walltime: 1-25:00:00     | tasks.t.walltime   | hours must be 00..23",
        "partition: a b           | tasks.t.partition  | not a valid partition name",
        "queue: -q                | tasks.t.queue      | not a valid queue name",
        "account: 'x;y'           | tasks.t.account    | not a valid account name",
        "qos: 'a&b'               | tasks.t.qos        | not a valid qos name",
        "env: [A, B]              | tasks.t.env        | expected a map of variable names",
        "env: { HWF_TASK: x }     | tasks.t.env.HWF_TASK | reserved for hwf",
        "env: { 1A: x }           | tasks.t.env.1A     | not a valid environment variable name",
        "env: { A-B: x }          | tasks.t.env.A-B    | not a valid environment variable name",
        "env: { A: }              | tasks.t.env.A      | has no value",
        "env: { A: [1] }          | tasks.t.env.A      | got a list",
        "directives: --exclusive  | tasks.t.directives | expected a list",
        "directives: ['']         | tasks.t.directives[0] | must not be empty",
        "after: simulate          | tasks.t.after      | expected a list of task names",
        "after: [nope]            | tasks.t.after      | no task named \"nope\"; tasks are: t",
        "after: [t]               | tasks.t.after      | cannot run after itself",
        "template: missing.sh     | tasks.t.template   | template file not found",
        "template: templates      | tasks.t.template   | not a regular file",
        "walltme: 1h              | tasks.t.walltme    | unknown key \"walltme\" (did you mean walltime?)",
        "Nodes: 2                 | tasks.t.Nodes      | did you mean nodes?",
    })
    void taskRule(String line, String key, String message) {
        Problem p = only(withTaskLine(line), key, 5);
        assertTrue(p.message().contains(message), p.message());
        assertEquals(WorkflowAssertions.SOURCE, p.file());
        assertTrue(p.column() >= 5, "column points into the line: " + p);
    }

    @Test
    void partitionAndQueueTogether() {
        List<Problem> ps = problems("""
                name: pq
                tasks:
                  - name: t
                    command: x
                    partition: cpu
                    queue: cpu
                """);
        Problem p = only(ps, "tasks.t.queue", 6);
        assertTrue(p.message().contains("give only one"), p.message());
    }

    @Test
    void workflowLevelRules() {
        List<Problem> ps = problems("""
                name: "-starts-with-dash"
                scheduler: sge
                extra: 1
                site:
                  host: "-oProxyCommand=sh"
                  port: 0
                  user: "a b"
                  flavor: openpbs
                  gpuPartition: "g;pu"
                  colour: red
                defaults:
                  command: "echo"
                  array: 3
                  template: x.sh
                  walltime: forever
                tasks:
                  - name: t
                    command: x
                """);
        assertTrue(problem(ps, "name", 1).message().contains("not a valid workflow name"));
        assertTrue(problem(ps, "scheduler", 2).message().contains("use one of slurm, pbs, lsf, local"));
        assertTrue(problem(ps, "extra", 3).message()
                .contains("allowed at the top level: name, scheduler, site, defaults, tasks"));
        assertTrue(problem(ps, "site.host", 5).message().contains("not a valid host name"));
        assertTrue(problem(ps, "site.port", 6).message().contains(">= 1"));
        assertTrue(problem(ps, "site.user", 7).message().contains("not a valid user name"));
        assertTrue(problem(ps, "site.flavor", 8).message().contains("pbspro, torque"));
        assertTrue(problem(ps, "site.gpuPartition", 9).message().contains("not a valid partition name"));
        assertTrue(problem(ps, "site.colour", 10).message().contains("allowed in site: host, port"));
        assertTrue(problem(ps, "defaults.command", 12).message().contains("allowed in defaults"));
        assertTrue(problem(ps, "defaults.array", 13).message().contains("unknown key"));
        assertTrue(problem(ps, "defaults.template", 14).message().contains("unknown key"));
        assertTrue(problem(ps, "defaults.walltime", 15).message().contains("not a duration"));
        assertEquals(13, ps.size(), ps.toString());
    }

    @Test
    void siteLimitsAreWholeNumbersOfAtLeastOne() {
        Problem jobs = only(problems("name: p\nsite: { maxJobs: 0 }\ntasks: [{name: a, command: x}]\n"),
                "site.maxJobs", 2);
        assertTrue(jobs.message().contains(">= 1"), jobs.message());
        Problem array = only(problems("name: p\nsite:\n  maxArraySize: \"100\"\ntasks: [{name: a, command: x}]\n"),
                "site.maxArraySize", 3);
        assertTrue(array.message().contains("without quotes"), array.message());
        Workflow wf = WorkflowLoader.parse("name: p\nscheduler: slurm\nsite: { maxJobs: 200, maxArraySize: 1000 }\n"
                + "tasks: [{name: a, command: x}]\n", "w.yaml", null, List.of());
        assertEquals(200, wf.site().maxJobs());
        assertEquals(1000, wf.site().maxArraySize());
    }

    @Test
    void submitCallsInFlightAreAWholeNumberOfAtLeastOneAndFourWhenNotGiven() {
        Problem calls = only(problems("name: p\nsite:\n  submitCalls: 0\ntasks: [{name: a, command: x}]\n"),
                "site.submitCalls", 3);
        assertTrue(calls.message().contains(">= 1"), calls.message());
        Workflow given = WorkflowLoader.parse("name: p\nscheduler: slurm\nsite: { submitCalls: 2 }\n"
                + "tasks: [{name: a, command: x}]\n", "w.yaml", null, List.of());
        assertEquals(2, given.site().submitCallsInFlight());
        Workflow unset = WorkflowLoader.parse("name: p\nscheduler: slurm\ntasks: [{name: a, command: x}]\n",
                "w.yaml", null, List.of());
        assertEquals(4, unset.site().submitCallsInFlight());
    }

    @Test
    void dependenciesAreTheSchedulersUnlessTheSiteSaysHwf() {
        Problem p = only(problems("name: p\nsite:\n  dependencies: slurm\ntasks: [{name: a, command: x}]\n"),
                "site.dependencies", 3);
        assertTrue(p.message().contains("scheduler") && p.message().contains("hwf"), p.message());
        String tasks = "tasks: [{name: a, command: x}]\n";
        assertTrue(WorkflowLoader.parse("name: p\nscheduler: slurm\n" + tasks, "w.yaml", null, List.of()).site()
                .schedulerDependencies());
        assertFalse(WorkflowLoader.parse("name: p\nsite: {dependencies: hwf}\n" + tasks, "w.yaml", null, List.of())
                .site().schedulerDependencies());
    }

    @Test
    void portAboveRange() {
        Problem p = only(problems("name: p\nsite: { port: 70000 }\ntasks: [{name: a, command: x}]\n"),
                "site.port", 2);
        assertTrue(p.message().contains("1..65535"), p.message());
    }

    @Test
    void requiredKeys() {
        List<Problem> ps = problems("""
                scheduler: slurm
                tasks:
                  - command: echo no name
                  - name: nocommand
                  - name: blank
                    command: "   "
                  -
                  - just text
                """);
        assertTrue(problem(ps, "name", 1).message().contains("every workflow needs a name"));
        assertTrue(problem(ps, "tasks[0].name", 3).message().contains("every task needs a name"));
        assertTrue(problem(ps, "tasks.nocommand.command", 4).message().contains("every task needs a command"));
        assertTrue(problem(ps, "tasks.blank.command", 6).message().contains("must not be blank"));
        assertTrue(problem(ps, "tasks[3]", 7).message().contains("empty task"));
        assertTrue(problem(ps, "tasks[4]", 8).message().contains("got text \"just text\""));
        assertEquals(6, ps.size(), ps.toString());
    }

    @Test
    void tasksMustBeANonEmptyList() {
        assertTrue(only(problems("name: a\n"), "tasks", 1).message().contains("missing"));
        assertTrue(only(problems("name: a\ntasks: []\n"), "tasks", 2).message().contains("at least one task"));
        assertTrue(only(problems("name: a\ntasks: {a: 1}\n"), "tasks", 2).message().contains("expected a list"));
        assertTrue(only(problems("name: a\ntasks:\n"), "tasks", 2).message().contains("missing"));
    }

    @Test
    void sectionsOfTheWrongType() {
        List<Problem> ps = problems("""
                name: a
                site: [x]
                defaults: 3
                tasks: [{name: a, command: x}]
                """);
        assertTrue(problem(ps, "site", 2).message().contains("got a list"));
        assertTrue(problem(ps, "defaults", 3).message().contains("got the number 3"));
    }

    @Test
    void duplicateTaskNamesPointAtTheSecond() {
        List<Problem> ps = problems("""
                name: dup
                tasks:
                  - name: a
                    command: x
                  - name: a
                    command: y
                """);
        Problem p = only(ps, "tasks[1].name", 5);
        assertTrue(p.message().contains("already used by tasks.a (line 3)"), p.message());
    }

    @Test
    void duplicateYamlKeyIsReported() {
        Problem p = only(problems("""
                name: dup
                tasks:
                  - name: a
                    command: x
                    command: y
                """), "tasks[0].command", 5);
        assertTrue(p.message().contains("given twice (first on line 4)"), p.message());
    }

    @Test
    void aliasesAreRefused() {
        List<Problem> ps = problems("""
                name: alias
                defaults: &d
                  cpus: 2
                tasks:
                  - name: a
                    command: x
                    env: *d
                """);
        Problem p = only(ps, "tasks[0].env", 7);
        assertTrue(p.message().contains("aliases"), p.message());
    }

    @Test
    void secondYamlDocumentIsRefused() {
        Problem p = only(problems("name: a\ntasks: [{name: a, command: x}]\n---\nname: b\n"), "(yaml syntax)", 4);
        assertTrue(p.message().contains("second YAML document"), p.message());
    }

    @Test
    void cycleIsNamed() {
        WorkflowException e = assertThrows(WorkflowException.class,
                () -> WorkflowLoader.load(resource("cycle.yaml"), List.of()));
        assertEquals(1, e.problems().size(), e.getMessage());
        Problem p = e.problems().get(0);
        // a waits for c, c for b, b for a: reported where the circle closes (b's after, line 8).
        assertEquals("tasks.b.after", p.key());
        assertEquals(8, p.line());
        assertTrue(p.message().contains("a -> c -> b -> a"), p.message());
    }

    @Test
    void twoTaskCycle() {
        Problem p = only(problems("""
                name: c
                tasks:
                  - { name: a, command: x, after: [b] }
                  - { name: b, command: x, after: [a] }
                """), "tasks.b.after", 4);
        assertTrue(p.message().contains("a -> b -> a"), p.message());
    }

    @Test
    void longChainIsFine() {
        StringBuilder yaml = new StringBuilder("name: chain\ntasks:\n  - {name: t0, command: x}\n");
        for (int i = 1; i < 3000; i++) {
            yaml.append("  - {name: t").append(i).append(", command: x, after: [t").append(i - 1).append("]}\n");
        }
        Workflow wf = WorkflowAssertions.parse(yaml.toString());
        assertEquals(3000, wf.tasks().size());
        assertEquals(List.of("t2998"), wf.task("t2999").after());
    }

    @Test
    void severalErrorsInOneFileAreAllReportedInLineOrder() {
        WorkflowException e = assertThrows(WorkflowException.class,
                () -> WorkflowLoader.load(resource("many-errors.yaml"), List.of()));
        List<Problem> ps = e.problems();
        assertTrue(problem(ps, "tasks.prepare.walltime", 6).message().contains("not a duration"));
        assertTrue(problem(ps, "tasks.train.gpus", 9).message().contains("got text \"one\""));
        assertTrue(problem(ps, "tasks.train.after", 10).message().contains("no task named \"evaluate\""));
        assertTrue(problem(ps, "tasks[2].name", 11).message().contains("already used"));
        assertTrue(problem(ps, "tasks[2].memory", 13).message().contains("not a size"));
        assertTrue(problem(ps, "tasks.report.colour", 16).message().contains("unknown key"));
        assertEquals(6, ps.size(), e.getMessage());
        assertEquals(List.of(6, 9, 10, 11, 13, 16), ps.stream().map(Problem::line).toList());
        assertTrue(e.getMessage().startsWith("6 errors in workflow; nothing was submitted:"), e.getMessage());
        assertTrue(ps.stream().allMatch(p -> p.file().endsWith("many-errors.yaml")));
    }
}
