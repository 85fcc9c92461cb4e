package dev.hwf.launcher.journal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hwf.api.JobState;
import java.util.Iterator;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A run's life in the journal: its creation, its id, and its end. */
class RunWritesTest extends JournalFixture {
    @Test
    void createRunRecordsRunTasksAndElementsWaiting() {
        String id = newRun();

        assertTrue(id.matches("jt-20300102-030405-[0-9a-f]{4}"), id);
        RunSnapshot snap = journal.snapshot(id);
        RunRecord run = snap.run();
        assertEquals("jt", run.workflow());
        assertEquals("local", run.scheduler());
        assertEquals("RUNNING", run.state());
        assertEquals("test.yaml", run.source());
        assertEquals("{\"spec\":1}", run.spec());
        assertEquals("/work/dir", run.workdir());
        assertEquals(T0, run.submittedAt());
        assertNull(run.endedAt());
        assertFalse(run.isFinished());

        assertEquals(List.of("a", "b"), snap.tasks().stream().map(TaskRecord::name).toList());
        for (TaskRecord t : snap.tasks()) {
            assertEquals(JobState.WAITING, t.state(), t.name());
            assertEquals(0, t.attempt(), t.name());
            assertNull(t.jobId(), t.name());
            assertNull(t.submittedAt(), t.name());
        }
        assertEquals(0, snap.task("a").arraySize());
        assertEquals(3, snap.task("b").arraySize());

        assertEquals(List.of("a[0]", "b[0]", "b[1]", "b[2]"),
                snap.elements().stream().map(e -> e.task() + "[" + e.index() + "]").toList());
        for (ElementRecord e : snap.elements()) {
            assertEquals(JobState.WAITING, e.state());
            assertEquals(0, e.attempt());
            assertEquals(0, e.tries());
            assertNull(e.jobId());
            assertNull(e.exitCode());
        }
        assertEquals(List.of(id), journal.unfinishedRuns());
        assertEquals(id, journal.runs().get(0).id());
    }

    @Test
    void aRunIdTakenAlreadyIsDrawnAgain() {
        String taken = newRun();
        Iterator<String> draws = List.of(taken, taken, "wf-20260101T000000Z-beef").iterator();
        assertEquals("wf-20260101T000000Z-beef", journal.inTransaction(c -> RunWrites.unusedRunId(c, draws::next)));
        String other = newRun();
        assertNotEquals(taken, other, "two runs of one workflow in the same second get different ids");
    }

    @Test
    void finishRunEndsOnlyARunningRun() {
        String id = newRun();
        journal.finishRun(id, RunState.CANCELLED, "cancelled by the user", T0.plusSeconds(3));
        journal.finishRun(id, RunState.FAILED, "too late", T0.plusSeconds(4));
        RunRecord run = journal.run(id);
        assertEquals("CANCELLED", run.state());
        assertEquals("cancelled by the user", run.reason());
        assertEquals(T0.plusSeconds(3), run.endedAt());
    }
}
