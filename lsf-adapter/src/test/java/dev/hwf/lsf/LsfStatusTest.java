package dev.hwf.lsf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.hwf.api.JobId;
import dev.hwf.api.JobState;
import dev.hwf.api.JobStatus;
import dev.hwf.api.SchedulerOutputException;
import dev.hwf.testing.Fixture;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** One bjobs call for all jobs, on output in the documented format (fixtures/lsf/README.md). */
class LsfStatusTest {
    private final LsfAdapter lsf = new LsfAdapter();

    private Map<String, String> read(String fixture) {
        Fixture f = Fixture.load("lsf", fixture);
        return summary(lsf.parseStatus(f.exitCode(), f.stdout(), f.stderr()));
    }

    static Map<String, String> summary(List<JobStatus> statuses) {
        Map<String, String> out = new LinkedHashMap<>();
        for (JobStatus s : statuses) {
            String key = s.jobId().value() + (s.arrayIndex() == null ? "" : "_" + s.arrayIndex());
            if (out.put(key, s.state() + (s.reason() == null ? "" : " " + s.reason())) != null) {
                throw new AssertionError("two statuses for " + key);
            }
        }
        return out;
    }

    @Test
    void oneBjobsCallForAllJobs() {
        assertEquals(List.of("bjobs", "-a", "-noheader", "-o", "jobid jobindex stat exit_code exit_reason delimiter='|'",
                "5123", "5125"), lsf.statusCommand(List.of(new JobId("5123"), new JobId("5125"), new JobId("5123")))
                .argv());
        assertThrows(IllegalArgumentException.class, () -> lsf.statusCommand(List.of(new JobId("5123[1]"))));
        assertThrows(IllegalArgumentException.class, () -> lsf.statusCommand(List.of()));
    }

    @Test
    void everyStateAndEveryReason() {
        Map<String, String> expected = new LinkedHashMap<>();
        expected.put("5123", "RUNNING");
        expected.put("5126", "QUEUED");
        expected.put("5127", "QUEUED");    // PSUSP: held while pending
        expected.put("5128", "RUNNING");   // USUSP
        expected.put("5129", "RUNNING");   // SSUSP
        expected.put("5130", "SUCCEEDED");
        expected.put("5131", "FAILED exit 3");
        expected.put("5132", "FAILED TIMEOUT");
        expected.put("5133", "FAILED OUT_OF_MEMORY");
        expected.put("5134", "CANCELLED CANCELLED");
        expected.put("5135", "RUNNING");   // ZOMBI: not an end yet
        expected.put("5136", "RUNNING");   // UNKWN: never a failure
        expected.put("5137", "QUEUED");    // WAIT
        expected.put("5138", "QUEUED");    // PROV
        expected.put("5139", "FAILED PREEMPTED");
        expected.put("5140", "CANCELLED CANCELLED");
        expected.put("5141", "FAILED signal 15");
        assertEquals(expected, read("bjobs-mixed"));
    }

    @Test
    void arrayElementsWithZeroBasedIndices() {
        Map<String, String> expected = new LinkedHashMap<>();
        expected.put("5125_0", "SUCCEEDED");
        expected.put("5125_1", "FAILED exit 1");
        expected.put("5125_2", "RUNNING");
        expected.put("5125_3", "QUEUED");
        expected.put("5142_2", "FAILED exit 2");  // a retry of elements 2 and 5 only
        expected.put("5142_5", "SUCCEEDED");
        assertEquals(expected, read("bjobs-array"));
    }

    @Test
    void notFoundIsGoneNotAnError() {
        assertEquals(Map.of("5123", "RUNNING"), read("bjobs-some-not-found"));
        assertEquals(Map.of(), read("bjobs-all-not-found"));
        assertEquals(Map.of(), read("bjobs-not-found-exit-0"));
    }

    @Test
    void theReasonMayHoldTheDelimiter() {
        List<JobStatus> s = lsf.parseStatus(0, Fixture.load("lsf", "bjobs-reason-with-bar").stdout(), "");
        assertEquals(JobState.FAILED, s.get(0).state());
        assertEquals("TERM_EXTERNAL_SIGNAL", s.get(0).reason());
        assertEquals("EXIT", s.get(0).rawState());
    }

    @Test
    void outputThatIsNoAnswerThrows() {
        for (String name : List.of("bjobs-lsf-down", "bjobs-w-table", "bjobs-json", "bjobs-truncated")) {
            Fixture f = Fixture.load("lsf", name);
            assertThrows(SchedulerOutputException.class, () -> lsf.parseStatus(f.exitCode(), f.stdout(), f.stderr()),
                    name);
        }
        assertThrows(SchedulerOutputException.class, () -> lsf.parseStatus(0, "5123|0|running|-|-\n", ""));
        assertThrows(SchedulerOutputException.class, () -> lsf.parseStatus(0, "5123|x|RUN|-|-\n", ""));
    }

    @Test
    void unknownStatesAreNeverAnEnd() {
        JobStatus s = lsf.parseStatus(0, "5123|0|NEWSTATE|-|-\n", "").get(0);
        assertEquals(JobState.QUEUED, s.state());
        assertNull(s.reason());
        assertEquals("NEWSTATE", s.rawState());
        assertEquals(List.of(), lsf.parseStatus(0, "", ""));
    }

    @Test
    void exitStateReasons() {
        assertEquals(new LsfStates.Mapped(JobState.FAILED, "FAILED"), LsfStates.map("EXIT", "-", "-"));
        assertEquals(new LsfStates.Mapped(JobState.FAILED, "OUT_OF_MEMORY"),
                LsfStates.map("EXIT", "", "TERM_SWAP: job killed after reaching LSF swap usage limit"));
        assertEquals(new LsfStates.Mapped(JobState.FAILED, "DEADLINE"),
                LsfStates.map("EXIT", "", "TERM_DEADLINE: job killed after deadline expires"));
        assertEquals(new LsfStates.Mapped(JobState.FAILED, "CPU_TIME_LIMIT"),
                LsfStates.map("EXIT", "152", "TERM_CPULIMIT: job killed after reaching LSF CPU usage limit"));
        assertEquals(new LsfStates.Mapped(JobState.CANCELLED, "CANCELLED"),
                LsfStates.map("EXIT", "", "TERM_FORCE_OWNER: job killed by owner without time for cleanup"));
        assertEquals(new LsfStates.Mapped(JobState.FAILED, "TERM_LOAD"),
                LsfStates.map("EXIT", "", "TERM_LOAD: job killed after load exceeds threshold"));
        assertNull(LsfStates.map("", "", ""));
        assertNull(LsfStates.map("run", "", ""));
    }

    @Test
    void historyIsTheStatusCallsBusiness() {
        assertNull(lsf.historyCommand(List.of(new JobId("1"))));
    }
}
