package dev.hwf.launcher.journal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hwf.api.JobState;
import dev.hwf.launcher.journal.StagingLog.CopiedFile;
import dev.hwf.launcher.journal.StagingLog.Staging;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The journal's record of staging: a task's tries and bytes, and each file placed with its checksum. */
class StagingLogTest extends JournalFixture {
    @Test
    void aTasksStagingIsKeptAcrossTriesWithItsFilesAndSurvivesReopening() {
        String run = newRun();
        StagingLog log = journal.staging();
        assertEquals(3, log.started(run, "b", "gpu", 300, "through this machine", "staging", T0), "its WAITING elements went STAGING");
        assertEquals(JobState.STAGING, journal.snapshot(run).task("b").state());
        log.progress(run, "b", 100);
        log.ended(run, "b", "reading /x/a.csv on alice@cpu: connection dropped", JobState.WAITING, "staging failed",
                T0.plusSeconds(5));
        assertEquals(JobState.WAITING, journal.snapshot(run).task("b").state());
        assertEquals("staging failed", element(journal.snapshot(run), "b", 0).reason());
        Staging first = log.staging(run).get(0);
        assertEquals(1, first.tries());
        assertEquals(100, first.bytesDone());
        assertTrue(first.error().contains("connection dropped"));

        log.started(run, "b", "gpu", 300, "directly, by ssh from gpu's login node to cpu", "staging",
                T0.plusSeconds(60));
        CopiedFile f = new CopiedFile("b", "a", "dose-1.csv", "cpu", "gpu", 300, "ab".repeat(32), false,
                T0.plusSeconds(61), T0.plusSeconds(62));
        log.placed(run, f);
        log.placed(run, f); // placed again after a crash: one row
        log.progress(run, "b", 300);
        log.ended(run, "b", null, JobState.WAITING, null, T0.plusSeconds(63));

        journal.close();
        journal = Journal.open(file);
        Staging again = journal.staging().staging(run).get(0);
        assertEquals(2, again.tries());
        assertEquals(300, again.bytesDone());
        assertEquals(300, again.bytesTotal());
        assertNull(again.error(), "the try that succeeded clears the error");
        assertTrue(again.doneFor("gpu"));
        assertEquals(T0.plusSeconds(63), again.endedAt());
        assertEquals("directly, by ssh from gpu's login node to cpu", again.route(), "the last try's route");
        assertEquals(List.of(f), journal.staging().copies(run));
    }
}
