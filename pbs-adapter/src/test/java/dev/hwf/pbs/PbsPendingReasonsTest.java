package dev.hwf.pbs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.hwf.api.JobStatus;
import dev.hwf.api.PendingReason.Block;
import dev.hwf.testing.Fixture;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Why PBS Pro and Torque jobs wait, and which of it cannot clear by itself ({@link PbsStates#pending}). */
class PbsPendingReasonsTest {

    /** "ID" -> "BLOCK text", or "-" for no pending reason. */
    private static Map<String, String> read(String flavour, String fixture) {
        Fixture f = Fixture.load(flavour, fixture);
        Map<String, String> out = new LinkedHashMap<>();
        for (JobStatus s : new PbsAdapter(flavour).parseStatus(f.exitCode(), f.stdout(), f.stderr())) {
            String key = s.jobId().value() + (s.arrayIndex() == null ? "" : "_" + s.arrayIndex());
            out.put(key, s.pending() == null ? "-" : s.pending().block() + " " + s.pending().text());
        }
        return out;
    }

    @Test
    void pbsProHeldJobsCannotClearAndSchedulerCommentsOfQueuedJobsCan() {
        Map<String, String> s = read("pbspro", "qstat-mixed");
        assertEquals("HELD held (Hold_Types u)", s.get("1203"));
        assertEquals("CLEARS Not Running: Insufficient amount of resource: ncpus", s.get("1202"));
        assertEquals("-", s.get("1201")); // running
        assertEquals("CLEARS Job moved to pbs02", s.get("1210"));
    }

    @Test
    void torqueHeldJobs() {
        assertEquals("HELD held (Hold_Types u)", read("torque", "torque6-qstat-f-documented").get("4509"));
    }

    @Test
    void canNeverRunCannotClearByItself() {
        assertEquals(Block.NEVER, PbsStates.pending("Q", "n",
                "Can Never Run: Insufficient amount of queue resource: ncpus (R: 64 A: 32 T: 32)").block());
        assertEquals("held", PbsStates.pending("H", "n", null).text());
        assertEquals(Block.HELD, PbsStates.pending("H", "s", "Not Running: held").block());
        assertNull(PbsStates.pending("Q", "n", null));
        assertNull(PbsStates.pending("Q", "n", "  "));
    }
}
