package dev.hwf.launcher.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hwf.api.JobState;
import dev.hwf.launcher.ExitCodes;
import dev.hwf.launcher.HwfException;
import dev.hwf.launcher.exec.LocalFiles;
import dev.hwf.launcher.journal.AttemptRecord;
import dev.hwf.launcher.journal.ElementRecord;
import dev.hwf.launcher.journal.RunRecord;
import dev.hwf.launcher.journal.RunSnapshot;
import dev.hwf.launcher.journal.TaskRecord;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Which log file {@code hwf logs} reads, and what it says when there is none. */
class LogsCommandTest {
    private static final Instant T = Instant.parse("2026-02-01T00:00:00Z");

    @TempDir
    Path tmp;

    /**
     * prep (plain, done in attempt 1); train (array of 3: element 1 failed in attempt 1 and ran
     * again in attempt 2, element 2 is queued in attempt 2); report (never submitted).
     */
    private RunSnapshot snap() {
        RunRecord run = new RunRecord("r-7", "wf", "local", "RUNNING", null, "wf.yaml", "{}", tmp.toString(), T, null);
        List<TaskRecord> tasks = List.of(
                new TaskRecord("prep", 0, JobState.SUCCEEDED, null, 1, "10", 0, 0, T, T, T),
                new TaskRecord("train", 1, JobState.RUNNING, null, 2, "12", null, 3, T, T, null),
                new TaskRecord("report", 2, JobState.WAITING, null, 0, null, null, 0, null, null, null));
        List<ElementRecord> elements = List.of(
                new ElementRecord("prep", 0, JobState.SUCCEEDED, 1, 1, "10", 0, null, null, T, T),
                new ElementRecord("train", 0, JobState.SUCCEEDED, 1, 1, "11", 0, null, null, T, T),
                new ElementRecord("train", 1, JobState.RUNNING, 2, 2, "12", null, null, null, T, null),
                new ElementRecord("train", 2, JobState.QUEUED, 2, 2, "12", null, null, null, null, null),
                new ElementRecord("report", 0, JobState.WAITING, 0, 0, null, null, null, null, null, null));
        List<AttemptRecord> attempts = List.of(
                new AttemptRecord("prep", 1, "j-prep-1", "10", "[0]", T),
                new AttemptRecord("train", 1, "j-train-1", "11", "[0, 1, 2]", T),
                new AttemptRecord("train", 2, "j-train-2", "12", "[1, 2]", T));
        return new RunSnapshot(run, tasks, elements, attempts);
    }

    private String dir(String task) {
        return tmp + "/r-7/" + task;
    }

    @Test
    void defaultsToElementZeroInItsLatestAttempt() {
        LogsCommand.Target t = LogsCommand.locate(snap(), "prep", null, null, false);
        assertEquals(dir("prep") + "/out.1.0.log", t.path());
        assertEquals(dir("train") + "/out.2.1.log", LogsCommand.locate(snap(), "train", 1, null, false).path());
        assertEquals(dir("train") + "/err.1.0.log", LogsCommand.locate(snap(), "train", 0, null, true).path(),
                "element 0 was only in attempt 1");
        assertEquals(dir("train") + "/err.1.1.log", LogsCommand.locate(snap(), "train", 1, 1, true).path());
    }

    private static String refused(Runnable r) {
        HwfException e = assertThrows(HwfException.class, r::run);
        assertEquals(ExitCodes.BAD_INPUT, e.exitCode());
        return e.getMessage();
    }

    @Test
    void namesWhatExistsWhenAskedForWhatDoesNot() {
        assertEquals("run r-7 has no task 'trian'; its tasks: prep, train, report",
                refused(() -> LogsCommand.locate(snap(), "trian", null, null, false)));
        assertEquals("task train has elements 0 to 2; there is no element 3",
                refused(() -> LogsCommand.locate(snap(), "train", 3, null, false)));
        assertTrue(refused(() -> LogsCommand.locate(snap(), "prep", 1, null, false)).contains("not an array task"));
        assertEquals("task train has no attempt 3; its attempts: 1, 2",
                refused(() -> LogsCommand.locate(snap(), "train", 0, 3, false)));
        assertEquals("attempt 2 of task train ran elements [1, 2], not element 0; element 0 ran in attempt(s) 1",
                refused(() -> LogsCommand.locate(snap(), "train", 0, 2, false)));
        String never = refused(() -> LogsCommand.locate(snap(), "report", null, null, false));
        assertTrue(never.startsWith("task report has not been submitted yet (WAITING)"), never);
        assertTrue(never.contains("'hwf status r-7'"), never);
    }

    @Test
    void aMissingFileIsExplainedWithTheLogsThatAreThere() throws IOException {
        Files.createDirectories(Path.of(dir("train")));
        Files.writeString(Path.of(dir("train"), "out.1.2.log"), "");
        Files.writeString(Path.of(dir("train"), "err.1.2.log"), "");
        LogsCommand.Target queued = LogsCommand.locate(snap(), "train", 2, null, false);
        String why = LogsCommand.missing(queued, new LocalFiles(), "this machine");
        assertTrue(why.startsWith("no log " + dir("train") + "/out.2.2.log: the job has not started yet (QUEUED)"),
                why);
        assertTrue(why.contains("Element 2 has logs of attempt(s) 1"), why);
        LogsCommand.Target other = LogsCommand.locate(snap(), "train", 0, null, false);
        String why0 = LogsCommand.missing(other, new LocalFiles(), "this machine");
        assertTrue(why0.contains("Logs in " + dir("train") + ": out.1.2.log"), why0);
        String none = LogsCommand.missing(LogsCommand.locate(snap(), "prep", null, null, false), new LocalFiles(),
                "this machine");
        assertTrue(none.endsWith("There are no logs in " + dir("prep") + " yet"), none);
    }

    @Test
    void localFilesReadsPartsAndTails() throws IOException {
        Path f = tmp.resolve("log.txt");
        Files.writeString(f, "0123456789", StandardCharsets.UTF_8);
        LocalFiles files = new LocalFiles();
        assertArrayEquals("0123".getBytes(StandardCharsets.US_ASCII), files.read(f.toString(), 0, 4));
        assertArrayEquals("89".getBytes(StandardCharsets.US_ASCII), files.read(f.toString(), 8, 4));
        assertArrayEquals(new byte[0], files.read(f.toString(), 20, 4));
        assertArrayEquals("789".getBytes(StandardCharsets.US_ASCII), files.read(f.toString(), -3, 100));
        assertArrayEquals("0123456789".getBytes(StandardCharsets.US_ASCII), files.read(f.toString(), -30, 100));
        assertNull(files.read(tmp.resolve("nope").toString(), 0, 10));
    }
}
