package dev.hwf.launcher.journal;

import dev.hwf.api.JobState;
import dev.hwf.launcher.Json;
import dev.hwf.launcher.workflow.Pilot;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Writes the task and run states that follow from the elements ({@link StateRollup}) after a
 * write moved some: inside that write's transaction, reading the moved tasks' tallies from SQLite
 * instead of their elements.
 */
final class RollupWrites {
    private static final List<JobState> FINAL = List.of(JobState.SUCCEEDED, JobState.FAILED, JobState.CANCELLED);

    private final RunReads reads;

    RollupWrites(RunReads reads) {
        this.reads = reads;
    }

    /**
     * Re-derives the states of the tasks named (all of them when null) from their elements, and the
     * run's from all its tasks. Only the named tasks' elements are read: a pass that changed one
     * task of a large run does not read the others' elements again.
     */
    void refresh(Connection c, String runId, Collection<String> touched, Instant now) throws SQLException {
        if (touched != null && touched.isEmpty()) {
            return;
        }
        RunRecord run = reads.runOf(c, runId);
        List<TaskRecord> tasks = RunReads.tasksOf(c, runId);
        Map<String, StateRollup.Tally> byTask = talliesOf(c, runId,
                touched == null ? tasks.stream().map(TaskRecord::name).toList() : touched);
        List<JobState> taskStates = new ArrayList<>();
        String firstFailure = null;
        try (PreparedStatement ps = c.prepareStatement("UPDATE hwf_task SET state=?, reason=?, exit_code=?, "
                + "started_at=?, ended_at=? WHERE run_id=? AND name=?")) {
            for (TaskRecord t : tasks) {
                StateRollup.Tally elements = byTask.get(t.name());
                if (elements == null) { // not touched: its row holds what was derived last time
                    taskStates.add(forRun(t.name(), t.state()));
                    if (firstFailure == null && t.state() == JobState.FAILED) {
                        firstFailure = "task " + t.name() + " failed: " + t.reason();
                    }
                    continue;
                }
                StateRollup.TaskOutcome d = StateRollup.task(elements, t.arraySize() > 0);
                Transitions.checkTask(runId, t.name(), t.state(), d.state());
                taskStates.add(forRun(t.name(), d.state()));
                if (firstFailure == null && d.state() == JobState.FAILED) {
                    firstFailure = "task " + t.name() + " failed: " + d.reason();
                }
                boolean changed = d.state() != t.state() || !Objects.equals(d.reason(), t.reason())
                        || !Objects.equals(d.exitCode(), t.exitCode()) || !Objects.equals(d.startedAt(), t.startedAt())
                        || !Objects.equals(d.endedAt(), t.endedAt());
                if (changed) {
                    Sql.bind(ps, d.state(), d.reason(), d.exitCode(), d.startedAt(), d.endedAt(), runId, t.name());
                    ps.executeUpdate();
                    if (d.state() != t.state()) {
                        EventLog.append(c, runId, t.name(), null, t.attempt(), now, EventKind.of(d.state()),
                                d.reason(), t.jobId());
                    }
                }
            }
        }
        RunState runState = StateRollup.run(taskStates);
        if (runState != RunState.RUNNING && run.runState() == RunState.RUNNING) {
            String reason = runState == RunState.FAILED ? firstFailure : null;
            Sql.update(c, "UPDATE hwf_run SET state=?, reason=?, ended_at=? WHERE id=? AND state='RUNNING'",
                    runState, reason, now, runId);
            EventLog.append(c, runId, null, null, null, now, EventKind.of(runState), reason, null);
        }
    }

    /**
     * A task's state as the run's state counts it: the pilot jobs hwf adds end CANCELLED when no
     * packed work is left for them, which is no cancelled run.
     */
    private static JobState forRun(String task, JobState state) {
        return Pilot.TASK.equals(task) && state == JobState.CANCELLED ? JobState.SUCCEEDED : state;
    }

    /**
     * What each of {@code tasks}' states is derived from ({@link StateRollup.Tally}), computed by
     * SQLite over the task's elements in one query: none of them is read into memory.
     */
    static Map<String, StateRollup.Tally> talliesOf(Connection c, String runId, Collection<String> tasks)
            throws SQLException {
        String finals = Sql.states(FINAL);
        String same = "FROM hwf_element x WHERE x.run_id=e.run_id AND x.task=e.task";
        String blame = "json_array(x.idx, x.reason, x.exit_code)";
        Map<String, StateRollup.Tally> out = new HashMap<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT e.task, count(*), sum(e.state='WAITING'), "
                + "sum(e.state IN " + finals + "), sum(e.state='SUCCEEDED'), sum(e.state='FAILED'), "
                + "sum(e.state='RUNNING' OR e.state IN " + finals + " OR (e.state='WAITING' AND e.tries>0)), "
                + "(SELECT x.started_at " + same + " AND x.started_at IS NOT NULL ORDER BY julianday(x.started_at), "
                + "x.idx LIMIT 1), "
                + "(SELECT x.ended_at " + same + " AND x.ended_at IS NOT NULL ORDER BY julianday(x.ended_at) DESC, "
                + "x.idx LIMIT 1), "
                + "(SELECT " + blame + " " + same + " AND x.state='FAILED' ORDER BY x.idx LIMIT 1), "
                + "(SELECT " + blame + " " + same + " AND (x.state='CANCELLED' OR (x.state='WAITING' AND x.reason "
                + "IS NOT NULL)) ORDER BY x.idx LIMIT 1), "
                + "CASE WHEN count(*)=1 THEN max(e.reason) END, sum(e.state='STAGING') "
                + "FROM hwf_element e WHERE e.run_id=? AND e.task IN (SELECT value FROM json_each(?)) GROUP BY e.task")) {
            Sql.bind(ps, runId, Sql.jsonArray(new LinkedHashSet<>(tasks)));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.put(rs.getString(1), new StateRollup.Tally(rs.getInt(2), rs.getInt(3), rs.getInt(4),
                            rs.getInt(5), rs.getInt(6), rs.getInt(7), Rows.instant(rs, 8), Rows.instant(rs, 9),
                            blame(rs.getString(10)), blame(rs.getString(11)), rs.getString(12), rs.getInt(13)));
                }
            }
        }
        return out;
    }

    /** A {@code json_array(idx, reason, exit_code)} as a {@link StateRollup.Blame}, or null. */
    private static StateRollup.Blame blame(String json) {
        if (json == null) {
            return null;
        }
        try {
            List<?> a = Json.read(json, List.class);
            return new StateRollup.Blame(((Number) a.get(0)).intValue(), a.get(1) == null ? null : a.get(1).toString(),
                    a.get(2) == null ? null : ((Number) a.get(2)).intValue());
        } catch (Json.Malformed | ClassCastException | IndexOutOfBoundsException e) {
            throw new IllegalStateException("journal: unreadable element summary " + json, e);
        }
    }
}
