package dev.hwf.launcher.journal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;

import dev.hwf.launcher.workflow.Workflow;
import dev.hwf.launcher.workflow.WorkflowLoader;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The workflow the journal stores, decoded once per process and text: a run's every pass and
 * Spring Batch step gets the same immutable copy; another version's text is decoded anew.
 */
class SpecCodecTest {
    private static Workflow wf(String command) {
        return WorkflowLoader.parse("name: c\ntasks:\n  - name: t\n    command: " + command + "\n", "c.yaml",
                Path.of("."), List.of());
    }

    @Test
    void aStoredWorkflowIsDecodedOnceAndAnotherVersionAgain() {
        String v1 = SpecCodec.toJson(wf("./a"));
        String v2 = SpecCodec.toJson(wf("./b"));
        Workflow first = SpecCodec.fromJson(v1);
        assertSame(first, SpecCodec.fromJson(new String(v1.toCharArray())), "the same text, read again from the journal");
        Workflow second = SpecCodec.fromJson(v2);
        assertNotSame(first, second);
        assertEquals("./a", first.task("t").command());
        assertEquals("./b", second.task("t").command());
        assertEquals(wf("./a"), first, "what was stored");
    }
}
