package dev.hwf.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A journal that is corrupt, from a newer hwf, locked by another process or read-only gives a
 * clear message and exit 2: never a stack trace, never silent loss.
 */
class JournalIntegrityIT {
    @TempDir
    Path scratch;

    static void assertClearError(Hwf.Result r, String expected) {
        assertEquals(2, r.code(), r.all());
        assertTrue(r.err().contains(expected), r.all());
        assertFalse(r.err().contains("Exception") || r.err().contains("\tat "), "a stack trace:\n" + r.err());
    }

    @Test
    void corruptJournalIsRefusedAndLeftAlone() throws Exception {
        Hwf hwf = new Hwf(scratch, "0.3");
        byte[] garbage = "this is not a database, it is a shopping list\n".repeat(200).getBytes();
        Files.write(hwf.journal, garbage);
        assertClearError(hwf.run(Duration.ofSeconds(60), "status"), "is not a valid hwf journal");
        assertClearError(hwf.run(Duration.ofSeconds(60), "poll"), "is not a valid hwf journal");
        assertEquals(garbage.length, Files.size(hwf.journal), "the file was changed");
    }

    @Test
    void journalFromNewerHwfIsRefused() throws Exception {
        Hwf hwf = new Hwf(scratch, "0.3");
        assertEquals(0, hwf.run(Duration.ofSeconds(60), "runs").code());
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + hwf.journal);
             Statement s = c.createStatement()) {
            s.executeUpdate("UPDATE hwf_schema SET version = 99");
        }
        assertClearError(hwf.run(Duration.ofSeconds(60), "runs"), "newer than this hwf understands");
    }

    @Test
    void lockedJournalIsReportedAfterWaiting() throws Exception {
        Hwf hwf = new Hwf(scratch, "0.3");
        assertEquals(0, hwf.run(Duration.ofSeconds(60), "runs").code());
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + hwf.journal);
             Statement s = c.createStatement()) {
            s.execute("BEGIN EXCLUSIVE");
            // a command that only reads answers at once: in WAL mode a reader does not wait for the writer
            long t0 = System.nanoTime();
            Hwf.Result read = hwf.run(Duration.ofSeconds(60), "runs");
            assertEquals(0, read.code(), read.err());
            assertTrue(System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(20), "runs waited for the writer");
            // one that writes waits for the lock, then says so
            t0 = System.nanoTime();
            Hwf.Result r = hwf.run(Duration.ofSeconds(120), "poll");
            assertClearError(r, "locked");
            assertTrue(System.nanoTime() - t0 > TimeUnit.SECONDS.toNanos(20), "hwf gave up without waiting");
            s.execute("ROLLBACK");
        }
        assertEquals(0, hwf.run(Duration.ofSeconds(60), "runs").code(), "usable again once the lock is gone");
    }

    @Test
    void readOnlyJournalIsRefused() throws Exception {
        Path dir = Files.createDirectories(scratch.resolve("ro"));
        Files.setPosixFilePermissions(scratch, PosixFilePermissions.fromString("rwxr-xr-x"));
        Hwf hwf = new Hwf(dir, "0.3");
        assertEquals(0, hwf.run(Duration.ofSeconds(60), "runs").code());
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.setPosixFilePermissions(hwf.journal, PosixFilePermissions.fromString("rw-r--r--"));
        // root may write anything: the read-only view is another user's
        String jar = Hwf.home().resolve("launcher/target/hwf.jar").toString();
        Process probe = new ProcessBuilder("runuser", "-u", "nobody", "--", "test", "-r", jar).start();
        Assumptions.assumeTrue(probe.waitFor(30, TimeUnit.SECONDS) && probe.exitValue() == 0,
                "user nobody cannot read " + jar + " here (checkout under a private directory)");
        Process p = new ProcessBuilder("runuser", "-u", "nobody", "--", "env", "HWF_JOURNAL=" + hwf.journal,
                Hwf.home().resolve("bin/hwf").toString(), "status").redirectErrorStream(true).start();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        String out = new String(p.getInputStream().readAllBytes());
        assertEquals(2, p.exitValue(), out);
        assertTrue(out.contains("is read-only"), out);
        assertFalse(out.contains("Exception"), out);
    }
}
