package dev.hwf.launcher.workflow;

import static dev.hwf.launcher.workflow.WorkflowAssertions.only;
import static dev.hwf.launcher.workflow.WorkflowAssertions.parse;
import static dev.hwf.launcher.workflow.WorkflowAssertions.problem;
import static dev.hwf.launcher.workflow.WorkflowAssertions.problems;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Values that could break out of where they are put are refused; env values are kept verbatim. */
class HostileInputTest {

    private static String task(String line) {
        return """
                name: hostile
                tasks:
                  - name: t
                    command: echo t
                    %s
                """.formatted(line);
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "partition: \"$(rm -rf /)\"",
        "partition: \"`reboot`\"",
        "partition: \"cpu; rm -rf ~\"",
        "partition: \"cpu\\n#SBATCH --uid=0\"",
        "queue: \"a'b\"",
        "account: \"proj 42\"",
        "account: \"--uid=0\"",
        "qos: \"a\\\"b\"",
        "qos: \"x>y\"",
    })
    void schedulerWordsAreRestricted(String line) {
        List<Problem> ps = problems(task(line));
        assertEquals(1, ps.size(), ps.toString());
        assertEquals(5, ps.get(0).line());
        assertTrue(ps.get(0).message().contains("use letters, digits and _ . , : + @ -"), ps.get(0).message());
    }

    @Test
    void schedulerWordsMayUseTheirNormalCharacters() {
        Workflow wf = parse(task("partition: \"gpu,gpu-long\"\n    account: \"proj_42.x+y@site:1\""));
        assertEquals("gpu,gpu-long", wf.task("t").partition());
        assertEquals("proj_42.x+y@site:1", wf.task("t").account());
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "directives: [\"--exclusive\\n#SBATCH --uid=0\"]",
        "directives: [\"--a\\r--b\"]",
        "directives: [\"--a\\0\"]",
        "directives: [\"  \"]",
    })
    void directivesStayOnOneLine(String line) {
        Problem p = only(problems(task(line)), "tasks.t.directives[0]", 5);
        assertFalse(p.message().contains("\n"), "message escapes the value: " + p.message());
    }

    @Test
    void directivesMayHoldQuotesAndSpaces() {
        Workflow wf = parse(task("directives: [\"--comment='a b' \\\"c\\\"\", \"-l select=1:ncpus=4\"]"));
        assertEquals(List.of("--comment='a b' \"c\"", "-l select=1:ncpus=4"), wf.task("t").directives());
    }

    @Test
    void envValuesAreAcceptedVerbatim() {
        Workflow wf = parse("""
                name: env
                tasks:
                  - name: t
                    command: env
                    env:
                      SUBST: "$(rm -rf /)"
                      TICKS: "`reboot`"
                      QUOTES: "it's \\"quoted\\""
                      MULTI: "line1\\nline2"
                      GLOB: "*"
                      SEMI: "a; b && c | d"
                      BACKSLASH: "\\\\"
                """);
        var env = wf.task("t").env();
        assertEquals("$(rm -rf /)", env.get("SUBST"));
        assertEquals("`reboot`", env.get("TICKS"));
        assertEquals("it's \"quoted\"", env.get("QUOTES"));
        assertEquals("line1\nline2", env.get("MULTI"));
        assertEquals("*", env.get("GLOB"));
        assertEquals("a; b && c | d", env.get("SEMI"));
        assertEquals("\\", env.get("BACKSLASH"));
    }

    @Test
    void envValueWithNulIsRefused() {
        Problem p = only(problems(task("env: { A: \"x\\0y\" }")), "tasks.t.env.A", 5);
        assertTrue(p.message().contains("NUL"), p.message());
    }

    @Test
    void envNamesCannotSmuggleShell() {
        List<Problem> ps = problems(task("env: { \"A=1; rm -rf /\": x, \"B C\": y }"));
        assertEquals(2, ps.size(), ps.toString());
        assertTrue(problem(ps, "tasks.t.env.A=1; rm -rf /", 5).message().contains("not a valid environment"));
    }

    @Test
    void taskAndWorkflowNamesAreRestricted() {
        List<Problem> ps = problems("""
                name: "../../etc"
                tasks:
                  - name: "a/../../b"
                    command: x
                  - name: "$(id)"
                    command: x
                  - name: "x\\ny"
                    command: x
                  - name: ".hidden"
                    command: x
                """);
        assertEquals(5, ps.size(), ps.toString());
        assertTrue(ps.stream().allMatch(p -> p.message().contains("not a valid")), ps.toString());
        assertEquals(List.of(1, 3, 5, 7, 9), ps.stream().map(Problem::line).toList());
    }

    @Test
    void siteValuesAreRestricted() {
        List<Problem> ps = problems("""
                name: s
                site:
                  host: "host; rm -rf /"
                  user: "-oProxyCommand=x"
                  workdir: "/scratch/a\\nb"
                  identityFile: "~/.ssh/id\\0"
                  knownHosts: ""
                tasks: [{ name: a, command: x }]
                """);
        problem(ps, "site.host", 3);
        problem(ps, "site.user", 4);
        problem(ps, "site.workdir", 5);
        problem(ps, "site.identityFile", 6);
        problem(ps, "site.knownHosts", 7);
        assertEquals(5, ps.size(), ps.toString());
    }

    @Test
    void workdirMayHoldSpaces() {
        Workflow wf = parse("name: s\nsite: { workdir: \"/scratch/my runs\", host: login-1.x.org, user: a.b_c }\n"
                + "tasks: [{ name: a, command: x }]\n");
        assertEquals("/scratch/my runs", wf.site().workdir());
        assertEquals("login-1.x.org", wf.site().host());
        assertEquals("a.b_c", wf.site().user());
        assertEquals(22, wf.site().port());
    }

    @Test
    void commandIsTheTasksOwnShellCode() {
        Workflow wf = parse("""
                name: c
                tasks:
                  - name: a
                    command: |
                      for i in 1 2; do echo "$i" $(date); done
                      rm -f "out.txt"
                """);
        assertEquals("for i in 1 2; do echo \"$i\" $(date); done\nrm -f \"out.txt\"\n", wf.task("a").command());
    }

    @Test
    void problemMessagesEscapeControlCharacters() {
        Problem p = only(problems(task("partition: \"a\\u001b[31mred\\nx\"")), "tasks.t.partition", 5);
        assertFalse(p.message().contains("\u001b"), p.message());
        assertFalse(p.message().contains("\n"), p.message());
        assertTrue(p.message().contains("\\u001b[31mred\\nx"), p.message());
    }

    @Test
    void keyPathsEscapeControlCharacters() {
        List<Problem> ps = problems(task("env: { \"A\\nB\": x }"));
        Problem p = only(ps, "tasks.t.env.A\\nB", 5);
        assertFalse(p.toString().contains("\n"), p.toString());
    }

    @Test
    void aliasBombIsRefusedQuickly() {
        StringBuilder yaml = new StringBuilder("a0: &a0 [x, x, x, x, x, x, x, x, x]\n");
        for (int i = 1; i < 12; i++) {
            yaml.append("a").append(i).append(": &a").append(i).append(" [");
            for (int j = 0; j < 9; j++) {
                yaml.append(j == 0 ? "" : ", ").append("*a").append(i - 1);
            }
            yaml.append("]\n");
        }
        List<Problem> ps = problems(yaml.toString());
        assertTrue(ps.size() > 0);
    }
}
