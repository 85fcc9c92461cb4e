package dev.hwf.launcher.journal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hwf.api.JobState;
import dev.hwf.launcher.ExitCodes;
import dev.hwf.launcher.engine.SpecCodec;
import dev.hwf.launcher.HwfException;
import dev.hwf.launcher.exec.FileModes;
import dev.hwf.launcher.journal.Journal.Change;
import dev.hwf.launcher.journal.Journal.Event;
import dev.hwf.launcher.workflow.Workflow;
import dev.hwf.launcher.workflow.WorkflowLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The journal on a real SQLite file: what a run looks like in it, and the guards that keep it consistent. */
class JournalTest {
    private static final Instant T0 = Instant.parse("2030-01-02T03:04:05.123Z");

    /** a -> b, where b is an array of 3: enough for task and run derivation. */
    private static final String WORKFLOW = """
            name: jt
            scheduler: local
            tasks:
              - name: a
                command: echo a
              - name: b
                after: [a]
                array: 3
                command: echo b
            """;

    @TempDir
    Path dir;

    private Path file;
    private Journal journal;

    @BeforeEach
    void open() {
        file = dir.resolve("journal.db");
        journal = Journal.open(file);
    }

    @AfterEach
    void close() {
        journal.close();
    }

    static Workflow workflow(String yaml) {
        return WorkflowLoader.parse(yaml, "test.yaml", null, List.of());
    }

    private String newRun() {
        return journal.createRun(workflow(WORKFLOW), "{\"spec\":1}", "/work/dir", T0);
    }

    private static ElementRecord element(RunSnapshot snap, String task, int index) {
        return snap.elements().stream().filter(e -> e.task().equals(task) && e.index() == index).findFirst()
                .orElseThrow(() -> new AssertionError("no element " + task + "[" + index + "]"));
    }

    /** Moves elements of a task through the journal as the engine would: read, then compare-and-set. */
    private int move(String runId, String task, List<Integer> indices, JobState to, Integer code, String reason,
                     Instant at) {
        RunSnapshot snap = journal.snapshot(runId);
        List<Change> changes = new ArrayList<>();
        for (int i : indices) {
            ElementRecord e = element(snap, task, i);
            changes.add(new Change(e, e.with(to, code, reason, at)));
        }
        return journal.apply(runId, changes, at);
    }

    private int count(String sql) throws SQLException {
        try (Connection c = journal.dataSource().getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getInt(1);
        }
    }

    // ------------------------------------------------------------------ creating a run

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
    void theJournalSurvivesReopening() {
        String id = newRun();
        journal.close();
        journal = Journal.open(file);
        assertEquals("RUNNING", journal.run(id).state());
        assertEquals(4, journal.snapshot(id).elements().size());
    }

    @Test
    void theJournalItsWriteAheadLogAndItsLocksAreTheOwnersAlone() throws Exception {
        journal.close();
        Path deep = dir.resolve("new/hwf/journal.db");
        journal = Journal.open(deep);
        String id = newRun();
        try (RunLock lock = journal.tryLockRun(id)) {
            assertNotNull(lock);
        }
        assertEquals(0700, FileModes.of(deep.getParent()), "the directory hwf made for it");
        assertEquals(0700, FileModes.of(dir.resolve("new")));
        for (String name : List.of("journal.db", "journal.db-wal", "journal.db-shm")) {
            Path p = deep.resolveSibling(name);
            assertTrue(Files.exists(p), name);
            assertEquals(0600, FileModes.of(p), name);
        }
        assertEquals(0700, FileModes.of(deep.resolveSibling("journal.db-locks")));
        assertEquals(0600, FileModes.of(deep.resolveSibling("journal.db-locks").resolve(id + ".lock")));
    }

    @Test
    void anUnknownRunIdIsBadInputWithAHint() {
        HwfException e = assertThrows(HwfException.class, () -> journal.snapshot("nope-1"));
        assertEquals(ExitCodes.BAD_INPUT, e.exitCode());
        assertTrue(e.getMessage().contains("no run 'nope-1'") && e.getMessage().contains("hwf runs"),
                e.getMessage());
    }

    // ------------------------------------------------------------------ claim: the double-submit guard

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
    void waitingElementsAreReadFirstInIndexOrderAndChangedInBulk() throws SQLException {
        String id = newRun();
        journal.claim(id, "b", 0, List.of(1), "hwf-x-b-1", T0);
        assertEquals(List.of(0, 2), journal.firstWaiting(id, "b", 5).stream().map(ElementRecord::index).toList());
        assertEquals(List.of(0), journal.firstWaiting(id, "b", 1).stream().map(ElementRecord::index).toList());

        // a gate's reason on the held ones from index 2 on: written once, the claimed element untouched
        Journal.WaitingChange hold = new Journal.WaitingChange("b", 2, JobState.WAITING, "held: 1 of 1 jobs allowed");
        assertEquals(1, journal.applyWaiting(id, List.of(hold), T0));
        assertEquals(0, journal.applyWaiting(id, List.of(hold), T0), "the same reason is not written again");
        RunSnapshot snap = journal.snapshot(id);
        assertNull(element(snap, "b", 0).reason());
        assertEquals("held: 1 of 1 jobs allowed", element(snap, "b", 2).reason());
        assertEquals(JobState.QUEUED, element(snap, "b", 1).state());

        // an end for all of them: each gets its event, the claimed element stays as it is
        int events = count("SELECT count(*) FROM hwf_event WHERE run_id='" + id + "' AND state='CANCELLED'");
        assertEquals(2, journal.applyWaiting(id, List.of(new Journal.WaitingChange("b", 0, JobState.CANCELLED,
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
                new Journal.WaitingChange("b", 0, JobState.SUCCEEDED, "never ran")), T0));
        assertEquals(3, journal.snapshot(other).counts("b").of(JobState.WAITING), "nothing was written");
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
    void aRunIdTakenAlreadyIsDrawnAgain() {
        String taken = newRun();
        Iterator<String> draws = List.of(taken, taken, "wf-20260101T000000Z-beef").iterator();
        assertEquals("wf-20260101T000000Z-beef", journal.inTransaction(c -> RunWrites.unusedRunId(c, draws::next)));
        String other = newRun();
        assertNotEquals(taken, other, "two runs of one workflow in the same second get different ids");
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

    // ------------------------------------------------------------------ apply: compare-and-set

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

    // ------------------------------------------------------------------ declared transitions

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

    // ------------------------------------------------------------------ derived task and run states

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
        assertEquals(1.5, dev.hwf.launcher.engine.Accounting.hours(done, T0.plusSeconds(99_999)), 1e-6);
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
        assertEquals(1.75, dev.hwf.launcher.engine.Accounting.hours(last, T0.plusSeconds(99_999)), 1e-6);
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

    // ------------------------------------------------------------------ events

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

    // ------------------------------------------------------------------ the file itself

    @Test
    void springBatchTablesLiveInTheSameFile() throws SQLException {
        for (String table : List.of("BATCH_JOB_INSTANCE", "BATCH_JOB_EXECUTION", "BATCH_STEP_EXECUTION",
                "hwf_run", "hwf_task", "hwf_element", "hwf_attempt", "hwf_event", "hwf_schema")) {
            assertEquals(1, count("SELECT count(*) FROM sqlite_master WHERE type='table' AND name='" + table + "'"),
                    table);
        }
        assertEquals(Journal.SCHEMA_VERSION, count("SELECT max(version) FROM hwf_schema"));
    }

    @Test
    void aVersionOneJournalIsUpgradedInPlaceAndKeepsItsRuns() throws SQLException {
        String id = newRun();
        String task = journal.snapshot(id).tasks().get(0).name();
        try (Connection c = journal.dataSource().getConnection(); Statement s = c.createStatement()) {
            // a journal as hwf 0.1 wrote it: schema 1, no endpoint nor earlier-tries columns, nor
            // schema 3's site limits and index offsets, nor schema 4's state counts, nor schema 5's
            // pilot agents, nor schema 6's workflow versions and reused tasks
            s.executeUpdate("DROP TABLE hwf_version");
            s.executeUpdate("ALTER TABLE hwf_run DROP COLUMN version");
            s.executeUpdate("ALTER TABLE hwf_attempt DROP COLUMN version");
            s.executeUpdate("ALTER TABLE hwf_task DROP COLUMN reused_from");
            for (String trigger : List.of("update", "delete")) {
                s.executeUpdate("DROP TRIGGER hwf_count_" + trigger);
            }
            s.executeUpdate("DROP TABLE hwf_count");
            s.executeUpdate("DROP INDEX hwf_element_state");
            s.executeUpdate("DROP TABLE hwf_site_limits");
            s.executeUpdate("ALTER TABLE hwf_attempt DROP COLUMN ran_on");
            s.executeUpdate("ALTER TABLE hwf_attempt DROP COLUMN index_offset");
            s.executeUpdate("ALTER TABLE hwf_attempt DROP COLUMN endpoint");
            s.executeUpdate("ALTER TABLE hwf_attempt DROP COLUMN ready_at");
            s.executeUpdate("ALTER TABLE hwf_element DROP COLUMN earlier_seconds");
            s.executeUpdate("UPDATE hwf_schema SET version=1");
        }
        journal.close();
        journal = Journal.open(file);
        assertEquals(Journal.SCHEMA_VERSION, count("SELECT max(version) FROM hwf_schema"));
        assertEquals(id, journal.run(id).id());
        assertEquals(1, journal.run(id).version());
        WorkflowVersion first = journal.versions(id).get(0);
        assertEquals(1, first.version());
        assertNull(first.text(), "an older hwf kept no workflow text");
        assertEquals(journal.run(id).spec(), first.spec(), "the run's workflow kept as its version 1");
        assertEquals(0.0, journal.snapshot(id).elements().get(0).earlierSeconds());
        journal.claim(id, task, 0, List.of(0), "hwf-a-1", T0);
        for (TaskRecord t : journal.snapshot(id).tasks()) { // the counts of the runs it held were taken in the upgrade
            assertEquals(journal.snapshot(id).counts(t.name()), journal.openSnapshot(id).counts(t.name()), t.name());
        }
        assertEquals(1, journal.openSnapshot(id).counts(task).of(JobState.QUEUED));
        journal.recordReady(id, List.of(new Journal.Ready(task, 1, "node1:80")), T0);
        journal.recordReady(id, List.of(new Journal.Ready(task, 1, "node2:80")), T0); // the first one stays
        assertEquals("node1:80", journal.snapshot(id).attempt(task, 1).orElseThrow().endpoint());
        assertEquals(0, journal.snapshot(id).attempt(task, 1).orElseThrow().indexOffset());
        journal.recordLimits(id, "{}", T0);
        assertEquals("{}", journal.limits(id).orElseThrow().json());
        assertEquals(1, journal.events(id).stream().filter(e -> "READY".equals(e.state())).count());
    }

    // ------------------------------------------------------------------ the reading path

    @Test
    void aReaderAnswersWhileAnotherProcessHoldsTheWriteLockAndShowsOnlyWhatWasCommitted() throws Exception {
        String id = newRun();
        journal.close();
        // another process in the middle of a pass: the write lock taken, a change not yet committed
        try (Connection writer = DriverManager.getConnection("jdbc:sqlite:" + file);
             Statement s = writer.createStatement()) {
            s.execute("BEGIN IMMEDIATE");
            s.executeUpdate("UPDATE hwf_run SET state='FAILED' WHERE id='" + id + "'");

            // the ordinary open waits for that lock (its busy timeout is 30 s); the reader does not
            try (Journal reader = assertTimeoutPreemptively(Duration.ofSeconds(5),
                    () -> Journal.openForReading(file))) {
                assertEquals("RUNNING", assertTimeoutPreemptively(Duration.ofSeconds(5),
                        () -> reader.run(id)).state());
                assertEquals(List.of(id), reader.runs().stream().map(RunRecord::id).toList());
                assertEquals(4, reader.snapshot(id).elements().size());
            }
            s.execute("COMMIT");
        }
        try (Journal reader = Journal.openForReading(file)) {
            assertEquals("FAILED", reader.run(id).state());
        }
        journal = Journal.open(file); // for @AfterEach
    }

    @Test
    void aReaderCannotWriteAndChangesNothing() {
        String id = newRun();
        try (Journal reader = Journal.openForReading(file)) {
            assertThrows(RuntimeException.class, () -> reader.finishRun(id, RunState.CANCELLED, "by a reader", T0));
        }
        assertEquals("RUNNING", journal.run(id).state());
        assertEquals(0, journal.events(id).stream().filter(e -> "CANCELLED".equals(e.state())).count());
    }

    @Test
    void aReaderOfAnAbsentJournalCreatesItAsTheOrdinaryOpenDoes() throws Exception {
        Path absent = dir.resolve("new/journal.db");
        try (Journal reader = Journal.openForReading(absent)) {
            assertEquals(List.of(), reader.runs());
        }
        assertTrue(Files.isRegularFile(absent));
        assertEquals("rw-------", java.nio.file.attribute.PosixFilePermissions.toString(
                Files.getPosixFilePermissions(absent)));
    }

    @Test
    void aReaderOfAnOlderJournalUpgradesItAndOfANewerOneRefusesIt() throws SQLException {
        journal.close();
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file);
             Statement s = c.createStatement()) {
            s.executeUpdate("UPDATE hwf_schema SET version=" + (Journal.SCHEMA_VERSION + 1));
        }
        HwfException e = assertThrows(HwfException.class, () -> Journal.openForReading(file));
        assertEquals(ExitCodes.BAD_INPUT, e.exitCode());
        assertTrue(e.getMessage().contains("newer than this hwf understands"), e.getMessage());

        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file);
             Statement s = c.createStatement()) {
            // as schema 5 was: no workflow versions, no reused tasks
            s.executeUpdate("DROP TABLE hwf_version");
            s.executeUpdate("ALTER TABLE hwf_run DROP COLUMN version");
            s.executeUpdate("ALTER TABLE hwf_attempt DROP COLUMN version");
            s.executeUpdate("ALTER TABLE hwf_task DROP COLUMN reused_from");
            s.executeUpdate("UPDATE hwf_schema SET version=5");
        }
        try (Journal reader = Journal.openForReading(file)) {
            assertEquals(List.of(), reader.runs());
        }
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file);
             Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT max(version) FROM hwf_schema")) {
            assertEquals(Journal.SCHEMA_VERSION, rs.getInt(1));
        }
        journal = Journal.open(file); // for @AfterEach
    }

    @Test
    void aReaderOfSomethingThatIsNoJournalSaysSo() throws Exception {
        Path text = dir.resolve("notes.txt");
        Files.writeString(text, "these are my notes, not a database\n".repeat(50));
        HwfException e = assertTimeoutPreemptively(Duration.ofSeconds(10),
                () -> assertThrows(HwfException.class, () -> Journal.openForReading(text)));
        assertTrue(e.getMessage().contains("not a valid hwf journal"), e.getMessage());
    }

    @Test
    void sqliteNativeLibraryIsKeptBesideHwfAndSqliteJdbcIsPointedAtIt() throws Exception {
        // open() in @BeforeEach kept it; a journal opened for reading finds it there
        Path kept = SqliteNative.keptDir();
        assertNotNull(kept);
        Path lib = kept.resolve(org.sqlite.util.LibraryLoaderUtil.getNativeLibName());
        try (Journal reader = Journal.openForReading(file)) {
            assertEquals(List.of(), reader.runs());
        }
        assertTrue(Files.isRegularFile(lib), lib.toString());
        assertEquals(kept.toString(), System.getProperty("org.sqlite.lib.path"));
        try (var in = org.sqlite.SQLiteJDBCLoader.class.getResourceAsStream(
                org.sqlite.util.LibraryLoaderUtil.getNativeLibResourcePath() + "/" + lib.getFileName())) {
            assertTrue(java.util.Arrays.equals(in.readAllBytes(), Files.readAllBytes(lib)), "a whole copy");
        }
        assertEquals("rwxr-xr-x", java.nio.file.attribute.PosixFilePermissions.toString(
                Files.getPosixFilePermissions(lib)));
        assertTrue(kept.toString().contains("sqlite-" + org.sqlite.SQLiteJDBCLoader.getVersion()),
                "a new sqlite-jdbc keeps its own copy: " + kept);
    }

    @Test
    void theSqliteHwfShipsHasTheWalResetFix() throws SQLException {
        // SQLite 3.7.0 to 3.51.2 can corrupt a WAL database when two processes write or checkpoint at the
        // same moment, which is hwf's everyday pattern (a cron poll, a foreground submit); 3.51.3 fixed it
        try (Connection c = journal.dataSource().getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT sqlite_version()")) {
            assertTrue(rs.next());
            String version = rs.getString(1);
            int[] v = java.util.Arrays.stream(version.split("\\.")).mapToInt(Integer::parseInt).toArray();
            int n = v[0] * 1_000_000 + v[1] * 1_000 + (v.length > 2 ? v[2] : 0);
            assertTrue(n >= 3_051_003, "SQLite " + version + " is older than 3.51.3, which fixed the WAL-reset bug");
        }
    }

    @Test
    void aJournalFromANewerHwfIsRefused() throws SQLException {
        journal.close();
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file);
             Statement s = c.createStatement()) {
            s.executeUpdate("UPDATE hwf_schema SET version=" + (Journal.SCHEMA_VERSION + 1));
        }

        HwfException e = assertThrows(HwfException.class, () -> Journal.open(file));
        assertEquals(ExitCodes.BAD_INPUT, e.exitCode());
        assertTrue(e.getMessage().contains("schema version " + (Journal.SCHEMA_VERSION + 1)), e.getMessage());
        assertTrue(e.getMessage().contains("newer than this hwf understands"), e.getMessage());
        assertTrue(e.getMessage().contains(file.toString()), e.getMessage());
        journal = Journal.open(dir.resolve("other.db")); // for @AfterEach
    }

    @Test
    void aFileThatIsNotSqliteGivesAClearError() throws Exception {
        Path garbage = dir.resolve("garbage.db");
        byte[] bytes = new byte[8192];
        new Random(42).nextBytes(bytes);
        Files.write(garbage, bytes);

        // quickly: no 30 s wait for a pool that can never hand out a connection
        HwfException e = assertTimeoutPreemptively(Duration.ofSeconds(10),
                () -> assertThrows(HwfException.class, () -> Journal.open(garbage)));
        assertEquals(ExitCodes.BAD_INPUT, e.exitCode());
        assertTrue(e.getMessage().contains(garbage.toString()), e.getMessage());
        assertTrue(e.getMessage().contains("not a valid hwf journal"), e.getMessage());
        assertTrue(e.getMessage().contains("--journal"), "says what to do: " + e.getMessage());
    }

    @Test
    void aDirectoryInPlaceOfTheJournalIsReportedAtOnce() throws Exception {
        Path folder = Files.createDirectories(dir.resolve("a folder"));
        HwfException e = assertTimeoutPreemptively(Duration.ofSeconds(10),
                () -> assertThrows(HwfException.class, () -> Journal.open(folder)));
        assertEquals(ExitCodes.BAD_INPUT, e.exitCode());
        assertTrue(e.getMessage().contains(folder.toString()), e.getMessage());
    }

    @Test
    void aTextFileIsNotAJournalEither() throws Exception {
        Path text = dir.resolve("notes.txt");
        Files.writeString(text, "these are my notes, not a database\n".repeat(50));
        HwfException e = assertTimeoutPreemptively(Duration.ofSeconds(10),
                () -> assertThrows(HwfException.class, () -> Journal.open(text)));
        assertEquals(ExitCodes.BAD_INPUT, e.exitCode());
        assertTrue(e.getMessage().contains("not a valid hwf journal"), e.getMessage());
        assertNotNull(Files.readString(text), "the file is left as it was");
        assertTrue(Files.readString(text).startsWith("these are my notes"));
    }
}
