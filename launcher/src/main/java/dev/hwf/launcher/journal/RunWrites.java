package dev.hwf.launcher.journal;

import dev.hwf.api.JobState;
import dev.hwf.launcher.ExitCodes;
import dev.hwf.launcher.HwfException;
import dev.hwf.launcher.Json;
import dev.hwf.launcher.workflow.Task;
import dev.hwf.launcher.workflow.Workflow;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Supplier;
import java.util.stream.IntStream;

/**
 * Writes of a run's life: its creation (with the tasks reused from an earlier run), its workflow
 * versions, its end, and its resumption. Each is one transaction.
 */
final class RunWrites {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final DateTimeFormatter RUN_STAMP =
            DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC);

    private final JournalDb db;
    private final RollupWrites rollup;

    RunWrites(JournalDb db, RollupWrites rollup) {
        this.db = db;
        this.rollup = rollup;
    }

    /** A run id: the workflow name, the UTC time, and 4 random hex digits. */
    static String newRunId(String workflow, Instant now) {
        byte[] b = new byte[2];
        RANDOM.nextBytes(b);
        return workflow + "-" + RUN_STAMP.format(now) + "-" + HexFormat.of().formatHex(b);
    }

    /**
     * Records a new run with every task and element WAITING, its workflow's version 1 (the file's
     * {@code text} and the {@code sets} applied to it, each task's definition hash) and, for
     * {@code hwf submit --reuse}, the tasks recorded SUCCEEDED at once from run {@code reuse.from()}:
     * their elements, attempts and job ids as that run has them. One transaction; returns the run id.
     */
    String createRun(Workflow wf, String specJson, String workdir, Instant now, String text, List<String> sets,
                     Map<String, String> definitions, Reuse reuse) {
        return db.inTransaction(c -> {
            String id = unusedRunId(c, () -> newRunId(wf.name(), now));
            // notify: the events the outbox's triggers write notices for (schema-9.sql)
            Sql.update(c, "INSERT INTO hwf_run(id, workflow, scheduler, state, source, spec, workdir, submitted_at, "
                    + "notify) VALUES (?,?,?,?,?,?,?,?,?)", id, wf.name(), wf.scheduler(), RunState.RUNNING,
                    wf.source(), specJson, workdir, now, wf.notifications() == null ? null : wf.notifications().heard());
            try (PreparedStatement task = c.prepareStatement("INSERT INTO hwf_task(run_id, name, position, state, "
                    + "array_size) VALUES (?,?,?,?,?)");
                 PreparedStatement count = c.prepareStatement("INSERT INTO hwf_count(run_id, task, state, reason, n, "
                         + "seconds) VALUES (?,?,?,'',?,0)")) {
                int pos = 0;
                for (Task t : wf.tasks()) {
                    Sql.bind(task, id, t.name(), pos++, JobState.WAITING, t.array());
                    task.addBatch();
                    // the elements' counts are written here, once: hwf_count's triggers follow updates, not
                    // these inserts (a trigger per inserted row would cost a large run's submit a third more)
                    Sql.bind(count, id, t.name(), JobState.WAITING, t.elementCount());
                    count.addBatch();
                }
                task.executeBatch();
                count.executeBatch();
            }
            try (PreparedStatement el = c.prepareStatement("INSERT INTO hwf_element(run_id, task, idx, state) "
                    + "VALUES (?,?,?,?)")) {
                int batched = 0;
                for (Task t : wf.tasks()) {
                    for (int i = 0; i < t.elementCount(); i++) {
                        Sql.bind(el, id, t.name(), i, JobState.WAITING);
                        el.addBatch();
                        if (++batched % 10_000 == 0) { // a batch holds its rows in memory until it runs
                            el.executeBatch();
                        }
                    }
                }
                el.executeBatch();
            }
            insertVersion(c, id, new WorkflowVersion(1, wf.source(), text, sets, specJson, definitions, "submit", now));
            EventLog.append(c, id, null, null, null, now, EventKind.RUNNING, "submitted", null);
            if (reuse != null && !reuse.tasks().isEmpty()) {
                reuse(c, id, reuse, now);
            }
            return id;
        });
    }

    private void reuse(Connection c, String runId, Reuse reuse, Instant now) throws SQLException {
        for (String task : reuse.tasks()) {
            Sql.update(c, "UPDATE hwf_element SET state=o.state, attempt=o.attempt, tries=o.tries, job_id=o.job_id, "
                    + "exit_code=o.exit_code, reason=?, started_at=o.started_at, ended_at=o.ended_at, "
                    + "earlier_seconds=o.earlier_seconds FROM (SELECT * FROM hwf_element WHERE run_id=? AND task=? "
                    + "AND state='SUCCEEDED') AS o WHERE hwf_element.run_id=? AND hwf_element.task=? "
                    + "AND hwf_element.idx=o.idx", "reused from " + reuse.from(), reuse.from(), task, runId, task);
            Sql.update(c, "INSERT INTO hwf_attempt(run_id, task, attempt, job_name, job_id, indices, submitted_at, "
                    + "endpoint, ready_at, index_offset, ran_on, version) SELECT ?, task, attempt, job_name, job_id, "
                    + "indices, submitted_at, endpoint, ready_at, index_offset, ran_on, version FROM hwf_attempt "
                    + "WHERE run_id=? AND task=?", runId, reuse.from(), task);
            Sql.update(c, "UPDATE hwf_task SET reused_from=?, attempt=o.attempt, job_id=o.job_id, "
                    + "submitted_at=o.submitted_at FROM (SELECT * FROM hwf_task WHERE run_id=? AND name=?) AS o "
                    + "WHERE hwf_task.run_id=? AND hwf_task.name=o.name", reuse.from(), reuse.from(), task, runId);
            EventLog.append(c, runId, task, null, null, now, EventKind.REUSED, "SUCCEEDED in run " + reuse.from()
                    + ", definition unchanged", null);
        }
        rollup.refresh(c, runId, reuse.tasks(), now);
    }

    private static void insertVersion(Connection c, String runId, WorkflowVersion v) throws SQLException {
        Sql.update(c, "INSERT INTO hwf_version(run_id, version, source, text, sets, spec, definitions, note, "
                + "created_at) VALUES (?,?,?,?,?,?,?,?,?)", runId, v.version(), v.source(), v.text(),
                Json.write(v.sets()), v.spec(), v.definitions().isEmpty() ? null
                        : Json.write(new TreeMap<>(v.definitions())), v.note(), v.createdAt());
    }

    /**
     * Switches a run to its next workflow version, in one transaction: the version is recorded and
     * made the run's, tasks are dropped and added, the tasks to rerun have every element WAITING
     * again (an array resized to its new size), and then what failed, was cancelled or never ran is
     * resumed as {@link #resume} does. Killed at any instant, the run is either as it was or wholly
     * on the new version.
     *
     * @param expected the version the caller planned from: another switch since is refused
     * @return how many elements will run
     */
    int switchVersion(String runId, int expected, WorkflowVersion next, Revision revision,
                      Map<String, List<String>> serviceDependants, Instant now) {
        return db.inTransaction(c -> {
            Workflow nextWf = SpecCodec.fromJsonOrNull(next.spec());
            String heard = nextWf == null || nextWf.notifications() == null ? null : nextWf.notifications().heard();
            if (Sql.update(c, "UPDATE hwf_run SET version=?, spec=?, source=?, notify=? WHERE id=? AND version=?",
                    next.version(), next.spec(), next.source(), heard, runId, expected) != 1) {
                throw new HwfException(ExitCodes.BAD_INPUT, "run " + runId + " changed while this resume planned"
                        + " (another resume?); run the command again");
            }
            insertVersion(c, runId, next);
            for (String task : revision.drop()) {
                dropTask(c, runId, task);
            }
            for (String task : revision.add()) {
                Sql.update(c, "INSERT INTO hwf_task(run_id, name, position, state, array_size) VALUES "
                        + "(?,?,0,'WAITING',0)", runId, task);
                resize(c, runId, task, 0, revision.arraySizes().get(task), "added in version " + next.version());
            }
            int n = 0;
            for (Map.Entry<String, String> r : revision.rerun().entrySet()) {
                n += rerun(c, runId, r.getKey(), revision.arraySizes().get(r.getKey()), r.getValue());
            }
            List<String> order = revision.order();
            Sql.batch(c, "UPDATE hwf_task SET position=? WHERE run_id=? AND name=?",
                    IntStream.range(0, order.size()).boxed().toList(), pos -> new Object[] {pos, runId, order.get(pos)});
            EventLog.append(c, runId, null, null, null, now, EventKind.VERSION, "workflow version " + next.version()
                    + " (" + next.note() + ")", null);
            return n + resume(c, runId, serviceDependants, now);
        });
    }

    private static void dropTask(Connection c, String runId, String task) throws SQLException {
        if (Sql.number(c, "SELECT max(attempt) FROM hwf_element WHERE run_id=? AND task=?", runId, task) > 0) {
            throw new HwfException(ExitCodes.BAD_INPUT, "task " + task + " of run " + runId + " was submitted"
                    + " already; a resume cannot remove it: keep it in the workflow");
        }
        for (String sql : List.of("DELETE FROM hwf_element WHERE run_id=? AND task=?",
                "DELETE FROM hwf_count WHERE run_id=? AND task=?", "DELETE FROM hwf_task WHERE run_id=? AND name=?")) {
            Sql.update(c, sql, runId, task);
        }
    }

    /** Every element of the task WAITING again with the reason; refused while one is queued or running. */
    private static int rerun(Connection c, String runId, String task, int arraySize, String reason)
            throws SQLException {
        int live = Sql.number(c, "SELECT count(*) FROM hwf_element WHERE run_id=? AND task=? AND state IN "
                + Sql.states(RunReads.LIVE), runId, task);
        if (live > 0) {
            throw new HwfException(ExitCodes.BAD_INPUT, "task " + task + " has " + live + " element(s)"
                    + " queued or running, which run its old definition; wait for them to end (hwf watch "
                    + runId + ") or cancel the run (hwf cancel " + runId + "), then resume");
        }
        int n = Sql.update(c, "UPDATE hwf_element SET state='WAITING', tries=0, reason=?, " + ElementWrites.CLEAR_TRY
                + " WHERE run_id=? AND task=? AND state<>'WAITING'", "run again: " + reason, runId, task);
        int before = Sql.number(c, "SELECT array_size FROM hwf_task WHERE run_id=? AND name=?", runId, task);
        return n + resize(c, runId, task, before, arraySize, "run again: " + reason);
    }

    /**
     * Gives a task {@code to} elements where it had {@code from} (array sizes; 0 is one element):
     * new ones WAITING with the reason, the ones past the end removed. Returns how many were added.
     */
    private static int resize(Connection c, String runId, String task, int from, int to, String reason)
            throws SQLException {
        boolean hasElement = Sql.number(c, "SELECT 1 FROM hwf_element WHERE run_id=? AND task=? LIMIT 1",
                runId, task) == 1;
        int had = from == 0 && hasElement ? 1 : from;
        int want = Math.max(1, to);
        Sql.update(c, "UPDATE hwf_task SET array_size=? WHERE run_id=? AND name=?", to, runId, task);
        if (want < had) {
            Sql.update(c, "DELETE FROM hwf_element WHERE run_id=? AND task=? AND idx>=?", runId, task, want);
            return 0;
        }
        if (want == had) {
            return 0;
        }
        try (PreparedStatement el = c.prepareStatement("INSERT INTO hwf_element(run_id, task, idx, state, reason) "
                + "VALUES (?,?,?,'WAITING',?)")) {
            for (int i = had; i < want; i++) {
                Sql.bind(el, runId, task, i, reason);
                el.addBatch();
            }
            el.executeBatch();
        }
        Sql.update(c, "INSERT INTO hwf_count(run_id, task, state, reason, n, seconds) VALUES (?,?,'WAITING',?,?,0) "
                + "ON CONFLICT(run_id, task, state, reason) DO UPDATE SET n = n + excluded.n", runId, task, reason,
                want - had);
        return want - had;
    }

    /**
     * The first of up to 1,000 {@code draws} that names no run yet: runs started in the same second
     * share all but the 4 random digits, so a draw that is taken already (one in 65,536 per such run)
     * is drawn again. Called inside the IMMEDIATE transaction that inserts the run, so no other process
     * can take it in between.
     */
    static String unusedRunId(Connection c, Supplier<String> draws) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM hwf_run WHERE id=?")) {
            for (int draw = 0; draw < 1000; draw++) {
                String id = draws.get();
                Sql.bind(ps, id);
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        return id;
                    }
                }
            }
        }
        throw new HwfException(ExitCodes.BAD_INPUT, "could not find an unused run id in 1,000 draws: "
                + "this journal holds too many runs of this workflow started in the same second; wait a second "
                + "and submit again");
    }

    /** Ends a run still RUNNING in {@code state}, with a reason and its event; a run that has ended stays. */
    void finishRun(String runId, RunState state, String reason, Instant now) {
        db.inTransaction(c -> {
            if (Sql.update(c, "UPDATE hwf_run SET state=?, reason=?, ended_at=? WHERE id=? AND state='RUNNING'",
                    state, reason, now, runId) == 1) {
                EventLog.append(c, runId, null, null, null, now, EventKind.of(state), reason, null);
            }
            return null;
        });
    }

    /**
     * Makes a run's FAILED and CANCELLED elements WAITING again, with their retries restored, and
     * the run RUNNING; SUCCEEDED elements and live ones are left as they are, but a service (key of
     * {@code serviceDependants}) that has ended is started again when any of its dependants (value)
     * will run again, since they need it running. One transaction; how many elements will run again.
     */
    int resume(String runId, Map<String, List<String>> serviceDependants, Instant now) {
        return db.inTransaction(c -> resume(c, runId, serviceDependants, now));
    }

    private int resume(Connection c, String runId, Map<String, List<String>> serviceDependants, Instant now)
            throws SQLException {
        String again = ElementWrites.CLEAR_TRY;
        int n = Sql.update(c, "UPDATE hwf_element SET state='WAITING', tries=0, reason='resumed after ' || "
                + "coalesce(reason, state), " + again + " WHERE run_id=? AND state IN "
                + Sql.states(Transitions.resumable()), runId);
        for (Map.Entry<String, List<String>> s : serviceDependants.entrySet()) {
            boolean needed = false;
            for (String dependant : s.getValue()) {
                needed |= Sql.number(c, "SELECT 1 FROM hwf_element WHERE run_id=? AND task=? AND state='WAITING'",
                        runId, dependant) == 1;
            }
            if (needed) {
                n += Sql.update(c, "UPDATE hwf_element SET state='WAITING', tries=0, reason='started again for its "
                        + "dependants', " + again + " WHERE run_id=? AND task=? AND state='SUCCEEDED'", runId, s.getKey());
            }
        }
        Sql.update(c, "UPDATE hwf_run SET state='RUNNING', reason=NULL, ended_at=NULL WHERE id=?", runId);
        EventLog.append(c, runId, null, null, null, now, EventKind.RESUMED, n + " element(s) to run again", null);
        rollup.refresh(c, runId, null, now);
        return n;
    }
}
