package dev.hwf.slurm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hwf.api.Command;
import dev.hwf.api.StartEstimate;
import dev.hwf.testing.Fixture;
import java.time.LocalDateTime;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code place: soonest} on Slurm: {@code sbatch --test-only}, read from captured answers (see fixtures/slurm/README.md). */
class SlurmStartEstimateTest {
    private final SlurmAdapter slurm = new SlurmAdapter();

    private StartEstimate parse(String fixture) {
        Fixture f = Fixture.load("slurm", fixture);
        return slurm.parseStartEstimate(f.exitCode(), f.stdout(), f.stderr());
    }

    @Test
    void theEstimateAsksWhatTheSubmissionWouldWithoutSubmitting() {
        Command submit = Command.of("sbatch", "--parsable", "--chdir=/w/t", "--output=/w/t/slurm-%j.out", "/w/t/job.sh");
        assertEquals(List.of("sbatch", "--test-only", "--chdir=/w/t", "--output=/w/t/slurm-%j.out", "/w/t/job.sh"),
                slurm.startEstimateCommand(submit).argv());
    }

    @Test
    void anIdleAndABusyClusterGiveTheirPlannedStarts() {
        assertEquals(StartEstimate.at(LocalDateTime.parse("2026-12-05T09:33:02")), parse("sbatch-test-only-start"));
        // both CPUs held by a 10-minute job submitted at 09:33:06
        assertEquals(StartEstimate.at(LocalDateTime.parse("2026-12-05T09:43:06")), parse("sbatch-test-only-busy"));
    }

    @Test
    void aDrainedPartitionIsARefusalInSlurmsWords() {
        StartEstimate e = parse("sbatch-test-only-partition-drained");
        assertTrue(e.isRefused());
        assertEquals("Required partition not available (inactive or drain)", e.refusal());
        assertEquals(StartEstimate.refused("invalid partition specified: nosuch"),
                slurm.parseStartEstimate(1, "", "sbatch: error: invalid partition specified: nosuch\n"
                        + "allocation failure: Invalid partition name specified\n"));
    }

    @Test
    void emptyOrBrokenAnswersAreUnknown() {
        assertEquals(StartEstimate.UNKNOWN, slurm.parseStartEstimate(0, "", ""));
        assertEquals(StartEstimate.UNKNOWN, slurm.parseStartEstimate(0, "", "sbatch: Job 5 to start at soon\n"));
        assertEquals(StartEstimate.UNKNOWN, slurm.parseStartEstimate(1, "", ""));
    }
}
