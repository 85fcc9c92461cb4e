package dev.hwf.launcher.journal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.hwf.api.JobState;
import dev.hwf.api.PendingReason;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** The journal's rows as records: one reader per table, and the column conversions they share. */
final class Rows {
    /** The JSON of a workflow version's sets and definitions. */
    static final ObjectMapper JSON = new ObjectMapper();

    private Rows() {
    }

    static RunRecord run(ResultSet rs) throws SQLException {
        return new RunRecord(rs.getString("id"), rs.getString("workflow"), rs.getString("scheduler"),
                rs.getString("state"), rs.getString("reason"), rs.getString("source"), rs.getString("spec"),
                rs.getString("workdir"), instant(rs, "submitted_at"), instant(rs, "ended_at"), rs.getInt("version"));
    }

    static TaskRecord task(ResultSet rs) throws SQLException {
        return new TaskRecord(rs.getString("name"), rs.getInt("position"), JobState.valueOf(rs.getString("state")),
                rs.getString("reason"), rs.getInt("attempt"), rs.getString("job_id"), intOrNull(rs, "exit_code"),
                rs.getInt("array_size"), instant(rs, "submitted_at"), instant(rs, "started_at"),
                instant(rs, "ended_at"), rs.getString("reused_from"));
    }

    static ElementRecord element(ResultSet rs) throws SQLException {
        return new ElementRecord(rs.getString("task"), rs.getInt("idx"), JobState.valueOf(rs.getString("state")),
                rs.getInt("attempt"), rs.getInt("tries"), rs.getString("job_id"), intOrNull(rs, "exit_code"),
                rs.getString("reason"), instant(rs, "missing_since"), instant(rs, "started_at"),
                instant(rs, "ended_at"), rs.getDouble("earlier_seconds"), pending(rs));
    }

    /** An element's {@code pending} and {@code pending_block}; null when it has none (or one hwf cannot read). */
    private static PendingReason pending(ResultSet rs) throws SQLException {
        String text = rs.getString("pending");
        String block = rs.getString("pending_block");
        if (text == null || text.isBlank() || block == null) {
            return null;
        }
        try {
            return new PendingReason(text, PendingReason.Block.valueOf(block));
        } catch (IllegalArgumentException e) {
            return null; // a block a newer hwf wrote: no reason this one can tell
        }
    }

    static AttemptRecord attempt(ResultSet rs) throws SQLException {
        return new AttemptRecord(rs.getString("task"), rs.getInt("attempt"), rs.getString("job_name"),
                rs.getString("job_id"), rs.getString("indices"), instant(rs, "submitted_at"), rs.getString("endpoint"),
                instant(rs, "ready_at"), rs.getInt("index_offset"), rs.getString("ran_on"), rs.getInt("version"),
                rs.getString("site"), rs.getString("placed"), instant(rs, "estimated_start"),
                instant(rs, "withdrawn_at"));
    }

    static Event event(ResultSet rs) throws SQLException {
        return new Event(rs.getString("task"), intOrNull(rs, "idx"), intOrNull(rs, "attempt"),
                Instant.parse(rs.getString("at")), rs.getString("state"), rs.getString("reason"),
                rs.getString("job_id"));
    }

    /** A row of {@code hwf_version}; its sets and definitions are JSON. */
    static WorkflowVersion version(ResultSet rs) throws SQLException, JsonProcessingException {
        String defs = rs.getString("definitions");
        return new WorkflowVersion(rs.getInt("version"), rs.getString("source"), rs.getString("text"),
                List.of(JSON.readValue(rs.getString("sets"), String[].class)), rs.getString("spec"),
                defs == null ? Map.of() : JSON.readValue(defs, new TypeReference<TreeMap<String, String>>() { }),
                rs.getString("note"), instant(rs, "created_at"));
    }

    /** The rows of a query over several runs (its one parameter: the runs' ids as a JSON array), by run id. */
    static <T> Map<String, List<T>> byRun(Connection c, String sql, String ids, Sql.Row<T> row)
            throws SQLException {
        Map<String, List<T>> out = new HashMap<>();
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, ids);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.computeIfAbsent(rs.getString("run_id"), k -> new ArrayList<>()).add(row.read(rs));
                }
            }
        }
        return out;
    }

    static Integer intOrNull(ResultSet rs, String col) throws SQLException {
        int v = rs.getInt(col);
        return rs.wasNull() ? null : v;
    }

    static Instant instant(ResultSet rs, int col) throws SQLException {
        return parse(rs.getString(col));
    }

    static Instant instant(ResultSet rs, String col) throws SQLException {
        return parse(rs.getString(col));
    }

    private static Instant parse(String v) {
        return v == null ? null : Instant.parse(v);
    }
}
