package dev.hwf.launcher.exec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hwf.launcher.ExitCodes;
import dev.hwf.launcher.HwfException;
import dev.hwf.launcher.exec.SiteFiles.TaskDirScan;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The work directory on this machine: scripts written, exit codes and started elements read back. */
class LocalFilesTest {
    private final LocalFiles files = new LocalFiles();

    @TempDir
    Path tmp;

    @Test
    void writeCreatesAnExecutableScriptAndLeavesNoTempFile() throws Exception {
        Path script = tmp.resolve("job.1.sh");
        files.write(script.toString(), "#!/bin/bash\necho hi\n", true);
        assertEquals("#!/bin/bash\necho hi\n", Files.readString(script));
        assertTrue(Files.getPosixFilePermissions(script).contains(PosixFilePermission.OWNER_EXECUTE));
        assertFalse(Files.exists(tmp.resolve("job.1.sh.tmp")));

        files.write(script.toString(), "replaced\n", false);
        assertEquals("replaced\n", Files.readString(script));
    }

    @Test
    void whatHwfCreatesIsItsOwnersAloneAndAnExistingDirectoryKeepsItsMode() throws Exception {
        FileModes.setMode(tmp, 0755); // a work directory the user made, open to all
        Path task = tmp.resolve("w/run/task");
        files.mkdirs(task.toString());
        assertEquals(0755, FileModes.of(tmp), "not hwf's to change");
        assertEquals(0700, FileModes.of(tmp.resolve("w")));
        assertEquals(0700, FileModes.of(tmp.resolve("w/run")));
        assertEquals(0700, FileModes.of(task));
        files.write(task.resolve("job.1.sh").toString(), "#!/bin/bash\n", true);
        files.write(task.resolve("queue").toString(), "x\n", false);
        assertEquals(0700, FileModes.of(task.resolve("job.1.sh")));
        assertEquals(0600, FileModes.of(task.resolve("queue")));
        assertEquals(0600, files.mode(task.resolve("queue").toString()));
        assertEquals(null, files.mode(task.resolve("none").toString()));

        LocalFiles shared = new LocalFiles(FileModes.GROUP);
        Path team = tmp.resolve("team/run");
        shared.mkdirs(team.toString());
        shared.write(team.resolve("job.1.sh").toString(), "#!/bin/bash\n", true);
        shared.write(team.resolve("f").toString(), "x\n", false);
        assertEquals(0750, FileModes.of(team));
        assertEquals(0750, FileModes.of(team.resolve("job.1.sh")));
        assertEquals(0640, FileModes.of(team.resolve("f")));
        assertEquals("077", FileModes.PRIVATE.umask());
        assertEquals("027", FileModes.GROUP.umask());
    }

    @Test
    void aJournalOrWorkDirectoryOpenToOthersIsToldOnce() {
        assertTrue(Exposure.check(tmp + "/a", 0644, false, "the journal", "chmod 600"));
        assertFalse(Exposure.check(tmp + "/a", 0644, false, "the journal", "chmod 600"), "once per path");
        assertFalse(Exposure.check(tmp + "/b", 0600, false, "the journal", "chmod 600"));
        assertFalse(Exposure.check(tmp + "/c", null, false, "the journal", "chmod 600"), "not there yet");
        assertTrue(Exposure.check(tmp + "/c", 0711 | 0040, false, "w", "chmod 700"), "now it is, and open");
        assertFalse(Exposure.check(tmp + "/d", 0750, true, "w", "chmod 750"), "the group may, when shared");
        assertTrue(Exposure.check(tmp + "/e", 0701, true, "w", "chmod 750"), "others may look in");
        assertFalse(Exposure.check(tmp + "/f", 0702, false, "w", "chmod 700"), "writing is not reading");
    }

    @Test
    void mkdirsMakesTheWholePathAndIsIdempotent() {
        Path dir = tmp.resolve("w/run 1/task");
        files.mkdirs(dir.toString());
        files.mkdirs(dir.toString());
        assertTrue(Files.isDirectory(dir));
    }

    @Test
    void mkdirsUnderAFileIsBadInputNamingTheDirectory() throws Exception {
        Path file = Files.writeString(tmp.resolve("plain"), "x");
        HwfException e = assertThrows(HwfException.class, () -> files.mkdirs(file.resolve("sub").toString()));
        assertEquals(ExitCodes.BAD_INPUT, e.exitCode());
        assertTrue(e.getMessage().contains(file.resolve("sub").toString()), e.getMessage());
    }

    @Test
    void scanReadsExitCodesAndStartedElementsByAttemptAndIndex() throws Exception {
        Files.writeString(tmp.resolve("exit.1.0"), "0\n");
        Files.writeString(tmp.resolve("exit.1.2"), "3\n");
        Files.writeString(tmp.resolve("exit.2.2"), "137\n");
        Files.writeString(tmp.resolve("exit.1.3.tmp"), "1\n"); // not yet moved into place
        Files.writeString(tmp.resolve("exit.1.4"), ""); // being written
        Files.writeString(tmp.resolve("exit.1.5"), "garbage\n");
        Files.writeString(tmp.resolve("out.1.0.log"), "");
        Files.writeString(tmp.resolve("out.1.1.log"), "");
        Files.writeString(tmp.resolve("err.2.9.log"), "");
        Files.writeString(tmp.resolve("job.1.sh"), "");

        TaskDirScan scan = files.scan(tmp.toString());
        assertEquals(Map.of("1.0", 0, "1.2", 3, "2.2", 137), scan.exitCodes());
        assertEquals(Set.of("1.0", "1.1"), scan.started());
        assertEquals("2.7", TaskDirScan.key(2, 7));
    }

    @Test
    void aMissingTaskDirectoryScansAsEmpty() {
        TaskDirScan scan = files.scan(tmp.resolve("not-yet").toString());
        assertEquals(Map.of(), scan.exitCodes());
        assertEquals(Set.of(), scan.started());
    }

    @Test
    void resolveExpandsHomeAndMakesPathsAbsolute() {
        String home = System.getProperty("user.home");
        assertEquals(Path.of(home, ".hwf/work").toString(), files.resolve("~/.hwf/work"));
        assertEquals(Path.of(home).toString(), files.resolve("~"));
        assertEquals(Path.of("").toAbsolutePath().resolve("rel/dir").toString(), files.resolve("rel/./dir"));
        assertEquals("/abs/x", files.resolve("/abs/y/../x"));
    }
}
