package dev.hwf.launcher.journal;

import dev.hwf.api.JobState;
import dev.hwf.api.PendingReason;
import dev.hwf.launcher.Json;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** The journal's rows as records: one reader per table, and the column conversions they share. */
final class Rows {
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
                parse(rs.getString("at")), rs.getString("state"), rs.getString("reason"),
                rs.getString("job_id"));
    }

    /** A row of {@code hwf_version}; its sets and definitions are JSON. */
    static WorkflowVersion version(ResultSet rs) throws SQLException {
        String defs = rs.getString("definitions");
        return new WorkflowVersion(rs.getInt("version"), rs.getString("source"), rs.getString("text"),
                List.of(Json.read(rs.getString("sets"), String[].class)), rs.getString("spec"),
                defs == null ? Map.of() : definitions(defs), rs.getString("note"), instant(rs, "created_at"));
    }

    /** A version's {@code definitions} column: a JSON object of strings, in key order. */
    private static Map<String, String> definitions(String json) {
        TreeMap<String, String> out = new TreeMap<>();
        Json.read(json, Map.class).forEach((k, v) -> out.put((String) k, v == null ? null : String.valueOf(v)));
        return out;
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

    /**
     * A time as the journal stores it, {@link Instant#toString} ({@code 2026-12-05T18:24:01.812243408Z}),
     * read without {@link Instant#parse}, which builds a new formatter for every call: a followed
     * run reads several thousand times a pass, and those formatters were a fifth of what it
     * allocated. Any other form (a year past 9999, an offset) is left to {@link Instant#parse}.
     */
    static Instant parse(String v) {
        if (v == null) {
            return null;
        }
        int n = v.length();
        if (n >= 20 && n <= 30 && n != 21 && v.charAt(4) == '-' && v.charAt(7) == '-' && v.charAt(10) == 'T'
                && v.charAt(13) == ':' && v.charAt(16) == ':' && v.charAt(n - 1) == 'Z'
                && (n == 20 || v.charAt(19) == '.')) {
            int year = digits(v, 0, 4);
            int month = digits(v, 5, 7);
            int day = digits(v, 8, 10);
            int hour = digits(v, 11, 13);
            int minute = digits(v, 14, 16);
            int second = digits(v, 17, 19);
            int fraction = n == 20 ? 0 : digits(v, 20, n - 1);
            if (year >= 0 && month >= 1 && month <= 12 && day >= 1 && hour >= 0 && hour < 24 && minute >= 0
                    && minute < 60 && second >= 0 && second < 60 && fraction >= 0) {
                int nanos = fraction;
                for (int i = n - 21; i < 9 && n > 20; i++) {
                    nanos *= 10;
                }
                try {
                    long epochDay = LocalDate.of(year, month, day).toEpochDay();
                    return Instant.ofEpochSecond(epochDay * 86_400 + hour * 3_600L + minute * 60L + second, nanos);
                } catch (DateTimeException e) {
                    // a day the month does not have: Instant.parse says so in its own words
                }
            }
        }
        return Instant.parse(v);
    }

    /** The decimal number in {@code v} from {@code from} to {@code to}; -1 if a character there is not a digit. */
    private static int digits(String v, int from, int to) {
        int out = 0;
        for (int i = from; i < to; i++) {
            char ch = v.charAt(i);
            if (ch < '0' || ch > '9') {
                return -1;
            }
            out = out * 10 + (ch - '0');
        }
        return out;
    }
}
