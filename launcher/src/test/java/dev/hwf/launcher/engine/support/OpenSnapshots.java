package dev.hwf.launcher.engine.support;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.hwf.launcher.journal.Journal;
import dev.hwf.launcher.journal.RunSnapshot;
import dev.hwf.launcher.journal.TaskRecord;

/** What a pass returns (an open snapshot) held against the whole run as the journal holds it. */
public final class OpenSnapshots {
    private OpenSnapshots() {
    }

    /**
     * Checks that {@code open}, as a pass returned it, is the journal's run with only its live
     * elements: the same run and task rows, the live elements one by one, and every task's state
     * counts. Returns the whole run, read from the journal, for the test to look at.
     */
    public static RunSnapshot checked(Journal journal, RunSnapshot open) {
        RunSnapshot all = journal.snapshot(open.run().id());
        assertFalse(open.complete(), "a pass works on the open snapshot");
        assertEquals(all.run(), open.run());
        assertEquals(all.tasks(), open.tasks());
        assertEquals(all.attempts(), open.attempts());
        assertEquals(all.elements().stream().filter(e -> e.state().isLive()).toList(), open.elements(),
                "the open snapshot holds exactly the live elements");
        for (TaskRecord t : all.tasks()) {
            assertEquals(all.counts(t.name()), open.counts(t.name()), "state counts of task " + t.name());
        }
        return all;
    }
}
