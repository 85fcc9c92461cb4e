package dev.hwf.launcher.engine.gate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.hwf.launcher.workflow.Task;
import dev.hwf.launcher.workflow.Workflow;
import dev.hwf.launcher.workflow.WorkflowLoader;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A secret is read at each submission from the environment of the hwf that submits (a cron poll's
 * may lack it): the elements wait, with the reason, until it is set and one line.
 */
class SecretsGateTest {
    private static Task task() {
        // HOME is set wherever the tests run: the file validates; the gate is then asked with other values
        Workflow wf = WorkflowLoader.parse("name: s\nscheduler: slurm\ntasks:\n  - name: t\n    command: x\n"
                + "    env: { TOKEN: { fromEnv: HOME } }\n", "s.yaml", Path.of("."), List.of());
        return wf.task("t");
    }

    @Test
    void aSecretMustBeSetAndOneLineAtEachSubmission() {
        Task t = task();
        assertEquals("secret HOME not set", Secrets.unreadable(t, v -> null));
        for (String broken : List.of("a\nb", "a\rb", "a\0b")) {
            assertEquals("secret HOME is not one line", Secrets.unreadable(t, v -> broken));
        }
        assertNull(Secrets.unreadable(t, v -> "s3cret"));
        assertEquals(Map.of("TOKEN", "s3cret"), Secrets.values(t, v -> "s3cret"));
    }
}
