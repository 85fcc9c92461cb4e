package dev.hwf.launcher.journal;

import dev.hwf.api.JobState;
import dev.hwf.launcher.ExitCodes;
import dev.hwf.launcher.HwfException;
import dev.hwf.launcher.Json;
import dev.hwf.launcher.workflow.NamedSite;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Reads of runs: run rows, snapshots (complete, open, refreshed), elements, counts, workflow
 * versions, events and site limits. Each public read is one transaction; the {@code Connection}
 * ones serve writes that read inside their own.
 */
final class RunReads {
    /** States of elements that are live: a job holds them. */
    static final List<JobState> LIVE = List.of(JobState.QUEUED, JobState.RUNNING);
    private static final String IN_IDS = " IN (SELECT value FROM json_each(?))";

    /** How many runs' workflow texts {@link #texts} keeps. */
    private static final int TEXTS_KEPT = 4;

    private final JournalDb db;
    /**
     * The workflow text and JSON of the runs read lately, by run id, with the workflow version they
     * are of. A pass reads the run's row several times, and the JSON of a workflow of 300 tasks is
     * 145 KB: read again each time, it was most of what a followed run allocated. A version changes
     * only with its text and JSON ({@link RunWrites}), so while the row's version is the one kept
     * they are not read again. The same strings also let {@link SpecCodec} find its decoded copy
     * without comparing 145 KB.
     */
    private final Map<String, Texts> texts = new LinkedHashMap<>(8, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Texts> eldest) {
            return size() > TEXTS_KEPT;
        }
    };

    /** A run's workflow text and JSON at one version (of the run submitted then: an id used again is another run). */
    private record Texts(int version, Instant submittedAt, String source, String spec) {
    }

    RunReads(JournalDb db) {
        this.db = db;
    }

    /** The run's row, if the journal holds it. */
    Optional<RunRecord> findRun(String id) {
        return db.inTransaction(c -> row(c, id, true));
    }

    /**
     * The run's row, its workflow text and JSON read only when their version is not the one kept.
     *
     * @param keep whether texts read are kept: not inside a transaction that writes, which could
     *             switch the version and then be rolled back
     */
    private Optional<RunRecord> row(Connection c, String runId, boolean keep) throws SQLException {
        Texts kept;
        synchronized (texts) {
            kept = texts.get(runId);
        }
        Optional<RunRecord> row = row(c, runId, kept == null ? -1 : kept.version());
        if (row.isEmpty()) {
            return row;
        }
        RunRecord r = row.get();
        if (kept != null && r.version() == kept.version()) {
            if (Objects.equals(r.submittedAt(), kept.submittedAt())) {
                return Optional.of(new RunRecord(r.id(), r.workflow(), r.scheduler(), r.state(), r.reason(),
                        kept.source(), kept.spec(), r.workdir(), r.submittedAt(), r.endedAt(), r.version()));
            }
            row = row(c, runId, -1); // another run under the same id: read its texts
            if (row.isEmpty()) {
                return row;
            }
            r = row.get();
        }
        if (keep) {
            synchronized (texts) {
                texts.put(runId, new Texts(r.version(), r.submittedAt(), r.source(), r.spec()));
            }
        }
        return row;
    }

    /** The run's row, without its workflow text and JSON (null there) when its version is {@code keptVersion}. */
    private static Optional<RunRecord> row(Connection c, String runId, int keptVersion) throws SQLException {
        return Sql.first(c, "SELECT id, workflow, scheduler, state, reason, "
                + "CASE WHEN version=? THEN NULL ELSE source END AS source, "
                + "CASE WHEN version=? THEN NULL ELSE spec END AS spec, "
                + "workdir, submitted_at, ended_at, version FROM hwf_run WHERE id=?", Rows::run,
                keptVersion, keptVersion, runId);
    }

    /** The run, or exit 2 with a hint when there is none. */
    RunRecord run(String id) {
        return findRun(id).orElseThrow(() -> db.noRun(id));
    }

    /** All runs, newest first, without their source and spec (null there: {@link #run} reads them). */
    List<RunRecord> runs() {
        // every column but the workflow's text and JSON, which a list of runs never shows and a
        // journal of a thousand runs would read a thousand times
        return db.inTransaction(c -> Sql.list(c, "SELECT id, workflow, scheduler, state, reason, NULL AS source, "
                + "NULL AS spec, workdir, submitted_at, ended_at, version FROM hwf_run "
                + "ORDER BY submitted_at DESC, id DESC", Rows::run));
    }

    /** Ids of runs still RUNNING, oldest first. */
    List<String> unfinishedRuns() {
        return db.inTransaction(c -> Sql.list(c, "SELECT id FROM hwf_run WHERE state=? ORDER BY submitted_at, id",
                rs -> rs.getString(1), RunState.RUNNING));
    }

    /** The run, its tasks and every element, read consistently. */
    RunSnapshot snapshot(String runId) {
        return db.inTransaction(c -> snapshot(c, runId));
    }

    /**
     * The run as a pass works on it: the run, task and attempt rows, the live elements (QUEUED,
     * RUNNING: those a job holds, which the scheduler's answers are held against) and every task's
     * {@link StateCounts}, counted by SQLite. Neither the ended elements of a long campaign nor the
     * WAITING ones of a large queue are read one by one: a pass reads the WAITING elements it
     * submits ({@link #firstWaiting}) and changes the others in bulk ({@link Journal#applyWaiting}).
     */
    RunSnapshot openSnapshot(String runId) {
        return db.inTransaction(c -> reread(c, runId, null, null, true));
    }

    /**
     * The run as {@code prev} read it, read again where it may have changed since: the run, task
     * and attempt rows, and the elements of {@code tasks} only (those of the other tasks are
     * taken from {@code prev}). What a pass uses after writing changes to some tasks, instead of
     * reading every element of a large run again. An open snapshot stays open.
     */
    RunSnapshot refresh(RunSnapshot prev, Collection<String> tasks) {
        if (tasks.isEmpty()) {
            return prev;
        }
        return db.inTransaction(c -> reread(c, prev.run().id(), prev, tasks, !prev.complete()));
    }

    /**
     * How many times each task's elements ran, at most (an element's tries: jobs that reached the
     * scheduler since its last resume), by task name; read for {@code hwf status}'s table, whose
     * snapshot holds the live elements only.
     */
    Map<String, Integer> mostTries(String runId) {
        return db.inTransaction(c -> {
            Map<String, Integer> out = new HashMap<>();
            for (Map.Entry<String, Integer> most : Sql.list(c, "SELECT task, max(tries) FROM hwf_element WHERE run_id=? "
                    + "GROUP BY task", rs -> Map.entry(rs.getString(1), rs.getInt(2)), runId)) {
                out.put(most.getKey(), most.getValue());
            }
            return out;
        });
    }

    /**
     * A snapshot with the elements (and, when open, the counts) of {@code tasks} read again, all
     * of them when null, and those of the other tasks taken from {@code prev}.
     *
     * @param open only the live elements, with every task's counts from SQL
     */
    private RunSnapshot reread(Connection c, String runId, RunSnapshot prev, Collection<String> tasks,
                               boolean open) throws SQLException {
        RunRecord run = row(c, runId, true).orElseThrow(() -> noRun(runId));
        List<TaskRecord> taskRows = tasksOf(c, runId);
        List<AttemptRecord> attempts = Sql.list(c, "SELECT * FROM hwf_attempt WHERE run_id=? ORDER BY task, attempt",
                Rows::attempt, runId);
        Set<String> names = new LinkedHashSet<>(tasks == null
                ? taskRows.stream().map(TaskRecord::name).toList() : tasks);
        Map<String, List<ElementRecord>> fresh = elementsOf(c, runId, names, open);
        Map<String, List<ElementRecord>> old = prev == null ? Map.of() : prev.elementsByTask();
        List<ElementRecord> elements = new ArrayList<>();
        for (TaskRecord t : taskRows) {
            elements.addAll(names.contains(t.name()) ? fresh.getOrDefault(t.name(), List.of())
                    : old.getOrDefault(t.name(), List.of()));
        }
        if (!open) {
            return new RunSnapshot(run, taskRows, elements, attempts);
        }
        Map<String, StateCounts> counts = new HashMap<>(prev == null ? Map.of() : prev.counts());
        counts.putAll(countsOf(c, runId, List.copyOf(names)));
        return new RunSnapshot(run, taskRows, elements, attempts, counts, false);
    }

    /**
     * Per task of {@code tasks}, how many of its elements are in each state: read from
     * {@code hwf_count}, which the journal's triggers keep as elements are written (schema 4), so
     * a large run's counts cost a few rows, not a scan of its elements.
     */
    private static Map<String, StateCounts> countsOf(Connection c, String runId, List<String> tasks)
            throws SQLException {
        Map<String, int[]> counts = new HashMap<>();
        Map<String, Double> seconds = new HashMap<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT task, state, n, seconds FROM hwf_count WHERE run_id=? "
                + "AND task" + IN_IDS)) {
            Sql.bind(ps, runId, Sql.jsonArray(tasks));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    String task = rs.getString(1);
                    counts.computeIfAbsent(task, k -> new int[JobState.values().length])
                            [JobState.valueOf(rs.getString(2)).ordinal()] += rs.getInt(3); // summed over reasons
                    seconds.merge(task, rs.getDouble(4), Double::sum);
                }
            }
        }
        Map<String, StateCounts> out = new HashMap<>();
        for (String t : tasks) {
            int[] n = counts.get(t);
            out.put(t, n == null ? StateCounts.NONE : new StateCounts(n, seconds.getOrDefault(t, 0.0)));
        }
        return out;
    }

    /**
     * Several runs, each as {@link #snapshot(String)} reads it, in the order given: one transaction
     * and one query per table for all of them, not one per run. A run id that is not in the journal
     * is left out.
     */
    List<RunSnapshot> snapshots(List<String> runIds) {
        if (runIds.isEmpty()) {
            return List.of();
        }
        return db.inTransaction(c -> snapshots(c, runIds));
    }

    /** {@link #snapshots(List)} inside a transaction; {@link #snapshot(Connection, String)} is its one-run case. */
    private static List<RunSnapshot> snapshots(Connection c, List<String> runIds) throws SQLException {
        String ids = Sql.jsonArray(runIds);
        Map<String, RunRecord> runs = new HashMap<>();
        for (RunRecord r : Sql.list(c, "SELECT * FROM hwf_run WHERE id" + IN_IDS, Rows::run, ids)) {
            runs.put(r.id(), r);
        }
        Map<String, List<TaskRecord>> tasks = Rows.byRun(c, "SELECT * FROM hwf_task WHERE run_id" + IN_IDS
                + " ORDER BY run_id, position", ids, Rows::task);
        Map<String, List<ElementRecord>> elements = Rows.byRun(c, "SELECT e.* FROM hwf_element e JOIN hwf_task t "
                + "ON t.run_id=e.run_id AND t.name=e.task WHERE e.run_id" + IN_IDS + " ORDER BY e.run_id, t.position, "
                + "e.idx", ids, Rows::element);
        Map<String, List<AttemptRecord>> attempts = Rows.byRun(c, "SELECT * FROM hwf_attempt WHERE run_id" + IN_IDS
                + " ORDER BY run_id, task, attempt", ids, Rows::attempt);
        List<RunSnapshot> out = new ArrayList<>(runIds.size());
        for (String id : runIds) {
            RunRecord run = runs.get(id);
            if (run != null) {
                out.add(new RunSnapshot(run, tasks.getOrDefault(id, List.of()),
                        elements.getOrDefault(id, List.of()), attempts.getOrDefault(id, List.of())));
            }
        }
        return out;
    }

    RunSnapshot snapshot(Connection c, String runId) throws SQLException {
        List<RunSnapshot> one = snapshots(c, List.of(runId));
        if (one.isEmpty()) {
            throw db.noRun(runId);
        }
        return one.get(0);
    }

    /** The run's row, in a transaction that may write; an error that names the journal when it has none. */
    RunRecord runOf(Connection c, String runId) throws SQLException {
        return row(c, runId, false).orElseThrow(() -> noRun(runId));
    }

    private HwfException noRun(String runId) {
        return new HwfException(ExitCodes.BAD_INPUT, "no run '" + runId + "' in journal " + db.file());
    }

    /** The run's tasks in workflow order. */
    static List<TaskRecord> tasksOf(Connection c, String runId) throws SQLException {
        return Sql.list(c, "SELECT * FROM hwf_task WHERE run_id=? ORDER BY position", Rows::task, runId);
    }

    /** Every element of one task, in index order: for the engine's small tasks (the pilot jobs). */
    List<ElementRecord> elements(String runId, String task) {
        return db.inTransaction(c -> elementsOf(c, runId, List.of(task), false).getOrDefault(task, List.of()));
    }

    /** The first {@code limit} WAITING elements of a task, in index order. */
    List<ElementRecord> firstWaiting(String runId, String task, int limit) {
        return db.inTransaction(c -> Sql.list(c, "SELECT * FROM hwf_element WHERE run_id=? AND task=? AND "
                + "state='WAITING' ORDER BY idx LIMIT ?", Rows::element, runId, task, Math.max(0, limit)));
    }

    /**
     * The elements of some tasks of a run, by task, in index order; with {@code live}, only the
     * QUEUED and RUNNING ones, found through the state index (left to itself, SQLite walks the
     * primary key over every element of the tasks: 0.16 s instead of 3 ms at a million).
     */
    private static Map<String, List<ElementRecord>> elementsOf(Connection c, String runId, Collection<String> tasks,
                                                               boolean live) throws SQLException {
        Map<String, List<ElementRecord>> byTask = new HashMap<>();
        for (ElementRecord e : Sql.list(c, "SELECT * FROM hwf_element" + (live ? " INDEXED BY hwf_element_state" : "")
                + " WHERE run_id=? AND task" + IN_IDS + (live ? " AND state IN " + Sql.states(LIVE) : "")
                + " ORDER BY task, idx", Rows::element, runId, Sql.jsonArray(new LinkedHashSet<>(tasks)))) {
            byTask.computeIfAbsent(e.task(), k -> new ArrayList<>()).add(e);
        }
        return byTask;
    }

    /**
     * Live elements (QUEUED or RUNNING, a claim without a job id included) of every running run in
     * this journal on one site: the same scheduler, reached on the same host as the same user (as
     * the workflows name them; none named is this machine and this user). The jobs hwf has there,
     * as a scheduler counts them (an array element is one): two clusters that both run Slurm keep
     * their own counts.
     */
    int liveElements(String scheduler, String host, String user) {
        // an attempt recorded with its site's key counts there; one without (a workflow's one site) counts
        // on the run's site
        String key = NamedSite.key(scheduler, host, user);
        return db.inTransaction(c -> Sql.number(c, "SELECT count(*) FROM hwf_element e LEFT JOIN hwf_attempt a "
                + "ON a.run_id=e.run_id AND a.task=e.task AND a.attempt=e.attempt WHERE e.state IN ('QUEUED','RUNNING') "
                + "AND (e.job_id IS NULL OR e.job_id NOT LIKE 'pilot:%') "
                + "AND e.run_id IN (SELECT id FROM hwf_run WHERE state='RUNNING') AND (a.site_key=? OR ("
                + "a.site_key IS NULL AND e.run_id IN (SELECT id FROM hwf_run WHERE state='RUNNING' AND scheduler=? "
                + "AND coalesce(json_extract(spec, '$.site.host'), '')=? "
                + "AND coalesce(json_extract(spec, '$.site.user'), '')=?)))", key, scheduler,
                host == null ? "" : host, user == null ? "" : user));
    }

    /** The site limits kept with a run, if any were read yet. */
    Optional<StoredLimits> limits(String runId) {
        return db.inTransaction(c -> Sql.first(c, "SELECT limits, read_at FROM hwf_site_limits WHERE run_id=?",
                rs -> new StoredLimits(rs.getString(1), Rows.instant(rs, "read_at")), runId));
    }

    /** Every version of a run's workflow, oldest first. */
    List<WorkflowVersion> versions(String runId) {
        return db.inTransaction(c -> {
            List<WorkflowVersion> out = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT * FROM hwf_version WHERE run_id=? ORDER BY version")) {
                Sql.bind(ps, runId);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(Rows.version(rs));
                    }
                }
            } catch (Json.Malformed e) {
                throw new HwfException(ExitCodes.BAD_INPUT, "journal " + db.file() + ": a workflow version of run "
                        + runId + " cannot be read: " + e.getMessage(), e);
            }
            return out;
        });
    }

    /** State changes of a run in the order they happened. */
    List<Event> events(String runId) {
        return db.inTransaction(c -> EventLog.of(c, runId));
    }
}
