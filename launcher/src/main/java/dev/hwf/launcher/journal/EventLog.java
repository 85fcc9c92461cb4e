package dev.hwf.launcher.journal;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;

/** The journal's record of state changes ({@code hwf_event}): each write's events, and a run's in order. */
final class EventLog {
    private EventLog() {
    }

    /** Records one event; task and index are null for a run's, index for a task's. */
    static void append(Connection c, String runId, String task, Integer idx, Integer attempt, Instant at,
                       EventKind kind, String reason, String jobId) throws SQLException {
        Sql.update(c, "INSERT INTO hwf_event(run_id, task, idx, attempt, at, state, reason, job_id) "
                + "VALUES (?,?,?,?,?,?,?,?)", runId, task, idx, attempt, at, kind, reason, jobId);
    }

    /** A run's events in the order they happened. */
    static List<Event> of(Connection c, String runId) throws SQLException {
        return Sql.list(c, "SELECT * FROM hwf_event WHERE run_id=? ORDER BY id", Rows::event, runId);
    }
}
