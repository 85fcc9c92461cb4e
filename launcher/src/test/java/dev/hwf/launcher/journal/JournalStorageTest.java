package dev.hwf.launcher.journal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
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
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Which file system a journal is on, the journal mode that follows, and the rollback journal on a real file. */
class JournalStorageTest {
    private static final Instant T0 = Instant.parse("2030-01-02T03:04:05Z");

    @TempDir
    Path dir;

    /** Lines as /proc/self/mountinfo has them on a login node: root on ext4, $HOME on NFS, a scratch on Lustre. */
    private static final List<String> MOUNTINFO = List.of(
            "26 1 254:0 / / rw,relatime - ext4 /dev/vda rw",
            "44 26 0:39 / /home rw,relatime shared:5 - nfs4 fs1:/export/home rw,vers=4.2",
            "45 26 0:40 / /lustre/scratch rw - lustre 10.0.0.1@o2ib:/scratch rw",
            "46 26 0:41 / /tmp/my\\040mount rw,nosuid - fuse.sshfs root@127.0.0.1:/tmp/src rw,user_id=0",
            "47 44 0:42 / /home/alice/local rw - xfs /dev/sdb1 rw",
            "48 26 0:43 / /homework rw - tmpfs tmpfs rw");

    @Test
    void theLongestMountPointAboveThePathGivesTheType() {
        assertEquals("nfs4", JournalStorage.typeFromMountinfo(MOUNTINFO, "/home/alice/.hwf"));
        assertEquals("xfs", JournalStorage.typeFromMountinfo(MOUNTINFO, "/home/alice/local/hwf"), "a mount on a mount");
        assertEquals("tmpfs", JournalStorage.typeFromMountinfo(MOUNTINFO, "/homework/hwf"), "not under /home");
        assertEquals("lustre", JournalStorage.typeFromMountinfo(MOUNTINFO, "/lustre/scratch"));
        assertEquals("fuse.sshfs", JournalStorage.typeFromMountinfo(MOUNTINFO, "/tmp/my mount/j"), "escaped space");
        assertEquals("ext4", JournalStorage.typeFromMountinfo(MOUNTINFO, "/var/tmp/hwf"));
    }

    @Test
    void networkClusterAndFuseFileSystemsAreTold() {
        for (String t : List.of("nfs", "nfs4", "lustre", "gpfs", "ceph", "beegfs", "cifs", "smb3", "9p", "fuse.sshfs",
                "fuse.gcsfuse", "fuse")) {
            assertTrue(JournalStorage.isNetwork(t), t);
        }
        for (String t : List.of("ext4", "xfs", "btrfs", "zfs", "tmpfs", "overlay", "f2fs", "fuseblk")) {
            assertFalse(JournalStorage.isNetwork(t), t);
        }
    }

    @Test
    void thisMachinesTemporaryDirectoryIsReadAsJavaSeesItAndGetsWal() throws Exception {
        String type = JournalStorage.fileSystemType(dir);
        assertEquals(Files.getFileStore(dir).type(), type.replaceFirst("^fuse\\.", ""));
        JournalStorage s = JournalStorage.of(dir.resolve("journal.db"), null);
        assertEquals(JournalStorage.isNetwork(type) ? JournalStorage.Mode.ROLLBACK : JournalStorage.Mode.WAL, s.mode());
        assertFalse(s.forced());
    }

    @Test
    void hwfJournalModeForcesEitherModeAndRefusesAnythingElse() {
        Path f = dir.resolve("journal.db");
        assertEquals(JournalStorage.Mode.ROLLBACK, JournalStorage.of(f, "rollback").mode());
        assertEquals(JournalStorage.Mode.WAL, JournalStorage.of(f, " WAL ").mode());
        assertTrue(JournalStorage.of(f, "wal").forced());
        HwfException e = assertThrows(HwfException.class, () -> JournalStorage.of(f, "delete"));
        assertEquals(ExitCodes.BAD_INPUT, e.exitCode());
        assertTrue(e.getMessage().contains("HWF_JOURNAL_MODE must be wal or rollback"), e.getMessage());
    }

    @Test
    void locksHereAreSeenByASecondProcessAndOneNobodyHoldsIsNot() throws Exception {
        Path locks = dir.resolve("journal.db-locks");
        assertNull(assertTimeoutPreemptively(Duration.ofSeconds(30), () -> LockProbe.probe(locks)),
                "a lock held here refuses a second process");
        assertEquals(0700, FileModes.of(locks));
        assertEquals(0600, FileModes.of(locks.resolve("lock-probe")));
        // the same second process, with no lock held: it gets the lock, which the probe reports as not seen
        assertEquals("a second process got a lock this one held", LockProbe.second(locks.resolve("lock-probe")));
    }

    @Test
    void aRefusalNamesTheFileSystemAndSaysWhereToKeepTheJournalAndWhatItMeansForCron() {
        JournalStorage nfs = new JournalStorage("nfs4", true, JournalStorage.Mode.ROLLBACK, false);
        HwfException e = nfs.refusal(Path.of("/home/alice/.hwf/journal.db"), "a second process got a lock this one held");
        assertEquals(ExitCodes.BAD_INPUT, e.exitCode());
        for (String part : List.of("/home/alice/.hwf/journal.db", "nfs4", "--journal", "HWF_JOURNAL=", "local disk",
                "cron", "login node", "a second process got a lock")) {
            assertTrue(e.getMessage().contains(part), part + " in: " + e.getMessage());
        }
    }

    // ------------------------------------------------------------------ the rollback journal on a real file

    private static String journalMode(Path file) throws SQLException {
        return JournalCheckTest.scalar(file, "PRAGMA journal_mode");
    }

    @Test
    void aRollbackJournalLeavesNoWalAndItsReadersAnswerWhileAWriterHoldsTheWriteLock() throws Exception {
        Path file = dir.resolve("journal.db");
        String id;
        try (Journal j = Journal.open(file, "rollback")) {
            id = j.createRun(JournalFixture.workflow("name: rb\ntasks:\n  - name: a\n    command: 'true'\n"), "{}", "/w", T0);
        }
        assertEquals("delete", journalMode(file));
        assertFalse(Files.exists(dir.resolve("journal.db-wal")));
        assertFalse(Files.exists(dir.resolve("journal.db-journal")), "the rollback journal goes at each commit");
        try (Connection writer = DriverManager.getConnection("jdbc:sqlite:" + file);
             Statement s = writer.createStatement()) {
            s.execute("BEGIN IMMEDIATE");
            s.executeUpdate("UPDATE hwf_run SET state='FAILED' WHERE id='" + id + "'");
            try (Journal reader = Journal.openForReading(file)) {
                assertEquals("RUNNING", assertTimeoutPreemptively(Duration.ofSeconds(5), () -> reader.run(id)).state(),
                        "a reader sees the last commit while a writer holds its lock, short of committing");
            }
            s.execute("COMMIT");
        }
    }

    @Test
    void aWalJournalIsSwitchedToRollbackByAWriterButNotWhileAnotherProcessHasItOpen() throws Exception {
        Path file = dir.resolve("journal.db");
        Journal.open(file, "wal").close();
        assertEquals("wal", journalMode(file));
        try (Connection other = DriverManager.getConnection("jdbc:sqlite:" + file);
             Statement s = other.createStatement(); ResultSet rs = s.executeQuery("SELECT count(*) FROM hwf_run")) {
            assertTrue(rs.next()); // holds the file open in WAL mode, reading
            HwfException e = assertThrows(HwfException.class, () -> Journal.open(file, "rollback"));
            assertTrue(e.getMessage().contains("another process has it open"), e.getMessage());
        }
        try (Journal j = Journal.open(file, "rollback")) {
            assertNotNull(j.runs());
        }
        assertEquals("delete", journalMode(file));
        assertFalse(Files.exists(dir.resolve("journal.db-wal")));
    }
}
