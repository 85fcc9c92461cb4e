package dev.hwf.launcher.journal;

import dev.hwf.launcher.workflow.Workflow;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * The SQLite journal: the only state hwf keeps. One file holds hwf's tables (runs, tasks,
 * attempts, elements, events) and Spring Batch's JobRepository tables.
 *
 * <p>Every change is a short transaction that begins IMMEDIATE (it takes the write lock up front),
 * so two hwf processes on the same file queue behind each other instead of failing half-way, and
 * state transitions are compare-and-set updates: a change applies only if the row is still in the
 * state the writer read, which is what keeps two processes from submitting the same work twice.
 *
 * <p>The one face of the journal over package-private parts that share its connections ({@link JournalDb}):
 * {@link JournalOpening}, {@link SchemaMigration}, {@link RunWrites}, {@link RunReads}, {@link ElementWrites},
 * and {@link RollupWrites}, which derives task and run states inside the writes that move elements.
 * What it takes and gives besides the rows are records of their own in this package: a pass's
 * writes ({@link Claim}, {@link Submitted}, {@link Change}, {@link WaitingChange}, {@link Ready},
 * {@link RanOn}, {@link Placed}), a run's ({@link Reuse}, {@link Revision}, {@link StoredLimits}) and
 * its {@link Event}s.
 */
public final class Journal implements AutoCloseable {
    /** The schema version this build writes. A journal with a higher one is refused. */
    public static final int SCHEMA_VERSION = 10;

    private final JournalDb db;
    private final Runnable closer;
    private final RunReads reads;
    private final RunWrites runWrites;
    private final ElementWrites elementWrites;
    private final StagingLog staging;
    private final Outbox outbox;

    Journal(JournalDb db, Runnable closer) {
        this.db = db;
        this.closer = closer;
        this.reads = new RunReads(db);
        RollupWrites rollup = new RollupWrites(reads);
        this.runWrites = new RunWrites(db, rollup);
        this.elementWrites = new ElementWrites(db, rollup);
        this.staging = new StagingLog(db, rollup);
        this.outbox = new Outbox(db);
    }

    /** Opens (creating, upgrading) the journal, in the mode its file system or {@code HWF_JOURNAL_MODE} says. */
    public static Journal open(Path file) {
        return open(file, System.getenv("HWF_JOURNAL_MODE"));
    }

    /** {@link #open(Path)} with {@code modeSetting} in place of {@code HWF_JOURNAL_MODE}. */
    static Journal open(Path file, String modeSetting) {
        return JournalOpening.open(file, modeSetting);
    }

    /**
     * Opens the journal at {@code file} for commands that only read it ({@code status}, {@code runs},
     * {@code report}, {@code logs}), which then answer while a writer holds the write lock; a journal
     * that is absent or needs an upgrade is opened as {@link #open} does.
     */
    public static Journal openForReading(Path file) {
        return JournalOpening.openForReading(file);
    }

    /** The journal as it is, for {@code hwf journal check} and {@code backup}: read only, never upgraded. */
    public static Journal openAsItIs(Path file) {
        return JournalOpening.openAsItIs(file);
    }

    public Path file() {
        return db.file();
    }

    public DataSource dataSource() {
        return db.dataSource();
    }

    @Override
    public void close() {
        closer.run();
    }

    /** Copies the journal, as of one commit, into {@code target}, a new file, while others may write. */
    public void backupTo(Path target) {
        JournalBackup.backupTo(db, target);
    }

    /** The right to act on a run, or null when another hwf process is acting on it now. */
    public RunLock tryLockRun(String runId) {
        return RunLock.tryAcquire(db.file(), runId);
    }

    /** The right to act on a run, waiting for another hwf process to finish its pass. */
    public RunLock lockRun(String runId, Duration timeout) {
        return RunLock.acquire(db.file(), runId, timeout);
    }

    /** A unit of work on one connection. */
    @FunctionalInterface
    public interface Work<T> {
        T run(Connection c) throws SQLException;
    }

    /** Runs {@code work} in one IMMEDIATE transaction; commits, or rolls back on any exception. */
    public <T> T inTransaction(Work<T> work) {
        return db.inTransaction(work);
    }

    /** Records a new run with every task and element WAITING, in one transaction; returns its id. */
    public String createRun(Workflow wf, String specJson, String workdir, Instant now) {
        return createRun(wf, specJson, workdir, now, null, List.of(), Map.of(), null);
    }

    /**
     * Records a new run as above, with its workflow's version 1 (the file's {@code text}, the {@code sets}
     * applied to it, each task's definition hash) and, for {@code --reuse}, the tasks {@code reuse} names.
     */
    public String createRun(Workflow wf, String specJson, String workdir, Instant now, String text,
                            List<String> sets, Map<String, String> definitions, Reuse reuse) {
        return runWrites.createRun(wf, specJson, workdir, now, text, sets, definitions, reuse);
    }

    /** Every version of a run's workflow, oldest first. */
    public List<WorkflowVersion> versions(String runId) {
        return reads.versions(runId);
    }

    /**
     * Switches a run from version {@code expected} (another switch since is refused) to {@code next} as
     * {@code revision} says, and resumes it as {@link #resume} does; one transaction. How many will run.
     */
    public int switchVersion(String runId, int expected, WorkflowVersion next, Revision revision,
                             Map<String, List<String>> serviceDependants, Instant now) {
        return runWrites.switchVersion(runId, expected, next, revision, serviceDependants, now);
    }

    /** The run, or exit 2 with a hint when there is none. */
    public RunRecord run(String id) {
        return reads.run(id);
    }

    /** All runs, newest first, without their source and spec (null there: {@link #run} reads them). */
    public List<RunRecord> runs() {
        return reads.runs();
    }

    /** Ids of runs still RUNNING, oldest first. */
    public List<String> unfinishedRuns() {
        return reads.unfinishedRuns();
    }

    /** Marks a run finished by the user (cancel) or any other final state, with a reason. */
    public void finishRun(String runId, RunState state, String reason, Instant now) {
        runWrites.finishRun(runId, state, reason, now);
    }

    /**
     * Makes a run's FAILED and CANCELLED elements WAITING again, with their retries restored, and
     * the run RUNNING; one transaction. Returns how many elements will run again.
     */
    public int resume(String runId, Instant now) {
        return resume(runId, Map.of(), now);
    }

    /**
     * {@link #resume(String, Instant)} for a run with services: a service (key) that has ended is
     * started again when any of its dependants (value) will run again, SUCCEEDED or not, since they
     * need it running.
     */
    public int resume(String runId, Map<String, List<String>> serviceDependants, Instant now) {
        return runWrites.resume(runId, serviceDependants, now);
    }

    /** The run, its tasks and elements, read consistently. */
    public RunSnapshot snapshot(String runId) {
        return reads.snapshot(runId);
    }

    /**
     * The run as a pass works on it: the run, task and attempt rows, the live elements (QUEUED,
     * RUNNING) and every task's {@link StateCounts}; the WAITING elements a pass submits it reads
     * with {@link #firstWaiting}, and changes the others in bulk ({@link #applyWaiting}).
     */
    public RunSnapshot openSnapshot(String runId) {
        return reads.openSnapshot(runId);
    }

    /**
     * {@code prev} read again where a pass changed it: the run, task and attempt rows, and the
     * elements of {@code tasks} only. An open snapshot stays open.
     */
    public RunSnapshot refresh(RunSnapshot prev, Collection<String> tasks) {
        return reads.refresh(prev, tasks);
    }

    /** Several runs as {@link #snapshot(String)} reads them, in one transaction; an unknown id is left out. */
    public List<RunSnapshot> snapshots(List<String> runIds) {
        return reads.snapshots(runIds);
    }

    /** Each task's most tries of an element since its last resume, for {@code hwf status}'s table. */
    public Map<String, Integer> mostTries(String runId) {
        return reads.mostTries(runId);
    }

    /** Every element of one task, in index order: for the engine's small tasks (the pilot jobs). */
    public List<ElementRecord> elements(String runId, String task) {
        return reads.elements(runId, task);
    }

    /** The first {@code limit} WAITING elements of a task, in index order. */
    public List<ElementRecord> firstWaiting(String runId, String task, int limit) {
        return reads.firstWaiting(runId, task, limit);
    }

    /**
     * Live elements (QUEUED or RUNNING, a claim without a job id included) of every running run in
     * this journal on one site: the same scheduler, host and user. Two Slurm clusters keep their own.
     */
    public int liveElements(String scheduler, String host, String user) {
        return reads.liveElements(scheduler, host, user);
    }

    /** State changes of a run in the order they happened. */
    public List<Event> events(String runId) {
        return reads.events(runId);
    }

    /** The site limits kept with a run, if any were read yet. */
    public Optional<StoredLimits> limits(String runId) {
        return reads.limits(runId);
    }

    /** Keeps the site limits read for a run (replacing what was kept). */
    public void recordLimits(String runId, String json, Instant now) {
        elementWrites.recordLimits(runId, json, now);
    }

    /**
     * Claims a task's WAITING elements {@code indices} for a new attempt, before anything is submitted;
     * the new attempt number, or empty when another process claimed the task first.
     */
    public Optional<Integer> claim(String runId, String task, int expectedAttempt, List<Integer> indices,
                                   String jobName, Instant now) {
        List<Claim> won = claimAll(runId, List.of(new Claim(task, expectedAttempt, indices, jobName)), now);
        return won.isEmpty() ? Optional.empty() : Optional.of(won.get(0).attempt());
    }

    /** Claims several tasks in one transaction (see {@link #claim}); returns the claims won. */
    public List<Claim> claimAll(String runId, List<Claim> claims, Instant now) {
        return elementWrites.claimAll(runId, claims, now);
    }

    /**
     * Records that hwf withdraws an attempt from its site ({@code replaceAfter}), with a
     * {@link EventKind#WITHDRAWN} event on its task, in one transaction, before its jobs are
     * cancelled. False when it was recorded withdrawn already.
     */
    public boolean withdraw(String runId, String task, int attempt, String jobId, String reason, Instant now) {
        return elementWrites.withdraw(runId, task, attempt, jobId, reason, now);
    }

    /** Records the job id the scheduler gave an attempt. */
    public void recordJobId(String runId, String task, int attempt, String jobId, Instant now) {
        recordJobIds(runId, List.of(new Submitted(task, attempt, jobId)), now);
    }

    /** Records the job ids of several attempts in one transaction. */
    public void recordJobIds(String runId, List<Submitted> submitted, Instant now) {
        elementWrites.recordJobIds(runId, submitted, now);
    }

    /** Records where service attempts answer, once each, with a READY event per attempt. */
    public void recordReady(String runId, List<Ready> ready, Instant now) {
        elementWrites.recordReady(runId, ready, now);
    }

    /** Records where attempts ran, once each: a place already recorded stays. */
    public void recordRanOn(String runId, List<RanOn> ranOn) {
        elementWrites.recordRanOn(runId, ranOn);
    }

    /** What one phase of a pass found, in ONE transaction: job ids, changes, endpoints, where attempts ran. */
    public void record(String runId, List<Submitted> submitted, List<Change> changes, List<WaitingChange> waiting,
                       List<Ready> ready, List<RanOn> ranOn, Instant now) {
        record(runId, submitted, changes, waiting, ready, ranOn, List.of(), now);
    }

    /** {@link #record(String, List, List, List, List, List, Instant)}, and the starts estimated for queued attempts. */
    public void record(String runId, List<Submitted> submitted, List<Change> changes, List<WaitingChange> waiting,
                       List<Ready> ready, List<RanOn> ranOn, List<Estimated> estimated, Instant now) {
        elementWrites.record(runId, submitted, changes, waiting, ready, ranOn, estimated, now);
    }

    /**
     * Applies element changes as compare-and-set updates against the rows as read ({@code before}), then
     * derives task and run states again; one transaction. Returns how many changes applied.
     */
    public int apply(String runId, List<Change> changes, Instant now) {
        return apply(runId, changes, List.of(), now);
    }

    /** {@link #apply(String, List, Instant)}, then {@link #applyWaiting}, in one transaction; how many changed. */
    public int apply(String runId, List<Change> changes, List<WaitingChange> waiting, Instant now) {
        return elementWrites.apply(runId, changes, waiting, now);
    }

    /** {@link WaitingChange}s to the elements still WAITING, task states derived again; one transaction. */
    public int applyWaiting(String runId, List<WaitingChange> changes, Instant now) {
        return apply(runId, List.of(), changes, now);
    }

    /** The outbox of notifications (SPEC section 7): notices, the messages made of them, their deliveries. */
    public Outbox outbox() {
        return outbox;
    }

    /** The record of input staging between sites (SPEC section 7). */
    public StagingLog staging() {
        return staging;
    }
}
