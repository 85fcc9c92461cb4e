package dev.hwf.launcher.journal;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import dev.hwf.api.JobState;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The journal's statements with their parameters bound by type, in place of a {@code setX} call
 * per parameter: a String as text, an Integer as a number, an Instant as its ISO-8601 text (the
 * form every time column holds), an enum as its name, and null as SQL NULL.
 */
final class Sql {
    private Sql() {
    }

    /** Reads one row of a result set. */
    @FunctionalInterface
    interface Row<T> {
        T read(ResultSet rs) throws SQLException;
    }

    /** Binds {@code values} to the statement's parameters, in order from the first. */
    static void bind(PreparedStatement ps, Object... values) throws SQLException {
        for (int i = 0; i < values.length; i++) {
            Object v = values[i];
            int pos = i + 1;
            if (v == null) {
                ps.setNull(pos, Types.NULL);
            } else if (v instanceof String s) {
                ps.setString(pos, s);
            } else if (v instanceof Integer n) {
                ps.setInt(pos, n);
            } else if (v instanceof Long n) {
                ps.setLong(pos, n);
            } else if (v instanceof Double d) {
                ps.setDouble(pos, d);
            } else if (v instanceof Instant t) {
                ps.setString(pos, t.toString());
            } else if (v instanceof Enum<?> e) {
                ps.setString(pos, e.name());
            } else {
                throw new IllegalArgumentException("no journal column holds a " + v.getClass().getName());
            }
        }
    }

    /** Runs one INSERT, UPDATE or DELETE with {@code values}; how many rows it changed. */
    static int update(Connection c, String sql, Object... values) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            bind(ps, values);
            return ps.executeUpdate();
        }
    }

    /** Runs one statement once per item, with the values {@code values} gives it, as a batch. */
    static <T> int[] batch(Connection c, String sql, Collection<T> items, Function<T, Object[]> values)
            throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            for (T item : items) {
                bind(ps, values.apply(item));
                ps.addBatch();
            }
            return ps.executeBatch();
        }
    }

    /** Every row a query with {@code values} returns, read by {@code row}. */
    static <T> List<T> list(Connection c, String sql, Row<T> row, Object... values) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            bind(ps, values);
            List<T> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(row.read(rs));
                }
            }
            return out;
        }
    }

    /** The first row a query with {@code values} returns, read by {@code row}, or empty. */
    static <T> Optional<T> first(Connection c, String sql, Row<T> row, Object... values) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            bind(ps, values);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(row.read(rs)) : Optional.empty();
            }
        }
    }

    /** The first column of the first row as a number, 0 when there is none (a count, a flag). */
    static int number(Connection c, String sql, Object... values) throws SQLException {
        return first(c, sql, rs -> rs.getInt(1), values).orElse(0);
    }

    /** Strings as a JSON array, for SQLite's json_each. */
    static String jsonArray(Collection<String> values) {
        StringBuilder sb = new StringBuilder("[");
        for (String v : values) {
            sb.append(sb.length() > 1 ? ",\"" : "\"");
            JsonStringEncoder.getInstance().quoteAsString(v, sb);
            sb.append('"');
        }
        return sb.append(']').toString();
    }

    /** {@code ('A','B')}: states for an SQL {@code IN}. */
    static String states(Collection<JobState> states) {
        return states.stream().map(st -> "'" + st.name() + "'").collect(Collectors.joining(",", "(", ")"));
    }
}
