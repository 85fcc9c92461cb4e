package dev.hwf.launcher.workflow;

import static dev.hwf.launcher.workflow.WorkflowAssertions.only;
import static dev.hwf.launcher.workflow.WorkflowAssertions.parse;
import static dev.hwf.launcher.workflow.WorkflowAssertions.problem;
import static dev.hwf.launcher.workflow.WorkflowAssertions.problems;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hwf.api.SchedulerAdapter;
import dev.hwf.launcher.journal.SpecCodec;
import dev.hwf.launcher.render.JobScripts;
import dev.hwf.launcher.sched.SchedulerRegistry;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Secrets: {@code env: {NAME: {fromEnv: VAR}}} (SPEC section 6). HOME is set wherever tests run;
 * {@value #UNSET} is set nowhere.
 */
class SecretsTest {
    private static final String UNSET = "HWF_SECRETS_TEST_NEVER_SET_4711";
    private static final String HOME = System.getenv("HOME");

    @Test
    void aSecretIsKeptAsAReferenceAndItsValueAppearsInNoScript() {
        Workflow wf = parse("name: s\nscheduler: slurm\ndefaults:\n  env: { TOKEN: { fromEnv: HOME }, A: '1' }\n"
                + "tasks:\n  - { name: t, command: x, env: { A: { fromEnv: HOME }, B: '2' } }\n"
                + "  - { name: u, command: x, env: { TOKEN: plain } }\n");
        Task t = wf.task("t");
        assertEquals(Map.of("B", "2"), t.env());
        assertEquals(Map.of("TOKEN", "HOME", "A", "HOME"), t.secrets(), "the task's own A, a secret, wins");
        Task u = wf.task("u");
        assertEquals(Map.of("A", "1", "TOKEN", "plain"), u.env(), "the task's own plain TOKEN wins");
        assertTrue(u.secrets().isEmpty());
        assertEquals(Map.of("B", "2", "TOKEN", "<from $HOME>", "A", "<from $HOME>"), t.shownEnv());
        String json = SpecCodec.toJson(wf);
        assertFalse(json.contains(HOME), "the journal's copy holds no value: " + json);
        assertEquals(wf, SpecCodec.fromJson(json));
        for (String scheduler : List.of("slurm", "pbs", "lsf", "local")) {
            SchedulerAdapter adapter = SchedulerRegistry.find(scheduler, wf.site()).orElseThrow();
            String script = new JobScripts(wf, "r1", "/w", adapter).first(t).text();
            assertFalse(script.contains("export TOKEN") || script.contains("export A="), script);
            assertTrue(script.contains("# TOKEN=<from $HOME>: a secret"), script);
            assertFalse(script.contains(HOME + "\n") || script.contains(HOME + "'"), scheduler + ": " + script);
        }
    }

    @Test
    void aSecretWhoseVariableIsNotSetHereIsAnErrorNamingIt() {
        Problem p = only(problems("name: s\ntasks:\n  - name: t\n    command: x\n    env:\n      KEY: { fromEnv: "
                + UNSET + " }\n"), "tasks.t.env.KEY.fromEnv", 6);
        assertTrue(p.message().contains("the variable " + UNSET + " is not set here"), p.message());
        assertTrue(p.message().contains("export " + UNSET), "says what to do: " + p.message());
    }

    @Test
    void malformedSecretsAreErrorsWithLineAndKey() {
        List<Problem> ps = problems("name: s\ntasks:\n  - name: t\n    command: x\n    env:\n"
                + "      A: { fromEnv: HOME, default: x }\n"
                + "      B: { from: HOME }\n"
                + "      C: { fromEnv: 'not a name' }\n"
                + "      D: { fromEnv: [HOME] }\n");
        assertTrue(problem(ps, "tasks.t.env.A.default", 6).message().contains("{fromEnv: VARIABLE}"));
        assertTrue(problem(ps, "tasks.t.env.B.from", 7).message().contains("unknown key"));
        assertTrue(problem(ps, "tasks.t.env.C.fromEnv", 8).message().contains("not a valid environment variable"));
        problem(ps, "tasks.t.env.D.fromEnv", 9);
        assertEquals(4, ps.size(), ps.toString());
    }

    @Test
    void aSecretThatWouldHaveToGoThroughAFileIsRefused() {
        Problem p = only(problems("name: s\nscheduler: pbs\ntasks:\n  - { name: t, launcher: torchrun, nodes: 2,"
                + " gpus: 1, command: python x.py, env: { K: { fromEnv: HOME } } }\n"), "tasks.t.launcher", 4);
        assertTrue(p.message().contains("never written to a file"), p.message());
        // srun carries the job's environment to every node: nothing is written
        parse("name: s\nscheduler: slurm\ntasks:\n  - { name: t, launcher: torchrun, nodes: 2, gpus: 1,"
                + " command: python x.py, env: { K: { fromEnv: HOME } } }\n");
    }

    @Test
    void thePilotJobsCarryThePackedTasksSecrets() {
        Workflow wf = parse("name: s\nscheduler: slurm\npilot: {}\ntasks:\n"
                + "  - { name: a, pilot: true, array: 3, command: x, env: { K: { fromEnv: HOME } } }\n"
                + "  - { name: b, command: x, env: { L: { fromEnv: HOME } } }\n");
        assertEquals(Map.of("K", "HOME"), wf.pilotTask().secrets(), "only packed tasks' secrets go to the pilots");
        Problem p = only(problems("name: s\nscheduler: slurm\npilot: {}\ntasks:\n"
                + "  - { name: a, pilot: true, array: 3, command: x, env: { K: { fromEnv: HOME } } }\n"
                + "  - { name: b, pilot: true, array: 3, command: x, env: { K: { fromEnv: PATH } } }\n"), "pilot", 3);
        assertTrue(p.message().contains("packed tasks a and b both set K"), p.message());
    }
}
