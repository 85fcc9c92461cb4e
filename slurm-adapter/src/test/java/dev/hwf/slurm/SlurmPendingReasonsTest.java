package dev.hwf.slurm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hwf.api.JobStatus;
import dev.hwf.api.PendingReason.Block;
import dev.hwf.testing.Fixture;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The pending reasons squeue's {@code %r} gives, and which cannot clear by itself, on output captured
 * from Slurm 22.05 (fixtures/slurm/README.md, "Pending reasons").
 */
class SlurmPendingReasonsTest {
    private final SlurmAdapter slurm = new SlurmAdapter();

    /** "ID" or "ID_INDEX" -> "BLOCK text", or "-" for no pending reason. */
    private Map<String, String> read(String fixture) {
        Fixture f = Fixture.load("slurm", fixture);
        Map<String, String> out = new LinkedHashMap<>();
        for (JobStatus s : slurm.parseStatus(f.exitCode(), f.stdout(), f.stderr())) {
            String key = s.jobId().value() + (s.arrayIndex() == null ? "" : "_" + s.arrayIndex());
            out.put(key, s.pending() == null ? "-" : s.pending().block() + " " + s.pending().text());
        }
        return out;
    }

    @Test
    void heldJobsAndArrayElementsCannotClearByThemselves() {
        Map<String, String> s = read("squeue-pending-reasons");
        // 55944: sbatch --hold; 55945: scontrol hold, as root; 55952: an array sbatch --hold
        assertEquals(List.of("HELD JobHeldUser", "HELD JobHeldAdmin", "HELD JobHeldUser", "HELD JobHeldUser",
                "HELD JobHeldUser"), List.of(s.get("55944"), s.get("55945"), s.get("55952_0"), s.get("55952_1"),
                s.get("55952_2")));
        assertEquals(10, s.size());
    }

    @Test
    void ordinaryReasonsClearByThemselves() {
        Map<String, String> s = read("squeue-pending-reasons");
        // 55949: a description that speaks of DOWN nodes, printed while the node was busy with other jobs
        assertEquals(List.of("CLEARS Dependency", "CLEARS BeginTime", "CLEARS Priority", "CLEARS Nodes required for "
                + "job are DOWN, DRAINED or reserved for jobs in higher priority partitions"),
                List.of(s.get("55947"), s.get("55948"), s.get("55951"), s.get("55949")));
    }

    @Test
    void aRangeLineGivesEachElementTheReason() {
        Map<String, String> s = read("squeue-pending-reasons-ranges");
        for (int i = 0; i <= 2; i++) {
            assertEquals("HELD JobHeldUser", s.get("55952_" + i));
        }
        assertEquals(read("squeue-pending-reasons"), s);
    }

    @Test
    void aPartitionDownOrInactiveCannotClearByItself() {
        assertEquals("DOWN PartitionDown", read("squeue-partition-down").get("55951"));
        assertEquals("DOWN PartitionInactive", read("squeue-partition-inactive").get("55951"));
    }

    @Test
    void aDependencyThatFailedNeverClears() {
        Map<String, String> s = read("squeue-dependency-never");
        assertEquals("NEVER DependencyNeverSatisfied", s.get("55950"));
        assertEquals("-", s.get("55949")); // the job it depended on, FAILED
    }

    @Test
    void nodesDownBudgetsAndLimitsAJobNeverFits() {
        // in the file's order, ids 70 to 81; AssocGrpCpuLimit counts CPUs in use at once: it frees up
        assertEquals(List.of("DOWN ReqNodeNotAvail, UnavailableNodes:n[2-3]", "BUDGET AssocGrpGRESRunMinutes",
                "BUDGET AssocGrpCPUMinutesLimit", "BUDGET QOSGrpBillingMinutes", "NEVER QOSMaxWallDurationPerJobLimit",
                "NEVER InvalidQOS", "CLEARS AssocGrpCpuLimit", "CLEARS QOSMaxJobsPerUserLimit", "CLEARS Resources",
                "HELD job requeued in held state", "HELD launch failed requeued held", "-"),
                List.copyOf(read("squeue-pending-reasons-synthesized").values()));
    }

    @Test
    void theRealCapturesOfEarlierHoldsAndLimits() {
        Map<String, String> held = read("squeue-suspended-held");
        assertEquals("HELD job requeued in held state", held.get("44")); // scontrol requeuehold
        assertEquals("HELD JobHeldUser", held.get("45"));
        assertEquals("-", held.get("43")); // suspended: running, not pending
        assertEquals("CLEARS QOSMaxJobsPerUserLimit", read("squeue-qos-held").get("49"));
        assertEquals("CLEARS JobArrayTaskLimit", read("squeue-timeout-array-limit").get("26_5"));
    }

    @Test
    void noneEmptyAndCutReasonsAreNeverStuck() {
        assertNull(SlurmReasons.of("PENDING", "None"));
        assertNull(SlurmReasons.of("PENDING", ""));
        assertTrue(read("squeue-empty").isEmpty());
        // a line cut inside its reason: an unknown word, which is never read as stuck
        assertEquals("CLEARS JobHel", read("squeue-pending-reasons-cut").get("55944"));
    }

    @Test
    void sacctsThirdFieldIsNoReason() {
        Fixture f = Fixture.load("slurm", "sacct-qos-held");
        for (JobStatus s : slurm.parseHistory(f.exitCode(), f.stdout(), f.stderr())) {
            assertNull(s.pending(), s.toString());
        }
    }

    @Test
    void requeuedHeldStatesAreHeldWhateverTheReason() {
        assertEquals(Block.HELD, SlurmReasons.of("REQUEUE_HOLD", "None").block());
        assertEquals("SPECIAL_EXIT", SlurmReasons.of("SPECIAL_EXIT", "").text());
    }
}
