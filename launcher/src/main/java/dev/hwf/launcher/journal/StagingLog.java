package dev.hwf.launcher.journal;

import dev.hwf.api.JobState;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;

/**
 * The journal's record of input staging between sites (SPEC section 7): each task's progress
 * ({@code hwf_staging}) and each file placed ({@code hwf_copy}).
 */
public final class StagingLog {
    private final JournalDb db;
    private final RollupWrites rollup;

    StagingLog(JournalDb db, RollupWrites rollup) {
        this.db = db;
        this.rollup = rollup;
    }

    /**
     * A task's input staging: bytes done of the total in its current try, its tries, the last
     * try's error (null when it succeeded or is under way), and the current try's times.
     */
    /** @param route how its inputs go: "through this machine", "directly, by ssh from …"; null when none were listed */
    public record Staging(String task, String site, long bytesDone, long bytesTotal, int tries, String error,
                          Instant startedAt, Instant endedAt, String route) {
        /** Whether its last try placed every file on {@code site}. */
        public boolean doneFor(String siteName) {
            return site.equals(siteName) && endedAt != null && error == null;
        }
    }

    /** A file placed in a dependant's directory from an upstream on another site. */
    public record CopiedFile(String task, String fromTask, String path, String fromSite, String toSite, long bytes,
                             String sha256, boolean alreadyThere, Instant started, Instant ended) {
    }

    /**
     * A task's staging to {@code site} starts (again): its WAITING elements go STAGING with
     * {@code reason}, its try is counted, its total kept, and the last error kept until this try ends.
     * One transaction; how many elements went STAGING.
     */
    public int started(String runId, String task, String site, long total, String route, String reason,
                       Instant now) {
        return db.inTransaction(c -> {
            Sql.update(c, "INSERT INTO hwf_staging(run_id, task, site, bytes_done, bytes_total, tries, started_at, route) "
                    + "VALUES (?,?,?,0,?,1,?,?) ON CONFLICT(run_id, task) DO UPDATE SET site=excluded.site, bytes_done=0, "
                    + "bytes_total=excluded.bytes_total, tries=tries+1, started_at=excluded.started_at, ended_at=NULL, "
                    + "route=excluded.route", runId, task, site, total, now, route);
            int n = move(c, runId, task, JobState.WAITING, JobState.STAGING, reason, now);
            rollup.refresh(c, runId, List.of(task), now);
            return n;
        });
    }

    /**
     * A try ends: {@code error} null when every file is in place. The task's STAGING elements go
     * to {@code to}: WAITING (staged, or to try again, {@code reason} saying why) or FAILED (for good).
     */
    public void ended(String runId, String task, String error, JobState to, String reason, Instant now) {
        db.inTransaction(c -> {
            Sql.update(c, "UPDATE hwf_staging SET error=?, ended_at=? WHERE run_id=? AND task=?", error, now, runId,
                    task);
            move(c, runId, task, JobState.STAGING, to, reason, now);
            rollup.refresh(c, runId, List.of(task), now);
            return null;
        });
    }

    /** A task's elements in {@code from} go to {@code to} with {@code reason}, each with its event. */
    private static int move(Connection c, String runId, String task, JobState from, JobState to, String reason,
                            Instant now) throws SQLException {
        Sql.update(c, "INSERT INTO hwf_event(run_id, task, idx, attempt, at, state, reason, job_id) SELECT run_id, "
                + "task, idx, attempt, ?, ?, ?, job_id FROM hwf_element WHERE run_id=? AND task=? AND state=?", now,
                EventKind.of(to), reason, runId, task, from);
        boolean ends = to.isFinal();
        return Sql.update(c, "UPDATE hwf_element SET state=?, reason=?" + (ends ? ", started_at=coalesce(started_at, "
                + "?), ended_at=coalesce(ended_at, ?)" : "") + " WHERE run_id=? AND task=? AND state=?",
                ends ? new Object[] {to, reason, now, now, runId, task, from} : new Object[] {to, reason, runId, task,
                        from});
    }

    public void progress(String runId, String task, long done) {
        db.inTransaction(c -> Sql.update(c, "UPDATE hwf_staging SET bytes_done=? WHERE run_id=? AND task=?",
                done, runId, task));
    }

    /** A file is in place: kept with its size, checksum and times (replacing an earlier copy's row). */
    public void placed(String runId, CopiedFile f) {
        db.inTransaction(c -> Sql.update(c, "INSERT OR REPLACE INTO hwf_copy(run_id, task, from_task, path, "
                + "from_site, to_site, bytes, sha256, already_there, started_at, ended_at) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
                runId, f.task(), f.fromTask(), f.path(), f.fromSite(), f.toSite(), f.bytes(), f.sha256(),
                f.alreadyThere() ? 1 : 0, f.started(), f.ended()));
    }


    public List<Staging> staging(String runId) {
        return db.inTransaction(c -> Sql.list(c, "SELECT * FROM hwf_staging WHERE run_id=? ORDER BY task",
                StagingLog::staging, runId));
    }

    public List<CopiedFile> copies(String runId) {
        return db.inTransaction(c -> Sql.list(c, "SELECT * FROM hwf_copy WHERE run_id=? ORDER BY task, from_task, path",
                StagingLog::copy, runId));
    }

    private static Staging staging(ResultSet rs) throws SQLException {
        return new Staging(rs.getString("task"), rs.getString("site"), rs.getLong("bytes_done"), rs.getLong("bytes_total"),
                rs.getInt("tries"), rs.getString("error"), Rows.instant(rs, "started_at"), Rows.instant(rs, "ended_at"),
                rs.getString("route"));
    }

    private static CopiedFile copy(ResultSet rs) throws SQLException {
        return new CopiedFile(rs.getString("task"), rs.getString("from_task"), rs.getString("path"),
                rs.getString("from_site"), rs.getString("to_site"), rs.getLong("bytes"), rs.getString("sha256"),
                rs.getInt("already_there") == 1, Rows.instant(rs, "started_at"), Rows.instant(rs, "ended_at"));
    }
}
