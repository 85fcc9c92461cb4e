package dev.hwf.slurm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.hwf.api.JobState;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Every state name Slurm 22.05's job_state_string can print, and what hwf makes of it. */
class SlurmStatesTest {

    @Test
    void everySlurmStateName() {
        Map<String, String> expected = new LinkedHashMap<>();
        expected.put("PENDING", "QUEUED");
        expected.put("CONFIGURING", "QUEUED");
        expected.put("REQUEUED", "QUEUED");
        expected.put("REQUEUE_FED", "QUEUED");
        expected.put("REQUEUE_HOLD", "QUEUED");
        expected.put("RESV_DEL_HOLD", "QUEUED");
        expected.put("SPECIAL_EXIT", "QUEUED");
        expected.put("REVOKED", "QUEUED");
        expected.put("RUNNING", "RUNNING");
        expected.put("COMPLETING", "RUNNING");
        expected.put("STAGE_OUT", "RUNNING");
        expected.put("SIGNALING", "RUNNING");
        expected.put("RESIZING", "RUNNING");
        expected.put("SUSPENDED", "RUNNING");
        expected.put("STOPPED", "RUNNING");
        expected.put("COMPLETED", "SUCCEEDED");
        expected.put("FAILED", "FAILED FAILED");
        expected.put("TIMEOUT", "FAILED TIMEOUT");
        expected.put("OUT_OF_MEMORY", "FAILED OUT_OF_MEMORY");
        expected.put("NODE_FAIL", "FAILED NODE_FAIL");
        expected.put("PREEMPTED", "FAILED PREEMPTED");
        expected.put("BOOT_FAIL", "FAILED BOOT_FAIL");
        expected.put("DEADLINE", "FAILED DEADLINE");
        expected.put("CANCELLED", "CANCELLED CANCELLED");
        expected.put("CANCELLED by 0", "CANCELLED CANCELLED");
        Map<String, String> actual = new LinkedHashMap<>();
        for (String token : expected.keySet()) {
            SlurmStates.Mapped m = SlurmStates.map(token);
            actual.put(token, m.state() + (m.reason() == null ? "" : " " + m.reason()));
        }
        assertEquals(expected, actual);
    }

    @Test
    void anUnknownStateIsNeverAnEnd() {
        for (String token : new String[] {"LAUNCH_FAILED", "POWER_UP_NODE", "?"}) {
            SlurmStates.Mapped m = SlurmStates.map(token);
            assertEquals(JobState.QUEUED, m.state(), token);
            assertNull(m.reason(), token);
            assertEquals(token, m.token());
        }
    }

    @Test
    void whatIsNoStateTokenIsRefused() {
        for (String field : new String[] {"", " ", "running", "42", "R-UNNING", "(null)"}) {
            assertNull(SlurmStates.map(field), field);
        }
    }
}
