package dev.hwf.launcher.journal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.hwf.api.JobState;
import dev.hwf.launcher.workflow.Workflow;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Task and run states as the journal derives them after element writes, in SQL and as StateRollup says. */
class RollupWritesTest extends JournalFixture {
    /**
     * The journal derives a task's state in SQL, over elements it never reads into memory; on any
     * mix of states, reasons, exit codes and times (stored with 0 to 9 fraction digits, as Instant
     * writes them) that must agree with the same derivation over the elements read one by one.
     */
    @Test
    void taskStatesDerivedInSqlAgreeWithTheElementsReadOneByOne() throws SQLException {
        Workflow wf = workflow("""
                name: tally
                scheduler: local
                tasks:
                  - { name: one, command: x }
                  - { name: big, array: 40, command: x }
                """);
        Random rnd = new Random(7);
        JobState[] states = JobState.values();
        String[] reasons = {null, null, "exit 3", "OUT_OF_MEMORY", "upstream a FAILED", "it's \"quoted\"\n"};
        for (int round = 0; round < 60; round++) {
            String id = journal.createRun(wf, "{\"spec\":1}", "/w", T0.plusSeconds(round));
            try (Connection c = journal.dataSource().getConnection();
                 java.sql.PreparedStatement ps = c.prepareStatement("UPDATE hwf_element SET state=?, tries=?, "
                         + "exit_code=?, reason=?, started_at=?, ended_at=?, earlier_seconds=? WHERE run_id=? AND "
                         + "task=? AND idx=?")) {
                for (String task : List.of("one", "big")) {
                    int n = task.equals("one") ? 1 : 40;
                    // a third of the rounds keep one state across the task, to reach the all-same outcomes
                    JobState only = round % 3 == 0 ? states[rnd.nextInt(states.length)] : null;
                    for (int i = 0; i < n; i++) {
                        JobState st = only != null ? only : states[rnd.nextInt(states.length)];
                        Instant start = rnd.nextInt(3) == 0 ? null : T0.plusNanos(rnd.nextInt(1_000_000) * 1000L
                                * (rnd.nextBoolean() ? 1000 : 1)).plusSeconds(rnd.nextInt(100));
                        ps.setString(1, st.name());
                        ps.setInt(2, rnd.nextInt(3));
                        if (rnd.nextBoolean()) {
                            ps.setInt(3, rnd.nextInt(4));
                        } else {
                            ps.setNull(3, java.sql.Types.INTEGER);
                        }
                        ps.setString(4, reasons[rnd.nextInt(reasons.length)]);
                        ps.setString(5, start == null ? null : start.toString());
                        ps.setString(6, start == null || !st.isFinal() ? null
                                : start.plusMillis(rnd.nextInt(90_000)).toString());
                        ps.setDouble(7, rnd.nextInt(3) * 1.5);
                        ps.setString(8, id);
                        ps.setString(9, task);
                        ps.setInt(10, i);
                        ps.executeUpdate();
                    }
                }
            }
            RunSnapshot all = journal.snapshot(id);
            Map<String, StateRollup.Tally> sql = journal.inTransaction(c -> RollupWrites.talliesOf(c, id, List.of("one", "big")));
            for (String task : List.of("one", "big")) {
                List<ElementRecord> elements = all.elementsByTask().get(task);
                assertEquals(StateRollup.Tally.of(elements), sql.get(task), "round " + round + ", task " + task);
                assertEquals(StateRollup.task(elements, task.equals("big")), StateRollup.task(sql.get(task), task.equals("big")));
            }
            RunSnapshot open = journal.openSnapshot(id);
            assertEquals(all.elements().stream().filter(e -> e.state().isLive()).toList(), open.elements());
            for (String task : List.of("one", "big")) {
                assertEquals(all.counts(task), open.counts(task), "round " + round + ", counts of " + task);
            }
        }
    }

    @Test
    void allElementsSucceededMakesTaskAndRunSucceeded() {
        String id = newRun();
        journal.claim(id, "a", 0, List.of(0), "hwf-x-a-1", T0);
        move(id, "a", List.of(0), JobState.SUCCEEDED, 0, null, T0.plusSeconds(5));
        assertEquals(JobState.SUCCEEDED, journal.snapshot(id).task("a").state());
        assertEquals("RUNNING", journal.run(id).state(), "b has not run yet");

        journal.claim(id, "b", 0, List.of(0, 1, 2), "hwf-x-b-1", T0.plusSeconds(6));
        move(id, "b", List.of(0, 1), JobState.RUNNING, null, null, T0.plusSeconds(7));
        assertEquals(JobState.RUNNING, journal.snapshot(id).task("b").state());
        move(id, "b", List.of(0, 1, 2), JobState.SUCCEEDED, 0, null, T0.plusSeconds(9));

        RunSnapshot snap = journal.snapshot(id);
        TaskRecord b = snap.task("b");
        assertEquals(JobState.SUCCEEDED, b.state());
        assertEquals(0, b.exitCode());
        assertNull(b.reason());
        assertEquals(T0.plusSeconds(7), b.startedAt(), "the first element's start");
        assertEquals(T0.plusSeconds(9), b.endedAt(), "the last element's end");
        assertEquals("SUCCEEDED", snap.run().state());
        assertNull(snap.run().reason());
        assertEquals(T0.plusSeconds(9), snap.run().endedAt());
        assertEquals(List.of(), journal.unfinishedRuns());
    }

    @Test
    void oneFailedElementFailsTheTaskWithAReasonNamingTheElement() {
        String id = newRun();
        journal.claim(id, "a", 0, List.of(0), "hwf-x-a-1", T0);
        move(id, "a", List.of(0), JobState.SUCCEEDED, 0, null, T0);
        journal.claim(id, "b", 0, List.of(0, 1, 2), "hwf-x-b-1", T0);
        move(id, "b", List.of(1), JobState.FAILED, 3, "exit 3", T0.plusSeconds(1));

        RunSnapshot mid = journal.snapshot(id);
        assertEquals(JobState.RUNNING, mid.task("b").state(), "one element has ended, two are queued");
        assertEquals("RUNNING", mid.run().state(), "a task with live elements keeps the run going");

        move(id, "b", List.of(0, 2), JobState.SUCCEEDED, 0, null, T0.plusSeconds(2));
        RunSnapshot snap = journal.snapshot(id);
        TaskRecord b = snap.task("b");
        assertEquals(JobState.FAILED, b.state());
        assertEquals("element 1: exit 3", b.reason());
        assertEquals(3, b.exitCode());
        assertEquals("FAILED", snap.run().state());
        assertEquals("task b failed: element 1: exit 3", snap.run().reason());
    }

    @Test
    void cancelledDependantsEndTheRunFailed() {
        String id = newRun();
        journal.claim(id, "a", 0, List.of(0), "hwf-x-a-1", T0);
        move(id, "a", List.of(0), JobState.FAILED, 3, "exit 3", T0.plusSeconds(1));
        assertEquals("RUNNING", journal.run(id).state(), "b is still WAITING");

        move(id, "b", List.of(0, 1, 2), JobState.CANCELLED, null, "upstream a FAILED", T0.plusSeconds(1));

        RunSnapshot snap = journal.snapshot(id);
        TaskRecord a = snap.task("a");
        assertEquals(JobState.FAILED, a.state());
        assertEquals("exit 3", a.reason(), "a plain task's reason does not name an element");
        assertEquals(3, a.exitCode());
        TaskRecord b = snap.task("b");
        assertEquals(JobState.CANCELLED, b.state());
        assertEquals("element 0: upstream a FAILED", b.reason());
        assertEquals("FAILED", snap.run().state());
        assertEquals("task a failed: exit 3", snap.run().reason());
    }

    @Test
    void aRetriedElementIsWaitingAgainWithTheLastFailureAsReason() {
        String id = newRun();
        journal.claim(id, "a", 0, List.of(0), "hwf-x-a-1", T0);
        ElementRecord e = element(journal.snapshot(id), "a", 0);
        ElementRecord failed = e.with(JobState.FAILED, 1, "exit 1", T0.plusSeconds(1));
        journal.apply(id, List.of(new Change(e, failed.retry("exit 1; retry 1 of 1"))), T0.plusSeconds(1));

        RunSnapshot snap = journal.snapshot(id);
        TaskRecord a = snap.task("a");
        assertEquals(JobState.WAITING, a.state());
        assertEquals("exit 1; retry 1 of 1", a.reason());
        assertEquals(1, a.attempt());
        assertEquals("RUNNING", snap.run().state());
        ElementRecord w = element(snap, "a", 0);
        assertEquals(1, w.tries());
        assertNull(w.startedAt());
        assertNull(w.endedAt());

        // the next attempt claims it again
        assertEquals(Optional.of(2), journal.claim(id, "a", 1, List.of(0), "hwf-x-a-2", T0.plusSeconds(2)));
        ElementRecord again = element(journal.snapshot(id), "a", 0);
        assertEquals(JobState.QUEUED, again.state());
        assertEquals(2, again.attempt());
        assertEquals(2, again.tries());
        assertNull(again.reason());
    }
}
