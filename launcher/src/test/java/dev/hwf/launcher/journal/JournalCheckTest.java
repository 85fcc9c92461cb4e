package dev.hwf.launcher.journal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hwf.launcher.ExitCodes;
import dev.hwf.launcher.HwfException;
import dev.hwf.launcher.exec.FileModes;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/** {@code hwf journal check} and {@code backup} on real SQLite files, sound and broken in the ways they report. */
class JournalCheckTest extends JournalFixture {
    private static final Instant CREATED = Instant.parse("2030-01-02T03:04:05Z");
    /** a -> b, where b is an array of 5. */
    private static final String CHECKED = "name: jc\ntasks:\n  - name: a\n    command: 'true'\n"
            + "  - name: b\n    after: [a]\n    array: 5\n    command: 'true'\n";

    @Override
    String newRun() {
        return journal.createRun(workflow(CHECKED), "{}", "/w", CREATED);
    }

    private JournalCheck check(Path f) {
        try (Journal j = Journal.openAsItIs(f)) {
            return JournalCheck.of(j);
        }
    }

    private static JournalCheck.Item item(JournalCheck c, String name) {
        return c.checks().stream().filter(i -> i.name().equals(name)).findFirst().orElseThrow();
    }

    private void sql(Path f, String... statements) throws SQLException {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + f); Statement s = c.createStatement()) {
            for (String st : statements) {
                s.executeUpdate(st);
            }
        }
    }

    @Test
    void aJournalHwfWroteIsSoundAndTheCheckSaysWhereItIsAndInWhichMode() {
        newRun();
        JournalCheck c = check(file);
        assertTrue(c.sound(), c.text());
        assertEquals(List.of("integrity", "foreignKeys", "schema", "counts", "fileModes", "journalMode"),
                c.checks().stream().map(JournalCheck.Item::name).toList());
        assertEquals("2 counts agree with 6 elements", item(c, "counts").detail());
        assertEquals(Journal.SCHEMA_VERSION, c.schemaVersion());
        assertEquals("wal", c.modeLabel());
        assertTrue(c.text().endsWith("sound\n"), c.text());
        assertEquals(List.of("journal", "sound", "fileSystem", "network", "mode", "sqliteJournalMode", "schemaVersion",
                "checks", "problems"), List.copyOf(c.json().keySet()));
        assertEquals(JournalStorage.fileSystemType(dir), c.json().get("fileSystem"));
    }

    @Test
    void countsThatDisagreeWithTheElementsAreNamed() throws SQLException {
        String id = newRun();
        journal.close();
        sql(file, "UPDATE hwf_count SET n = n + 1 WHERE task = 'b'");
        JournalCheck c = check(file);
        assertFalse(c.sound());
        assertEquals("run " + id + ", task b, WAITING: counted 6, elements 5", item(c, "counts").detail());
        assertTrue(c.text().contains("FAIL counts") && c.text().endsWith("NOT SOUND: 1 check failed\n"), c.text());
        assertEquals(List.of("counts: run " + id + ", task b, WAITING: counted 6, elements 5"), c.json().get("problems"));
        journal = Journal.open(file);
    }

    @Test
    void aBrokenReferenceAndAJournalOthersMayReadAreReported() throws Exception {
        newRun();
        journal.close();
        sql(file, "PRAGMA foreign_keys = OFF", "INSERT INTO hwf_element(run_id, task, idx, state) "
                + "VALUES ('no-such-run', 'x', 0, 'WAITING')");
        Files.setPosixFilePermissions(file, FileModes.permissions(0644));
        JournalCheck c = check(file);
        assertFalse(item(c, "foreignKeys").ok());
        assertTrue(item(c, "foreignKeys").detail().contains("a row of hwf_element"), item(c, "foreignKeys").detail());
        assertFalse(item(c, "fileModes").ok());
        assertTrue(item(c, "fileModes").detail().contains("journal.db 0644"), item(c, "fileModes").detail());
        assertFalse(item(c, "counts").ok(), "an element nobody counted");
        journal = Journal.open(file);
    }

    @Test
    void aDamagedFileFailsSqlitesIntegrityCheck() throws Exception {
        for (int i = 0; i < 40; i++) {
            newRun();
        }
        journal.close();
        // overwrite the middle of the file (b-tree pages) with garbage, past the header
        byte[] bytes = Files.readAllBytes(file);
        assertTrue(bytes.length > 64 * 1024, "a file of some pages: " + bytes.length);
        for (int i = bytes.length / 2; i < bytes.length / 2 + 8192; i++) {
            bytes[i] = (byte) 0x5a;
        }
        Files.write(file, bytes);
        JournalCheck c;
        try {
            c = check(file);
        } catch (HwfException e) {
            assertTrue(e.getMessage().contains("not a valid hwf journal"), e.getMessage());
            return; // SQLite refused the file at once: as good a verdict
        }
        assertFalse(c.sound(), c.text());
        assertFalse(item(c, "integrity").ok(), c.text());
    }

    @Test
    void anAbsentJournalIsNotCreatedByTheCheck() {
        Path absent = dir.resolve("nothing/journal.db");
        HwfException e = assertThrows(HwfException.class, () -> Journal.openAsItIs(absent));
        assertEquals(ExitCodes.BAD_INPUT, e.exitCode());
        assertTrue(e.getMessage().contains("no journal at " + absent), e.getMessage());
        assertFalse(Files.exists(absent.getParent()));
    }

    // ------------------------------------------------------------------ backup

    /** The first column of the first row {@code sql} gives on the SQLite file {@code f}, read outside hwf. */
    static String scalar(Path f, String sql) throws SQLException {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + f); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery(sql)) {
            return rs.getString(1);
        }
    }

    private static int runs(Path f) throws SQLException {
        return Integer.parseInt(scalar(f, "SELECT count(*) FROM hwf_run"));
    }

    @Test
    void aBackupWhileAnotherWriterGoesOnIsSoundPrivateAndHoldsWhatWasCommittedBeforeIt() throws Exception {
        newRun();
        AtomicBoolean stop = new AtomicBoolean();
        ExecutorService pool = Executors.newSingleThreadExecutor();
        Path copy = dir.resolve("copies/backup.db");
        Files.createDirectories(copy.getParent());
        int before;
        try (Journal writer = Journal.open(file)) {
            Future<Integer> writes = pool.submit(() -> {
                int n = 0;
                while (!stop.get() && n < 2000) {
                    writer.createRun(workflow(CHECKED), "{}", "/w", CREATED);
                    n++;
                }
                return n;
            });
            while (runs(file) < 20) {
                Thread.sleep(10);
            }
            before = runs(file);
            journal.backupTo(copy);
            stop.set(true);
            assertTrue(writes.get(60, TimeUnit.SECONDS) > 0);
        } finally {
            pool.shutdownNow();
        }
        assertEquals(0600, FileModes.of(copy));
        JournalCheck c = check(copy);
        assertTrue(c.sound(), c.text());
        int copied = runs(copy);
        assertTrue(copied >= before && copied <= runs(file), before + " <= " + copied + " <= " + runs(file));

        HwfException again = assertThrows(HwfException.class, () -> journal.backupTo(copy));
        assertEquals(ExitCodes.TASK_FAILED, again.exitCode(), "SPEC: journal backup exits 0 or 1");
        assertTrue(again.getMessage().contains("exists already"), again.getMessage());
        assertEquals(copied, runs(copy), "the first copy is left as it was");
    }

    @Test
    void anUpgradeKeepsACopyOfTheOldJournalBesideItFirst() throws Exception {
        String id = newRun();
        journal.close();
        // as schema 5 was: no workflow versions, no reused tasks
        sql(file, BEFORE_SITES.toArray(String[]::new));
        sql(file, "DROP TABLE hwf_version", "ALTER TABLE hwf_run DROP COLUMN version",
                "ALTER TABLE hwf_attempt DROP COLUMN version", "ALTER TABLE hwf_task DROP COLUMN reused_from",
                "UPDATE hwf_schema SET version=5");
        journal = Journal.open(file);
        Path bak = dir.resolve("journal.db.v5.bak");
        assertEquals(0600, FileModes.of(bak));
        JournalCheck old = check(bak);
        assertEquals(5, old.schemaVersion());
        assertTrue(old.sound(), old.text());
        assertTrue(item(old, "schema").detail().contains("upgrades it to " + Journal.SCHEMA_VERSION), old.text());
        assertEquals(1, runs(bak));
        assertEquals(id, journal.runs().get(0).id());
        assertEquals(Journal.SCHEMA_VERSION, check(file).schemaVersion());
        assertEquals("0", scalar(bak, "SELECT count(*) FROM sqlite_master WHERE name='hwf_version'"),
                "the copy is the old version, not the upgraded one");
    }
}
