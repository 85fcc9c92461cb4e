package dev.hwf.launcher.journal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hwf.api.JobState;
import dev.hwf.launcher.ExitCodes;
import dev.hwf.launcher.HwfException;
import dev.hwf.launcher.workflow.Workflow;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Reads of runs: an unknown run, open and refreshed snapshots, live jobs per site, and the events in order. */
class RunReadsTest extends JournalFixture {
    @Test
    void anUnknownRunIdIsBadInputWithAHint() {
        HwfException e = assertThrows(HwfException.class, () -> journal.snapshot("nope-1"));
        assertEquals(ExitCodes.BAD_INPUT, e.exitCode());
        assertTrue(e.getMessage().contains("no run 'nope-1'") && e.getMessage().contains("hwf runs"),
                e.getMessage());
    }

    @Test
    void anOpenSnapshotHoldsTheLiveElementsAndCountsTheOthersAndStaysOpenWhenRefreshed() {
        String id = newRun();
        journal.claim(id, "a", 0, List.of(0), "hwf-x-a-1", T0);
        move(id, "a", List.of(0), JobState.SUCCEEDED, 0, null, T0.plusSeconds(5));
        journal.claim(id, "b", 0, List.of(0, 1), "hwf-x-b-1", T0.plusSeconds(6));
        RunSnapshot open = journal.openSnapshot(id);
        assertFalse(open.complete());
        assertEquals(List.of("b/0", "b/1"), open.elements().stream().map(e -> e.task() + "/" + e.index()).toList());
        assertEquals(1, open.counts("a").of(JobState.SUCCEEDED));
        assertEquals(2, open.counts("b").of(JobState.QUEUED));
        assertEquals(1, open.counts("b").of(JobState.WAITING));
        assertEquals(3, open.counts("b").total());

        move(id, "b", List.of(1), JobState.CANCELLED, null, "stopped", T0.plusSeconds(7));
        RunSnapshot again = journal.refresh(open, List.of("b"));
        assertFalse(again.complete(), "a refreshed open snapshot is still open");
        assertEquals(List.of(0), again.elements().stream().map(ElementRecord::index).toList());
        assertEquals(1, again.counts("b").of(JobState.CANCELLED));
        assertEquals(1, again.counts("b").of(JobState.WAITING));
        assertEquals(1, again.counts("a").of(JobState.SUCCEEDED), "counts of a task not read again are kept");
    }

    @Test
    void aRefreshReadsTheChangedTasksAgainAndEqualsAFullRead() {
        String id = newRun();
        RunSnapshot before = journal.snapshot(id);
        journal.claim(id, "a", 0, List.of(0), "hwf-x-a-1", T0);
        move(id, "a", List.of(0), JobState.SUCCEEDED, 0, null, T0.plusSeconds(1));
        journal.claim(id, "b", 0, List.of(0, 2), "hwf-x-b-1", T0.plusSeconds(2));
        assertEquals(journal.snapshot(id), journal.refresh(before, List.of("a", "b")));
        RunSnapshot partly = journal.refresh(before, List.of("a"));
        assertEquals(JobState.SUCCEEDED, element(partly, "a", 0).state());
        assertEquals(JobState.WAITING, element(partly, "b", 0).state(), "b's elements are taken from the read before");
        assertEquals(JobState.QUEUED, partly.task("b").state(), "every task row is read again");
        assertEquals(before, journal.refresh(before, List.of()));
    }

    @Test
    void liveJobsAreCountedPerSiteNotPerSchedulerName() {
        java.util.function.BiFunction<String, String, String> run = (host, user) -> {
            Workflow wf = workflow("name: s\nscheduler: slurm\n"
                    + (host == null ? "" : "site: { host: " + host + (user == null ? "" : ", user: " + user) + " }\n")
                    + "tasks:\n  - { name: t, array: 4, command: x }\n");
            String id = journal.createRun(wf, SpecCodec.toJson(wf), "/w", T0);
            journal.claim(id, "t", 0, List.of(0, 1, 2), "hwf-" + id + "-t-1", T0);
            return id;
        };
        run.apply("a.example", null);
        run.apply("a.example", null);
        run.apply("b.example", null);
        run.apply("a.example", "alice");
        run.apply(null, null);
        assertEquals(6, journal.liveElements("slurm", "a.example", null), "two runs on cluster a");
        assertEquals(3, journal.liveElements("slurm", "b.example", null));
        assertEquals(3, journal.liveElements("slurm", "a.example", "alice"), "another account on a");
        assertEquals(3, journal.liveElements("slurm", null, null), "the Slurm of this machine");
        assertEquals(0, journal.liveElements("pbs", "a.example", null));
    }

    @Test
    void everyStateChangeIsAnEventWithItsTime() {
        String id = newRun();
        journal.claim(id, "a", 0, List.of(0), "hwf-x-a-1", T0.plusSeconds(1));
        journal.recordJobId(id, "a", 1, "123", T0.plusSeconds(2));
        move(id, "a", List.of(0), JobState.RUNNING, null, null, T0.plusSeconds(3));
        move(id, "a", List.of(0), JobState.SUCCEEDED, 0, null, T0.plusSeconds(4));

        List<Event> events = journal.events(id);
        assertEquals(new Event(null, null, null, T0, "RUNNING", "submitted", null), events.get(0));
        assertContainsInOrder(events,
                new Event("a", null, 1, T0.plusSeconds(1), "SUBMITTING", "job name hwf-x-a-1", null),
                new Event("a", null, 1, T0.plusSeconds(2), "QUEUED", "submitted", "123"),
                new Event("a", 0, 1, T0.plusSeconds(3), "RUNNING", null, "123"),
                new Event("a", 0, 1, T0.plusSeconds(4), "SUCCEEDED", null, "123"));
        for (int i = 1; i < events.size(); i++) {
            assertFalse(events.get(i).at().isBefore(events.get(i - 1).at()), "events are in time order");
        }
        // a skipped (stale) change leaves no event
        int before = events.size();
        ElementRecord stale = new ElementRecord("a", 0, JobState.RUNNING, 1, 1, "123", null, null, null, null, null);
        journal.apply(id, List.of(new Change(stale, stale.with(JobState.FAILED, 9, "exit 9", T0))), T0);
        assertEquals(before, journal.events(id).size());
    }

    private static void assertContainsInOrder(List<Event> events, Event... expected) {
        int at = 0;
        for (Event e : events) {
            if (at < expected.length && e.equals(expected[at])) {
                at++;
            }
        }
        assertEquals(expected.length, at, "events in order " + List.of(expected) + "\nin " + events);
    }

    @Test
    void aPassSeesTheWorkflowVersionAnotherProcessSwitchedTo() throws Exception {
        String id = newRun();
        assertEquals("{\"spec\":1}", journal.openSnapshot(id).run().spec());
        assertEquals("{\"spec\":1}", journal.run(id).spec()); // kept: read without its texts
        // another hwf (its own journal on the same file) switches the run to version 2
        try (Journal other = Journal.open(file);
             java.sql.Connection c = other.dataSource().getConnection();
             java.sql.PreparedStatement ps = c.prepareStatement(
                     "UPDATE hwf_run SET version=2, spec='{\"spec\":2}', source='v2' WHERE id=?")) {
            ps.setString(1, id);
            assertEquals(1, ps.executeUpdate());
        }
        RunSnapshot open = journal.openSnapshot(id);
        assertEquals(2, open.run().version());
        assertEquals("{\"spec\":2}", open.run().spec());
        assertEquals("v2", journal.run(id).source());
        assertEquals("{\"spec\":2}", journal.refresh(open, List.of("a")).run().spec());
    }

    @Test
    void anotherRunUnderAnIdReadBeforeIsReadWithItsOwnWorkflow() throws Exception {
        String id = newRun();
        assertEquals("{\"spec\":1}", journal.openSnapshot(id).run().spec());
        try (java.sql.Connection c = journal.dataSource().getConnection();
             java.sql.PreparedStatement ps = c.prepareStatement(
                     "UPDATE hwf_run SET submitted_at=?, spec='{\"spec\":\"other\"}' WHERE id=?")) {
            ps.setString(1, T0.plusSeconds(60).toString());
            ps.setString(2, id);
            assertEquals(1, ps.executeUpdate());
        }
        assertEquals("{\"spec\":\"other\"}", journal.openSnapshot(id).run().spec());
    }
}
