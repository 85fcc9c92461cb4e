package dev.hwf.launcher.journal;

import dev.hwf.launcher.exec.FileModes;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@code hwf journal check}: whether a journal is sound. SQLite's own integrity and foreign key
 * checks, the schema version, the per-task counts that triggers keep ({@code hwf_count}) against
 * the elements themselves, the modes of the journal's files, and the file system and journal mode
 * in use. Everything is read in one read transaction, so counts and elements are of one commit
 * even while other hwf processes write.
 *
 * @param file the journal
 * @param storage its file system and the mode hwf uses there
 * @param mode the journal mode the file is in ({@code PRAGMA journal_mode})
 * @param schemaVersion its schema version (0: not an hwf journal)
 * @param checks each check, in a fixed order
 */
public record JournalCheck(Path file, JournalStorage storage, String mode, int schemaVersion, List<Item> checks) {
    /** Lines of a failed check's detail that are shown; the rest are counted. */
    private static final int SHOWN = 10;

    /**
     * One check.
     *
     * @param name its stable name ({@code --json})
     * @param ok whether it passed
     * @param detail what was found; on failure, what is wrong
     */
    public record Item(String name, boolean ok, String detail) {
    }

    /** Whether every check passed. */
    public boolean sound() {
        return checks.stream().allMatch(Item::ok);
    }

    /** Checks the journal that {@code journal} reads. */
    public static JournalCheck of(Journal journal) {
        JournalStorage storage = JournalStorage.of(journal.file());
        return journal.inTransaction(c -> {
            List<Item> items = new ArrayList<>();
            items.add(integrity(c));
            items.add(foreignKeys(c));
            int version = schemaVersion(c);
            items.add(schema(version, journal.file()));
            items.add(counts(c));
            items.add(fileModes(journal.file()));
            String mode = single(c, "PRAGMA journal_mode");
            items.add(journalMode(mode, storage));
            return new JournalCheck(journal.file(), storage, mode, version, List.copyOf(items));
        });
    }

    private static Item integrity(Connection c) throws SQLException {
        List<String> rows = column(c, "PRAGMA integrity_check");
        boolean ok = rows.equals(List.of("ok"));
        return new Item("integrity", ok, ok ? "ok" : shown(rows));
    }

    private static Item foreignKeys(Connection c) throws SQLException {
        List<String> rows = new ArrayList<>();
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("PRAGMA foreign_key_check")) {
            while (rs.next()) {
                rows.add("a row of " + rs.getString(1) + " (rowid " + rs.getString(2) + ") refers to a missing row of "
                        + rs.getString(3));
            }
        }
        return new Item("foreignKeys", rows.isEmpty(), rows.isEmpty() ? "every reference holds" : shown(rows));
    }

    private static int schemaVersion(Connection c) throws SQLException {
        if (!hasTable(c, "hwf_schema")) {
            return 0;
        }
        String v = single(c, "SELECT max(version) FROM hwf_schema");
        return v == null ? 0 : Integer.parseInt(v);
    }

    private static Item schema(int version, Path file) {
        if (version == Journal.SCHEMA_VERSION) {
            return new Item("schema", true, "version " + version);
        }
        if (version > Journal.SCHEMA_VERSION) {
            return new Item("schema", false, "version " + version + ", newer than this hwf understands ("
                    + Journal.SCHEMA_VERSION + "): use a newer hwf");
        }
        if (version < 1) {
            return new Item("schema", false, "no hwf schema: not an hwf journal");
        }
        return new Item("schema", true, "version " + version + "; the next hwf command that writes upgrades it to "
                + Journal.SCHEMA_VERSION + ", keeping a copy as " + file.getFileName() + ".v" + version + ".bak");
    }

    /** hwf_count (kept by triggers) against a count of the elements, per run, task, state and WAITING reason. */
    private static Item counts(Connection c) throws SQLException {
        if (!hasTable(c, "hwf_count")) {
            return new Item("counts", true, "none kept in this schema version");
        }
        Map<String, Long> kept = grouped(c, "SELECT run_id, task, state, reason, n FROM hwf_count WHERE n <> 0");
        Map<String, Long> counted = grouped(c, "SELECT run_id, task, state, CASE WHEN state='WAITING' THEN "
                + "coalesce(reason, '') ELSE '' END, count(*) FROM hwf_element GROUP BY 1, 2, 3, 4");
        List<String> wrong = new ArrayList<>();
        TreeMap<String, Long> all = new TreeMap<>(kept);
        counted.forEach(all::putIfAbsent);
        for (String key : all.keySet()) {
            long k = kept.getOrDefault(key, 0L);
            long n = counted.getOrDefault(key, 0L);
            if (k != n) {
                wrong.add(key + ": counted " + k + ", elements " + n);
            }
        }
        long elements = counted.values().stream().mapToLong(Long::longValue).sum();
        return new Item("counts", wrong.isEmpty(), wrong.isEmpty()
                ? kept.size() + " counts agree with " + elements + " elements" : shown(wrong));
    }

    private static Map<String, Long> grouped(Connection c, String sql) throws SQLException {
        Map<String, Long> m = new LinkedHashMap<>();
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            while (rs.next()) {
                String reason = rs.getString(4);
                m.put("run " + rs.getString(1) + ", task " + rs.getString(2) + ", " + rs.getString(3)
                        + (reason == null || reason.isEmpty() ? "" : " (" + reason + ")"), rs.getLong(5));
            }
        }
        return m;
    }

    /** The journal and the files SQLite keeps beside it: their owner's alone. */
    private static Item fileModes(Path file) {
        List<String> seen = new ArrayList<>();
        List<String> open = new ArrayList<>();
        for (String suffix : List.of("", "-wal", "-shm", "-journal")) {
            Path p = file.resolveSibling(file.getFileName() + suffix);
            Integer mode = Files.exists(p) ? FileModes.of(p) : null;
            if (mode == null) {
                continue;
            }
            String m = p.getFileName() + " " + String.format("%04o", mode);
            seen.add(m);
            if ((mode & 077) != 0) {
                open.add(m + " (others may read it; chmod 600 " + p + ")");
            }
        }
        return new Item("fileModes", open.isEmpty(), open.isEmpty() ? String.join(", ", seen) : String.join("; ", open));
    }

    private static Item journalMode(String mode, JournalStorage storage) {
        String where = storage.fileSystem() + (storage.network() ? " (network)" : " (local)");
        if ("wal".equalsIgnoreCase(mode) && storage.network() && !storage.forced()) {
            return new Item("journalMode", false, "wal on " + where + ", where WAL is unsafe: the next hwf command "
                    + "that writes switches it to a rollback journal");
        }
        String note = storage.mode().pragma().equalsIgnoreCase(mode) ? ""
                : "; the next hwf command that writes switches it to " + storage.mode().label();
        return new Item("journalMode", true, (storage.forced() ? "forced by HWF_JOURNAL_MODE: " : "") + mode + " on "
                + where + note);
    }

    private static String shown(List<String> rows) {
        String head = String.join("; ", rows.subList(0, Math.min(SHOWN, rows.size())));
        return rows.size() > SHOWN ? head + "; and " + (rows.size() - SHOWN) + " more" : head;
    }

    private static List<String> column(Connection c, String sql) throws SQLException {
        List<String> rows = new ArrayList<>();
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            while (rs.next()) {
                rows.add(rs.getString(1));
            }
        }
        return rows;
    }

    private static String single(Connection c, String sql) throws SQLException {
        List<String> rows = column(c, sql);
        return rows.isEmpty() ? null : rows.get(0);
    }

    private static boolean hasTable(Connection c, String table) throws SQLException {
        return single(c, "SELECT name FROM sqlite_master WHERE type='table' AND name='" + table + "'") != null;
    }

    /** The mode as hwf names it: wal, or rollback for any of SQLite's rollback journal modes. */
    public String modeLabel() {
        return "wal".equalsIgnoreCase(mode) ? JournalStorage.Mode.WAL.label() : JournalStorage.Mode.ROLLBACK.label();
    }

    /** The stable JSON form: journal, sound, fileSystem, network, mode, schemaVersion, checks, problems. */
    public Map<String, Object> json() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("journal", file.toString());
        m.put("sound", sound());
        m.put("fileSystem", storage.fileSystem());
        m.put("network", storage.network());
        m.put("mode", modeLabel());
        m.put("sqliteJournalMode", mode);
        m.put("schemaVersion", schemaVersion);
        List<Map<String, Object>> list = new ArrayList<>();
        for (Item i : checks) {
            Map<String, Object> o = new LinkedHashMap<>();
            o.put("name", i.name());
            o.put("ok", i.ok());
            o.put("detail", i.detail());
            list.add(o);
        }
        m.put("checks", list);
        m.put("problems", checks.stream().filter(i -> !i.ok()).map(i -> i.name() + ": " + i.detail()).toList());
        return m;
    }

    /** The human form: one line per check, then the verdict. */
    public String text() {
        StringBuilder b = new StringBuilder("journal " + file + "\n");
        b.append("  file system  ").append(storage.fileSystem()).append(storage.network() ? " (network)" : " (local)")
                .append('\n');
        b.append("  mode         ").append(modeLabel()).append(" (").append(mode).append(')').append(storage.forced() ? " (HWF_JOURNAL_MODE)" : "")
                .append('\n');
        for (Item i : checks) {
            b.append(String.format("  %-4s %-12s %s%n", i.ok() ? "OK" : "FAIL", i.name(), i.detail()));
        }
        long bad = checks.stream().filter(i -> !i.ok()).count();
        b.append(bad == 0 ? "sound\n" : "NOT SOUND: " + bad + " check" + (bad == 1 ? "" : "s") + " failed\n");
        return b.toString();
    }
}
