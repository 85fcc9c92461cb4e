package dev.hwf.launcher.journal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hwf.api.JobState;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/** Writes of elements: claims, job ids, compare-and-set changes, bulk changes to WAITING elements, the declared transitions, and running time. */
class ElementWritesTest extends JournalFixture {
    @Test
    void aTaskIsClaimedOnceForTheSameExpectedAttempt() throws SQLException {
        String id = newRun();

        Optional<Integer> first = journal.claim(id, "b", 0, List.of(0, 1, 2), "hwf-x-b-1", T0.plusSeconds(1));
        Optional<Integer> second = journal.claim(id, "b", 0, List.of(0, 1, 2), "hwf-x-b-1", T0.plusSeconds(2));

        assertEquals(Optional.of(1), first);
        assertEquals(Optional.empty(), second, "a second claim of attempt 0 must lose");
        RunSnapshot snap = journal.snapshot(id);
        TaskRecord b = snap.task("b");
        assertEquals(1, b.attempt());
        assertEquals(T0.plusSeconds(1), b.submittedAt());
        assertEquals(JobState.QUEUED, b.state());
        for (int i = 0; i < 3; i++) {
            ElementRecord e = element(snap, "b", i);
            assertEquals(JobState.QUEUED, e.state());
            assertEquals(1, e.attempt());
            assertEquals(1, e.tries(), "claimed once, so tried once");
            assertNull(e.jobId(), "no job id until the scheduler gave one");
        }
        assertEquals(1, count("SELECT count(*) FROM hwf_attempt WHERE task='b'"));
    }

    @Test
    void aClaimOfAnElementThatIsNoLongerWaitingIsGivenUpAsAWhole() throws SQLException {
        String id = newRun();
        assertEquals(Optional.of(1), journal.claim(id, "b", 0, List.of(1), "hwf-x-b-1", T0));

        // element 1 is QUEUED now: a claim that includes it must change nothing at all
        assertEquals(Optional.empty(), journal.claim(id, "b", 1, List.of(0, 1), "hwf-x-b-2", T0));

        RunSnapshot snap = journal.snapshot(id);
        assertEquals(1, snap.task("b").attempt(), "the attempt counter is rolled back too");
        assertEquals(JobState.WAITING, element(snap, "b", 0).state());
        assertEquals(0, element(snap, "b", 0).tries());
        assertEquals(1, count("SELECT count(*) FROM hwf_attempt WHERE task='b'"));
    }

    /**
     * Two hwf processes (two Journal instances on one file) and two threads of each race to claim
     * the same task; exactly one claim may win each round, so exactly one submit follows.
     */
    @Test
    void racingClaimsOnTheSameFileHaveExactlyOneWinner() throws Exception {
        try (Journal other = Journal.open(file)) {
            List<Journal> processes = List.of(journal, other, journal, other);
            ExecutorService pool = Executors.newFixedThreadPool(processes.size());
            try {
                assertTimeoutPreemptively(Duration.ofSeconds(30), () -> {
                    for (int round = 0; round < 15; round++) {
                        String id = newRun();
                        CyclicBarrier start = new CyclicBarrier(processes.size());
                        List<Future<Optional<Integer>>> results = new ArrayList<>();
                        for (Journal j : processes) {
                            Callable<Optional<Integer>> claim = () -> {
                                start.await();
                                return j.claim(id, "a", 0, List.of(0), "hwf-" + id + "-a-1", T0);
                            };
                            results.add(pool.submit(claim));
                        }
                        int winners = 0;
                        for (Future<Optional<Integer>> f : results) {
                            Optional<Integer> r = f.get();
                            if (r.isPresent()) {
                                assertEquals(1, r.get());
                                winners++;
                            }
                        }
                        assertEquals(1, winners, "round " + round);
                        assertEquals(1, count("SELECT count(*) FROM hwf_attempt WHERE run_id='" + id + "'"));
                        assertEquals(1, journal.snapshot(id).task("a").attempt());
                        assertEquals(1, element(journal.snapshot(id), "a", 0).tries());
                    }
                });
            } finally {
                pool.shutdownNow();
            }
        }
    }

    @Test
    void recordJobIdGivesTheAttemptsElementsAndTaskTheId() {
        String id = newRun();
        journal.claim(id, "b", 0, List.of(0, 2), "hwf-x-b-1", T0);
        journal.recordJobId(id, "b", 1, "4711", T0.plusSeconds(1));

        RunSnapshot snap = journal.snapshot(id);
        assertEquals("4711", snap.task("b").jobId());
        assertEquals("4711", element(snap, "b", 0).jobId());
        assertNull(element(snap, "b", 1).jobId(), "element 1 was not part of the attempt");
        assertEquals("4711", element(snap, "b", 2).jobId());
    }

    @Test
    void waitingElementsAreReadFirstInIndexOrderAndChangedInBulk() throws SQLException {
        String id = newRun();
        journal.claim(id, "b", 0, List.of(1), "hwf-x-b-1", T0);
        assertEquals(List.of(0, 2), journal.firstWaiting(id, "b", 5).stream().map(ElementRecord::index).toList());
        assertEquals(List.of(0), journal.firstWaiting(id, "b", 1).stream().map(ElementRecord::index).toList());

        // a gate's reason on the held ones from index 2 on: written once, the claimed element untouched
        WaitingChange hold = new WaitingChange("b", 2, JobState.WAITING, "held: 1 of 1 jobs allowed");
        assertEquals(1, journal.applyWaiting(id, List.of(hold), T0));
        assertEquals(0, journal.applyWaiting(id, List.of(hold), T0), "the same reason is not written again");
        RunSnapshot snap = journal.snapshot(id);
        assertNull(element(snap, "b", 0).reason());
        assertEquals("held: 1 of 1 jobs allowed", element(snap, "b", 2).reason());
        assertEquals(JobState.QUEUED, element(snap, "b", 1).state());

        // an end for all of them: each gets its event, the claimed element stays as it is
        int events = count("SELECT count(*) FROM hwf_event WHERE run_id='" + id + "' AND state='CANCELLED'");
        assertEquals(2, journal.applyWaiting(id, List.of(new WaitingChange("b", 0, JobState.CANCELLED,
                "upstream a FAILED")), T0.plusSeconds(9)));
        snap = journal.snapshot(id);
        for (int i : List.of(0, 2)) {
            assertEquals(JobState.CANCELLED, element(snap, "b", i).state());
            assertEquals("upstream a FAILED", element(snap, "b", i).reason());
            assertEquals(T0.plusSeconds(9), element(snap, "b", i).endedAt());
        }
        assertEquals(JobState.QUEUED, element(snap, "b", 1).state());
        assertEquals(events + 2, count("SELECT count(*) FROM hwf_event WHERE run_id='" + id + "' AND state='CANCELLED'"));
        assertEquals(JobState.RUNNING, snap.task("b").state(), "the task's state is derived again");

        String other = newRun();
        assertThrows(IllegalStateException.class, () -> journal.applyWaiting(other, List.of(
                new WaitingChange("b", 0, JobState.SUCCEEDED, "never ran")), T0));
        assertEquals(3, journal.snapshot(other).counts("b").of(JobState.WAITING), "nothing was written");
    }

    @Test
    void applySkipsAChangeAgainstAStaleState() {
        String id = newRun();
        journal.claim(id, "a", 0, List.of(0), "hwf-x-a-1", T0);
        ElementRecord queued = element(journal.snapshot(id), "a", 0);

        Change toRunning = new Change(queued, queued.with(JobState.RUNNING, null, null, T0.plusSeconds(1)));
        assertEquals(1, journal.apply(id, List.of(toRunning), T0.plusSeconds(1)));

        // a second writer that also read QUEUED wants FAILED: the row moved, so nothing happens
        Change stale = new Change(queued, queued.with(JobState.FAILED, 1, "exit 1", T0.plusSeconds(2)));
        assertEquals(0, journal.apply(id, List.of(stale), T0.plusSeconds(2)));

        ElementRecord now = element(journal.snapshot(id), "a", 0);
        assertEquals(JobState.RUNNING, now.state());
        assertNull(now.exitCode());
        assertEquals(T0.plusSeconds(1), now.startedAt());
    }

    @Test
    void applySkipsAChangeAgainstAStaleAttempt() {
        String id = newRun();
        journal.claim(id, "a", 0, List.of(0), "hwf-x-a-1", T0);
        ElementRecord current = element(journal.snapshot(id), "a", 0);
        // same state, but read before the claim moved the element to attempt 1
        ElementRecord oldAttempt = new ElementRecord("a", 0, JobState.QUEUED, 0, 0, null, null, null, null, null,
                null);

        assertEquals(0, journal.apply(id, List.of(new Change(oldAttempt,
                oldAttempt.with(JobState.SUCCEEDED, 0, null, T0))), T0));
        assertEquals(current, element(journal.snapshot(id), "a", 0));
    }

    @Test
    void applyCountsOnlyTheChangesThatApplied() {
        String id = newRun();
        journal.claim(id, "b", 0, List.of(0, 1, 2), "hwf-x-b-1", T0);
        RunSnapshot snap = journal.snapshot(id);
        List<Change> changes = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            ElementRecord e = element(snap, "b", i);
            changes.add(new Change(e, e.with(JobState.RUNNING, null, null, T0)));
        }
        ElementRecord e1 = element(snap, "b", 1);
        changes.add(new Change(e1, e1.with(JobState.FAILED, 1, "exit 1", T0))); // stale after the first change
        assertEquals(3, journal.apply(id, changes, T0));
        assertEquals(JobState.RUNNING, element(journal.snapshot(id), "b", 1).state());
    }

    @Test
    void applyRefusesATransitionHwfNeverMakesAndWritesNothing() {
        String id = newRun();
        journal.claim(id, "b", 0, List.of(0, 1, 2), "hwf-x-b-1", T0);
        move(id, "b", List.of(0), JobState.FAILED, 3, "exit 3", T0.plusSeconds(1));
        RunSnapshot snap = journal.snapshot(id);
        ElementRecord running = element(snap, "b", 1);
        ElementRecord failed = element(snap, "b", 0);
        List<Change> changes = List.of(new Change(running, running.with(JobState.RUNNING, null, null, T0)),
                new Change(failed, failed.with(JobState.SUCCEEDED, 0, null, T0))); // a final element never ends again

        IllegalStateException e = assertThrows(IllegalStateException.class, () -> journal.apply(id, changes, T0));
        assertTrue(e.getMessage().contains("task b, element 0: FAILED -> SUCCEEDED"), e.getMessage());
        assertEquals(snap.elements(), journal.snapshot(id).elements(), "not even the allowed change was written");
        assertEquals(snap.tasks(), journal.snapshot(id).tasks());
    }

    @Test
    void theDeclaredTransitionsCoverWhatAPassAndAResumeDo() {
        assertTrue(Transitions.elementMay(JobState.WAITING, JobState.QUEUED), "claim");
        assertTrue(Transitions.elementMay(JobState.RUNNING, JobState.WAITING), "retry");
        assertTrue(Transitions.elementMay(JobState.QUEUED, JobState.WAITING), "a claim that never reached the scheduler");
        assertTrue(Transitions.elementMay(JobState.RUNNING, JobState.QUEUED), "requeued by the scheduler");
        assertTrue(Transitions.elementMay(JobState.WAITING, JobState.CANCELLED), "upstream failed, budget spent");
        assertTrue(Transitions.elementMay(JobState.SUCCEEDED, JobState.WAITING), "a service started again");
        assertFalse(Transitions.elementMay(JobState.WAITING, JobState.RUNNING), "never without a claim");
        assertFalse(Transitions.elementMay(JobState.WAITING, JobState.SUCCEEDED));
        assertFalse(Transitions.elementMay(JobState.CANCELLED, JobState.FAILED));
        assertFalse(Transitions.taskMay(JobState.SUCCEEDED, JobState.FAILED), "a final task only runs again");
        assertTrue(Transitions.taskMay(JobState.FAILED, JobState.RUNNING), "resumed with some elements done");
        for (JobState s : Transitions.resumable()) {
            assertTrue(Transitions.elementMay(s, JobState.WAITING));
        }
    }

    @Test
    void everyTrysRunningTimeIsKeptForAccounting() {
        String id = newRun();
        // try 1 runs 30 minutes and fails; it is retried (one change, as the engine makes it)
        journal.claim(id, "a", 0, List.of(0), "hwf-x-a-1", T0);
        move(id, "a", List.of(0), JobState.RUNNING, null, null, T0.plusSeconds(60));
        ElementRecord running = element(journal.snapshot(id), "a", 0);
        ElementRecord failed = running.with(JobState.FAILED, 1, "exit 1", T0.plusSeconds(60 + 1800));
        journal.apply(id, List.of(new Change(running, failed.retry("exit 1; retry 1 of 1"))), T0.plusSeconds(60 + 1800));
        assertEquals(1800, element(journal.snapshot(id), "a", 0).earlierSeconds(), 0.01);
        // try 2 runs an hour and fails for good
        journal.claim(id, "a", 1, List.of(0), "hwf-x-a-2", T0.plusSeconds(2000));
        move(id, "a", List.of(0), JobState.RUNNING, null, null, T0.plusSeconds(2000));
        move(id, "a", List.of(0), JobState.FAILED, 2, "exit 2", T0.plusSeconds(2000 + 3600));
        ElementRecord done = element(journal.snapshot(id), "a", 0);
        assertEquals(1800, done.earlierSeconds(), 0.01, "the latest try is counted from its own times");
        assertEquals(1.5, dev.hwf.launcher.report.Accounting.hours(done, T0.plusSeconds(99_999)), 1e-6);
        // a resume starts try 3: the two before it are kept
        journal.resume(id, T0.plusSeconds(9000));
        ElementRecord resumed = element(journal.snapshot(id), "a", 0);
        assertNull(resumed.startedAt());
        assertEquals(1800 + 3600, resumed.earlierSeconds(), 0.01);
        journal.claim(id, "a", 2, List.of(0), "hwf-x-a-3", T0.plusSeconds(9000));
        move(id, "a", List.of(0), JobState.RUNNING, null, null, T0.plusSeconds(9000));
        move(id, "a", List.of(0), JobState.SUCCEEDED, 0, null, T0.plusSeconds(9000 + 900));
        ElementRecord last = element(journal.snapshot(id), "a", 0);
        assertEquals(1800 + 3600, last.earlierSeconds(), 0.01);
        assertEquals(1.75, dev.hwf.launcher.report.Accounting.hours(last, T0.plusSeconds(99_999)), 1e-6);
    }

    /** A phase's result goes in one transaction: a change hwf never makes leaves the job ids unwritten too. */
    @Test
    void aPhasesResultIsWrittenWholeOrNotAtAll() {
        String id = newRun();
        journal.claim(id, "b", 0, List.of(0, 1, 2), "hwf-x-b-1", T0);
        ElementRecord e0 = element(journal.snapshot(id), "b", 0);
        ElementRecord done = e0.with(JobState.SUCCEEDED, 0, null, T0.plusSeconds(2));
        // SUCCEEDED -> RUNNING is no transition hwf makes
        Change illegal = new Change(new ElementRecord(e0.task(), e0.index(), JobState.SUCCEEDED,
                e0.attempt(), e0.tries(), null, 0, null, null, null, null), e0.with(JobState.RUNNING, null, null, T0));
        assertThrows(IllegalStateException.class, () -> journal.record(id, List.of(new Submitted("b", 1, "4711")),
                List.of(illegal), List.of(), List.of(), List.of(), T0.plusSeconds(1)));
        assertNull(element(journal.snapshot(id), "b", 0).jobId(), "nothing of the result was written");

        journal.record(id, List.of(new Submitted("b", 1, "4711")), List.of(new Change(e0, done)),
                List.of(), List.of(), List.of(), T0.plusSeconds(2));
        RunSnapshot snap = journal.snapshot(id);
        assertEquals("4711", element(snap, "b", 1).jobId());
        assertEquals(JobState.SUCCEEDED, element(snap, "b", 0).state());
    }
}
