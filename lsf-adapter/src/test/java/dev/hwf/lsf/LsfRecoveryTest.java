package dev.hwf.lsf;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hwf.api.JobId;
import dev.hwf.api.SchedulerOutputException;
import dev.hwf.testing.Fixture;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Finding jobs by name after a crash, and cancelling (fixtures/lsf/README.md). */
class LsfRecoveryTest {
    private final LsfAdapter lsf = new LsfAdapter();
    private static final String RUN = "hwf-lucid-dose-20261122-101500-1a2b-";

    @Test
    void findIsOneBjobsOverTheUsersJobs() {
        assertEquals(List.of("bjobs", "-a", "-noheader", "-o", "jobid job_name delimiter='|'"),
                lsf.findByNameCommand(List.of(RUN + "simulate-1")).argv());
        assertThrows(IllegalArgumentException.class, () -> lsf.findByNameCommand(List.of()));
        assertThrows(IllegalArgumentException.class, () -> lsf.findByNameCommand(List.of("a|b")));
    }

    @Test
    void jobsAndArraysAreFoundByTheirNames() {
        Fixture f = Fixture.load("lsf", "bjobs-find");
        Map<String, JobId> expected = new LinkedHashMap<>();
        expected.put(RUN + "simulate-1", new JobId("5123"));
        expected.put(RUN + "train-1", new JobId("5125"));
        assertEquals(expected, lsf.parseFindByName(List.of(RUN + "simulate-1", RUN + "train-1", RUN + "missing-1"),
                f.exitCode(), f.stdout(), f.stderr()));
    }

    @Test
    void noJobsIsAnEmptyAnswerAndLsfDownIsAnError() {
        Fixture none = Fixture.load("lsf", "bjobs-find-none");
        assertTrue(lsf.parseFindByName(List.of(RUN + "a-1"), none.exitCode(), none.stdout(), none.stderr()).isEmpty());
        Fixture down = Fixture.load("lsf", "bjobs-lsf-down");
        assertThrows(SchedulerOutputException.class,
                () -> lsf.parseFindByName(List.of(RUN + "a-1"), down.exitCode(), down.stdout(), down.stderr()));
        assertThrows(SchedulerOutputException.class, () -> lsf.parseFindByName(List.of(RUN + "a-1"), 0,
                "JOBID JOB_NAME\n", ""));
    }

    @Test
    void cancelIsOneBkill() {
        assertEquals(List.of("bkill", "5123", "5125"),
                lsf.cancelCommand(List.of(new JobId("5123"), new JobId("5125"))).argv());
    }

    @Test
    void cancellingWhatHasEndedIsNoError() {
        for (String name : List.of("bkill-running", "bkill-array", "bkill-finished", "bkill-unknown", "bkill-mixed")) {
            Fixture f = Fixture.load("lsf", name);
            assertDoesNotThrow(() -> lsf.checkCancel(f.exitCode(), f.stdout(), f.stderr()), name);
        }
        Fixture down = Fixture.load("lsf", "bkill-lsf-down");
        assertThrows(SchedulerOutputException.class, () -> lsf.checkCancel(down.exitCode(), down.stdout(),
                down.stderr()));
    }
}
