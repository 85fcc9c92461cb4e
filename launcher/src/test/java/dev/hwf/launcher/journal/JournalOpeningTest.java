package dev.hwf.launcher.journal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hwf.api.JobState;
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
import java.time.Duration;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Opening a journal: its file and modes, the schema upgrade and the copy kept before it, the readers, and what is no journal. */
class JournalOpeningTest extends JournalFixture {
    @Test
    void theJournalSurvivesReopening() {
        String id = newRun();
        journal.close();
        journal = Journal.open(file);
        assertEquals("RUNNING", journal.run(id).state());
        assertEquals(4, journal.snapshot(id).elements().size());
    }

    @Test
    void theJournalItsWriteAheadLogAndItsLocksAreTheOwnersAlone() throws Exception {
        journal.close();
        Path deep = dir.resolve("new/hwf/journal.db");
        journal = Journal.open(deep);
        String id = newRun();
        try (RunLock lock = journal.tryLockRun(id)) {
            assertNotNull(lock);
        }
        assertEquals(0700, FileModes.of(deep.getParent()), "the directory hwf made for it");
        assertEquals(0700, FileModes.of(dir.resolve("new")));
        for (String name : List.of("journal.db", "journal.db-wal", "journal.db-shm")) {
            Path p = deep.resolveSibling(name);
            assertTrue(Files.exists(p), name);
            assertEquals(0600, FileModes.of(p), name);
        }
        assertEquals(0700, FileModes.of(deep.resolveSibling("journal.db-locks")));
        assertEquals(0600, FileModes.of(deep.resolveSibling("journal.db-locks").resolve(id + ".lock")));
    }

    @Test
    void aVersionNineJournalGainsThePendingReasonsOfItsElements() throws SQLException {
        String id = newRun();
        journal.close();
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file); Statement s = c.createStatement()) {
            for (String undo : BEFORE_SITES.subList(0, 2)) { // schema 10's columns
                s.executeUpdate(undo);
            }
            s.executeUpdate("UPDATE hwf_schema SET version=9");
        }
        journal = Journal.open(file);
        assertTrue(Files.exists(dir.resolve("journal.db.v9.bak")), "the version 9 journal kept beside it");
        assertEquals(List.of(Journal.SCHEMA_VERSION), List.of(count("SELECT max(version) FROM hwf_schema")));
        assertEquals(count("SELECT count(*) FROM hwf_element"), count("SELECT count(*) FROM hwf_element WHERE "
                + "pending IS NULL AND pending_block IS NULL"), "no element of an older hwf has a pending reason");
        assertTrue(journal.snapshot(id).elements().stream().allMatch(e -> e.pending() == null));
    }

    @Test
    void springBatchTablesLiveInTheSameFile() throws SQLException {
        for (String table : List.of("BATCH_JOB_INSTANCE", "BATCH_JOB_EXECUTION", "BATCH_STEP_EXECUTION",
                "hwf_run", "hwf_task", "hwf_element", "hwf_attempt", "hwf_event", "hwf_schema")) {
            assertEquals(1, count("SELECT count(*) FROM sqlite_master WHERE type='table' AND name='" + table + "'"),
                    table);
        }
        assertEquals(Journal.SCHEMA_VERSION, count("SELECT max(version) FROM hwf_schema"));
    }

    @Test
    void aVersionOneJournalIsUpgradedInPlaceAndKeepsItsRuns() throws SQLException {
        String id = newRun();
        String task = journal.snapshot(id).tasks().get(0).name();
        try (Connection c = journal.dataSource().getConnection(); Statement s = c.createStatement()) {
            // a journal as hwf 0.1 wrote it: schema 1, no endpoint nor earlier-tries columns, nor
            // schema 3's site limits and index offsets, nor schema 4's state counts, nor schema 5's
            // pilot agents, nor schema 6's workflow versions and reused tasks, nor schema 7's sites
            for (String undo : BEFORE_SITES) {
                s.executeUpdate(undo);
            }
            s.executeUpdate("DROP TABLE hwf_version");
            s.executeUpdate("ALTER TABLE hwf_run DROP COLUMN version");
            s.executeUpdate("ALTER TABLE hwf_attempt DROP COLUMN version");
            s.executeUpdate("ALTER TABLE hwf_task DROP COLUMN reused_from");
            for (String trigger : List.of("update", "delete")) {
                s.executeUpdate("DROP TRIGGER hwf_count_" + trigger);
            }
            s.executeUpdate("DROP TABLE hwf_count");
            s.executeUpdate("DROP INDEX hwf_element_state");
            s.executeUpdate("DROP TABLE hwf_site_limits");
            s.executeUpdate("ALTER TABLE hwf_attempt DROP COLUMN ran_on");
            s.executeUpdate("ALTER TABLE hwf_attempt DROP COLUMN index_offset");
            s.executeUpdate("ALTER TABLE hwf_attempt DROP COLUMN endpoint");
            s.executeUpdate("ALTER TABLE hwf_attempt DROP COLUMN ready_at");
            s.executeUpdate("ALTER TABLE hwf_element DROP COLUMN earlier_seconds");
            s.executeUpdate("UPDATE hwf_schema SET version=1");
        }
        journal.close();
        journal = Journal.open(file);
        assertEquals(Journal.SCHEMA_VERSION, count("SELECT max(version) FROM hwf_schema"));
        assertEquals(id, journal.run(id).id());
        assertEquals(1, journal.run(id).version());
        WorkflowVersion first = journal.versions(id).get(0);
        assertEquals(1, first.version());
        assertNull(first.text(), "an older hwf kept no workflow text");
        assertEquals(journal.run(id).spec(), first.spec(), "the run's workflow kept as its version 1");
        assertEquals(0.0, journal.snapshot(id).elements().get(0).earlierSeconds());
        journal.claim(id, task, 0, List.of(0), "hwf-a-1", T0);
        for (TaskRecord t : journal.snapshot(id).tasks()) { // the counts of the runs it held were taken in the upgrade
            assertEquals(journal.snapshot(id).counts(t.name()), journal.openSnapshot(id).counts(t.name()), t.name());
        }
        assertEquals(1, journal.openSnapshot(id).counts(task).of(JobState.QUEUED));
        journal.recordReady(id, List.of(new Ready(task, 1, "node1:80")), T0);
        journal.recordReady(id, List.of(new Ready(task, 1, "node2:80")), T0); // the first one stays
        assertEquals("node1:80", journal.snapshot(id).attempt(task, 1).orElseThrow().endpoint());
        assertEquals(0, journal.snapshot(id).attempt(task, 1).orElseThrow().indexOffset());
        journal.recordLimits(id, "{}", T0);
        assertEquals("{}", journal.limits(id).orElseThrow().json());
        assertEquals(1, journal.events(id).stream().filter(e -> "READY".equals(e.state())).count());
    }

    @Test
    void aReaderAnswersWhileAnotherProcessHoldsTheWriteLockAndShowsOnlyWhatWasCommitted() throws Exception {
        String id = newRun();
        journal.close();
        // another process in the middle of a pass: the write lock taken, a change not yet committed
        try (Connection writer = DriverManager.getConnection("jdbc:sqlite:" + file);
             Statement s = writer.createStatement()) {
            s.execute("BEGIN IMMEDIATE");
            s.executeUpdate("UPDATE hwf_run SET state='FAILED' WHERE id='" + id + "'");

            // the ordinary open waits for that lock (its busy timeout is 30 s); the reader does not
            try (Journal reader = assertTimeoutPreemptively(Duration.ofSeconds(5),
                    () -> Journal.openForReading(file))) {
                assertEquals("RUNNING", assertTimeoutPreemptively(Duration.ofSeconds(5),
                        () -> reader.run(id)).state());
                assertEquals(List.of(id), reader.runs().stream().map(RunRecord::id).toList());
                assertEquals(4, reader.snapshot(id).elements().size());
            }
            s.execute("COMMIT");
        }
        try (Journal reader = Journal.openForReading(file)) {
            assertEquals("FAILED", reader.run(id).state());
        }
        journal = Journal.open(file); // for @AfterEach
    }

    @Test
    void aReaderCannotWriteAndChangesNothing() {
        String id = newRun();
        try (Journal reader = Journal.openForReading(file)) {
            assertThrows(RuntimeException.class, () -> reader.finishRun(id, RunState.CANCELLED, "by a reader", T0));
        }
        assertEquals("RUNNING", journal.run(id).state());
        assertEquals(0, journal.events(id).stream().filter(e -> "CANCELLED".equals(e.state())).count());
    }

    @Test
    void aReaderOfAnAbsentJournalCreatesItAsTheOrdinaryOpenDoes() throws Exception {
        Path absent = dir.resolve("new/journal.db");
        try (Journal reader = Journal.openForReading(absent)) {
            assertEquals(List.of(), reader.runs());
        }
        assertTrue(Files.isRegularFile(absent));
        assertEquals("rw-------", java.nio.file.attribute.PosixFilePermissions.toString(
                Files.getPosixFilePermissions(absent)));
    }

    @Test
    void aReaderOfAnOlderJournalUpgradesItAndOfANewerOneRefusesIt() throws SQLException {
        journal.close();
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file);
             Statement s = c.createStatement()) {
            s.executeUpdate("UPDATE hwf_schema SET version=" + (Journal.SCHEMA_VERSION + 1));
        }
        HwfException e = assertThrows(HwfException.class, () -> Journal.openForReading(file));
        assertEquals(ExitCodes.BAD_INPUT, e.exitCode());
        assertTrue(e.getMessage().contains("newer than this hwf understands"), e.getMessage());

        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file);
             Statement s = c.createStatement()) {
            // as schema 5 was: no workflow versions, no reused tasks
            for (String undo : BEFORE_SITES) {
                s.executeUpdate(undo);
            }
            s.executeUpdate("DROP TABLE hwf_version");
            s.executeUpdate("ALTER TABLE hwf_run DROP COLUMN version");
            s.executeUpdate("ALTER TABLE hwf_attempt DROP COLUMN version");
            s.executeUpdate("ALTER TABLE hwf_task DROP COLUMN reused_from");
            s.executeUpdate("UPDATE hwf_schema SET version=5");
        }
        try (Journal reader = Journal.openForReading(file)) {
            assertEquals(List.of(), reader.runs());
        }
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file);
             Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT max(version) FROM hwf_schema")) {
            assertEquals(Journal.SCHEMA_VERSION, rs.getInt(1));
        }
        journal = Journal.open(file); // for @AfterEach
    }

    @Test
    void aReaderOfSomethingThatIsNoJournalSaysSo() throws Exception {
        Path text = dir.resolve("notes.txt");
        Files.writeString(text, "these are my notes, not a database\n".repeat(50));
        HwfException e = assertTimeoutPreemptively(Duration.ofSeconds(10),
                () -> assertThrows(HwfException.class, () -> Journal.openForReading(text)));
        assertTrue(e.getMessage().contains("not a valid hwf journal"), e.getMessage());
    }

    @Test
    void sqliteNativeLibraryIsKeptBesideHwfAndSqliteJdbcIsPointedAtIt() throws Exception {
        // open() in @BeforeEach kept it; a journal opened for reading finds it there
        Path kept = SqliteNative.keptDir();
        assertNotNull(kept);
        Path lib = kept.resolve(org.sqlite.util.LibraryLoaderUtil.getNativeLibName());
        try (Journal reader = Journal.openForReading(file)) {
            assertEquals(List.of(), reader.runs());
        }
        assertTrue(Files.isRegularFile(lib), lib.toString());
        assertEquals(kept.toString(), System.getProperty("org.sqlite.lib.path"));
        try (var in = org.sqlite.SQLiteJDBCLoader.class.getResourceAsStream(
                org.sqlite.util.LibraryLoaderUtil.getNativeLibResourcePath() + "/" + lib.getFileName())) {
            assertTrue(java.util.Arrays.equals(in.readAllBytes(), Files.readAllBytes(lib)), "a whole copy");
        }
        assertEquals("rwxr-xr-x", java.nio.file.attribute.PosixFilePermissions.toString(
                Files.getPosixFilePermissions(lib)));
        assertTrue(kept.toString().contains("sqlite-" + org.sqlite.SQLiteJDBCLoader.getVersion()),
                "a new sqlite-jdbc keeps its own copy: " + kept);
    }

    @Test
    void theSqliteHwfShipsHasTheWalResetFix() throws SQLException {
        // SQLite 3.7.0 to 3.51.2 can corrupt a WAL database when two processes write or checkpoint at the
        // same moment, which is hwf's everyday pattern (a cron poll, a foreground submit); 3.51.3 fixed it
        try (Connection c = journal.dataSource().getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT sqlite_version()")) {
            assertTrue(rs.next());
            String version = rs.getString(1);
            int[] v = java.util.Arrays.stream(version.split("\\.")).mapToInt(Integer::parseInt).toArray();
            int n = v[0] * 1_000_000 + v[1] * 1_000 + (v.length > 2 ? v[2] : 0);
            assertTrue(n >= 3_051_003, "SQLite " + version + " is older than 3.51.3, which fixed the WAL-reset bug");
            assertEquals(version, SqliteNative.bundledVersion(), "what hwf --version says is the library journals run on");
        }
    }

    @Test
    void aJournalFromANewerHwfIsRefused() throws SQLException {
        journal.close();
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file);
             Statement s = c.createStatement()) {
            s.executeUpdate("UPDATE hwf_schema SET version=" + (Journal.SCHEMA_VERSION + 1));
        }

        HwfException e = assertThrows(HwfException.class, () -> Journal.open(file));
        assertEquals(ExitCodes.BAD_INPUT, e.exitCode());
        assertTrue(e.getMessage().contains("schema version " + (Journal.SCHEMA_VERSION + 1)), e.getMessage());
        assertTrue(e.getMessage().contains("newer than this hwf understands"), e.getMessage());
        assertTrue(e.getMessage().contains(file.toString()), e.getMessage());
        journal = Journal.open(dir.resolve("other.db")); // for @AfterEach
    }

    @Test
    void aFileThatIsNotSqliteGivesAClearError() throws Exception {
        Path garbage = dir.resolve("garbage.db");
        byte[] bytes = new byte[8192];
        new Random(42).nextBytes(bytes);
        Files.write(garbage, bytes);

        // quickly: no 30 s wait for a pool that can never hand out a connection
        HwfException e = assertTimeoutPreemptively(Duration.ofSeconds(10),
                () -> assertThrows(HwfException.class, () -> Journal.open(garbage)));
        assertEquals(ExitCodes.BAD_INPUT, e.exitCode());
        assertTrue(e.getMessage().contains(garbage.toString()), e.getMessage());
        assertTrue(e.getMessage().contains("not a valid hwf journal"), e.getMessage());
        assertTrue(e.getMessage().contains("--journal"), "says what to do: " + e.getMessage());
    }

    @Test
    void aDirectoryInPlaceOfTheJournalIsReportedAtOnce() throws Exception {
        Path folder = Files.createDirectories(dir.resolve("a folder"));
        HwfException e = assertTimeoutPreemptively(Duration.ofSeconds(10),
                () -> assertThrows(HwfException.class, () -> Journal.open(folder)));
        assertEquals(ExitCodes.BAD_INPUT, e.exitCode());
        assertTrue(e.getMessage().contains(folder.toString()), e.getMessage());
    }

    @Test
    void aTextFileIsNotAJournalEither() throws Exception {
        Path text = dir.resolve("notes.txt");
        Files.writeString(text, "these are my notes, not a database\n".repeat(50));
        HwfException e = assertTimeoutPreemptively(Duration.ofSeconds(10),
                () -> assertThrows(HwfException.class, () -> Journal.open(text)));
        assertEquals(ExitCodes.BAD_INPUT, e.exitCode());
        assertTrue(e.getMessage().contains("not a valid hwf journal"), e.getMessage());
        assertNotNull(Files.readString(text), "the file is left as it was");
        assertTrue(Files.readString(text).startsWith("these are my notes"));
    }
}
