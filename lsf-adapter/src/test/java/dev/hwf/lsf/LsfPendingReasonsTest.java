package dev.hwf.lsf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.hwf.api.JobStatus;
import dev.hwf.api.PendingReason.Block;
import dev.hwf.testing.Fixture;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** LSF: a job suspended while pending (PSUSP) is held; nothing else of bjobs is read as a pending reason. */
class LsfPendingReasonsTest {

    @Test
    void psuspIsHeldAndPendIsNothing() {
        Fixture f = Fixture.load("lsf", "bjobs-mixed");
        Map<String, JobStatus> s = new HashMap<>();
        for (JobStatus st : new LsfAdapter().parseStatus(f.exitCode(), f.stdout(), f.stderr())) {
            s.put(st.jobId().value(), st);
        }
        assertEquals(Block.HELD, s.get("5127").pending().block());
        assertEquals("PSUSP (suspended while pending)", s.get("5127").pending().text());
        assertNull(s.get("5126").pending()); // PEND: why, bjobs was not asked
        assertNull(s.get("5123").pending()); // running
    }
}
