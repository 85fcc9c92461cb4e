package dev.hwf.launcher.journal;

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

    StagingLog(JournalDb db) {
        this.db = db;
    }

    /**
     * A task's input staging: bytes done of the total in its current try, its tries, the last
     * try's error (null when it succeeded or is under way), and the current try's times.
     */
    public record Staging(String task, long bytesDone, long bytesTotal, int tries, String error, Instant startedAt,
                          Instant endedAt) {
    }

    /** A file placed in a dependant's directory from an upstream on another site. */
    public record CopiedFile(String task, String fromTask, String path, String fromSite, String toSite, long bytes,
                             String sha256, boolean alreadyThere, Instant started, Instant ended) {
    }

    /** A task's staging starts (again): its total, its try counted, the last error kept until this try ends. */
    public void started(String runId, String task, long total, Instant now) {
        db.inTransaction(c -> Sql.update(c, "INSERT INTO hwf_staging(run_id, task, bytes_done, bytes_total, tries, "
                + "started_at) VALUES (?,?,0,?,1,?) ON CONFLICT(run_id, task) DO UPDATE SET bytes_done=0, "
                + "bytes_total=excluded.bytes_total, tries=tries+1, started_at=excluded.started_at, ended_at=NULL",
                runId, task, total, now));
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

    /** A try ends: done (error null) or failed with the error. */
    public void ended(String runId, String task, String error, Instant now) {
        db.inTransaction(c -> Sql.update(c, "UPDATE hwf_staging SET error=?, ended_at=? WHERE run_id=? AND task=?",
                error, now, runId, task));
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
        return new Staging(rs.getString("task"), rs.getLong("bytes_done"), rs.getLong("bytes_total"),
                rs.getInt("tries"), rs.getString("error"), Rows.instant(rs, "started_at"), Rows.instant(rs, "ended_at"));
    }

    private static CopiedFile copy(ResultSet rs) throws SQLException {
        return new CopiedFile(rs.getString("task"), rs.getString("from_task"), rs.getString("path"),
                rs.getString("from_site"), rs.getString("to_site"), rs.getLong("bytes"), rs.getString("sha256"),
                rs.getInt("already_there") == 1, Rows.instant(rs, "started_at"), Rows.instant(rs, "ended_at"));
    }
}
