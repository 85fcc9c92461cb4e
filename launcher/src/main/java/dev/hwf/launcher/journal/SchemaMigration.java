package dev.hwf.launcher.journal;

import dev.hwf.launcher.ExitCodes;
import dev.hwf.launcher.HwfException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * Brings a journal to this build's schema: the schema scripts in order from the version the file
 * has, after a copy of the old version is kept beside it; a journal of a newer hwf is refused.
 */
final class SchemaMigration {
    private SchemaMigration() {
    }

    /** Creates or upgrades the journal's tables, in one transaction. */
    static void migrate(JournalDb db) {
        db.inTransaction(c -> {
            int version = schemaVersion(c);
            if (version > Journal.SCHEMA_VERSION) {
                throw tooNew(db.file(), version);
            }
            if (version < Journal.SCHEMA_VERSION) {
                if (version >= 1) {
                    keepBeforeUpgrade(db.file(), version);
                }
                if (version < 1) {
                    runScript(c, "/journal/schema-1.sql");
                    if (!tableExists(c, "BATCH_JOB_INSTANCE")) {
                        runScript(c, "/org/springframework/batch/core/schema-sqlite.sql");
                    }
                }
                // a version 1 journal is upgraded in place: schema-N.sql takes version N-1 to N
                for (int to = Math.max(2, version + 1); to <= Journal.SCHEMA_VERSION; to++) {
                    runScript(c, "/journal/schema-" + to + ".sql");
                }
                try (Statement s = c.createStatement()) {
                    s.executeUpdate("CREATE TABLE IF NOT EXISTS hwf_schema (version INTEGER NOT NULL)");
                    s.executeUpdate("DELETE FROM hwf_schema");
                    s.executeUpdate("INSERT INTO hwf_schema(version) VALUES (" + Journal.SCHEMA_VERSION + ")");
                }
            }
            return null;
        });
    }

    /**
     * Keeps the journal as it is before it is upgraded from {@code version}, as {@code FILE.vN.bak} beside
     * it. Called inside the upgrade's transaction, which holds the write lock, so the copy is the last
     * state of the old version; one kept by an upgrade that did not finish is kept as it is.
     */
    private static void keepBeforeUpgrade(Path file, int version) {
        Path bak = file.resolveSibling(file.getFileName() + ".v" + version + ".bak");
        if (Files.exists(bak)) {
            return;
        }
        try (Connection c = JournalOpening.reading(file).getConnection()) {
            JournalBackup.backup(c, bak);
        } catch (SQLException | IOException e) {
            throw new HwfException(ExitCodes.BAD_INPUT, "journal " + file + " has schema version " + version
                    + " and is to be upgraded to " + Journal.SCHEMA_VERSION + ", but a copy of it could not be kept as "
                    + bak + " first (" + e.getMessage() + "); nothing was changed. Make room or fix the directory's "
                    + "permissions, then run hwf again");
        }
    }

    static HwfException tooNew(Path file, int version) {
        return new HwfException(ExitCodes.BAD_INPUT, "journal " + file + " has schema version " + version
                + ", newer than this hwf understands (" + Journal.SCHEMA_VERSION + "). Use a newer hwf, or another "
                + "journal with --journal.");
    }

    /** The journal's schema version; 0 for a file without hwf's tables. */
    static int schemaVersion(Connection c) throws SQLException {
        if (!tableExists(c, "hwf_schema")) {
            return 0;
        }
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT max(version) FROM hwf_schema")) {
            return rs.next() ? rs.getInt(1) : 0;
        }
    }

    private static boolean tableExists(Connection c, String table) throws SQLException {
        return Sql.number(c, "SELECT 1 FROM sqlite_master WHERE type='table' AND name=?", table) == 1;
    }

    private static void runScript(Connection c, String resource) throws SQLException {
        String sql;
        try (InputStream in = SchemaMigration.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + resource);
            }
            sql = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + resource, e);
        }
        try (Statement s = c.createStatement()) {
            for (String stmt : sql.split(";\\s*(\\n|$)")) {
                String body = stmt.lines().filter(l -> !l.strip().startsWith("--"))
                        .reduce("", (a, b) -> a + "\n" + b).strip();
                if (!body.isEmpty()) {
                    s.executeUpdate(body);
                }
            }
        }
    }
}
