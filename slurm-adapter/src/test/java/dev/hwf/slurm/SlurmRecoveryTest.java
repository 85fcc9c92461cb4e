package dev.hwf.slurm;

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

/** Finding jobs by name after a crash, and sacct for jobs squeue forgot (fixtures/slurm/README.md). */
class SlurmRecoveryTest {
    private final SlurmAdapter slurm = new SlurmAdapter();
    private final List<String> names = List.of("hwf-find-plain", "hwf-find-array", "hwf-find-missing");

    @Test
    void findIsOneSqueueCallByName() {
        assertEquals(List.of("squeue", "--noheader", "--states=all",
                        "--name=hwf-find-plain,hwf-find-array,hwf-find-missing", "--format=%F|%j"),
                slurm.findByNameCommand(names).argv());
    }

    @Test
    void foundJobsMapToTheirIdsAndArraysToTheArrayId() {
        Fixture f = Fixture.load("slurm", "squeue-find-by-name");
        Map<String, JobId> found = slurm.parseFindByName(names, f.exitCode(), f.stdout(), f.stderr());
        Map<String, JobId> expected = new LinkedHashMap<>();
        expected.put("hwf-find-array", new JobId("142"));
        expected.put("hwf-find-plain", new JobId("141"));
        assertEquals(expected, found);
    }

    @Test
    void unknownNamesFindNothing() {
        Fixture f = Fixture.load("slurm", "squeue-find-by-name-none");
        assertTrue(slurm.parseFindByName(List.of("hwf-find-missing"), f.exitCode(), f.stdout(), f.stderr())
                .isEmpty());
    }

    @Test
    void namesNotAskedForAreIgnoredAndGarbageThrows() {
        assertTrue(slurm.parseFindByName(List.of("a"), 0, "77|b\n", "").isEmpty());
        assertThrows(SchedulerOutputException.class, () -> slurm.parseFindByName(names, 0, "JOBID NAME\n", ""));
        Fixture down = Fixture.load("slurm", "squeue-controller-down");
        assertThrows(SchedulerOutputException.class,
                () -> slurm.parseFindByName(names, down.exitCode(), down.stdout(), down.stderr()));
        assertThrows(IllegalArgumentException.class, () -> slurm.findByNameCommand(List.of("a b")));
    }

    @Test
    void historyIsOneSacctCall() {
        assertEquals(List.of("sacct", "--noheader", "--parsable2", "--allocations", "--jobs=141,142",
                "--format=JobID,State,ExitCode"), slurm.historyCommand(List.of(new JobId("141"), new JobId("142")))
                .argv());
    }

    @Test
    void accountingOffIsAnEmptyAnswer() {
        Fixture f = Fixture.load("slurm", "sacct-accounting-disabled");
        assertEquals(1, f.exitCode());
        assertTrue(slurm.parseHistory(f.exitCode(), f.stdout(), f.stderr()).isEmpty());
    }

    @Test
    void historyGivesFinalStatesWithReasons() {
        Fixture f = Fixture.load("slurm", "sacct-history-synthesized");
        Map<String, String> got = SlurmStatusTest.summary(slurm.parseHistory(f.exitCode(), f.stdout(), f.stderr()));
        Map<String, String> expected = new LinkedHashMap<>();
        expected.put("141", "SUCCEEDED");
        expected.put("142_0", "SUCCEEDED");
        expected.put("142_1", "FAILED FAILED");
        expected.put("142_2", "FAILED TIMEOUT");
        expected.put("142_3", "FAILED OUT_OF_MEMORY");
        expected.put("143", "CANCELLED CANCELLED");
        expected.put("144_2", "QUEUED");
        expected.put("144_3", "QUEUED");
        expected.put("145", "FAILED NODE_FAIL");
        assertEquals(expected, got);
        assertThrows(SchedulerOutputException.class, () -> slurm.parseHistory(1, "", "sacct: error: Problem talking"));
    }
}
