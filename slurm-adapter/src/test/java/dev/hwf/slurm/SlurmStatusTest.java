package dev.hwf.slurm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hwf.api.JobId;
import dev.hwf.api.JobState;
import dev.hwf.api.JobStatus;
import dev.hwf.api.SchedulerOutputException;
import dev.hwf.testing.Fixture;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Status parsing on output captured from Slurm 22.05 (fixtures/slurm/README.md says how). */
class SlurmStatusTest {
    private final SlurmAdapter slurm = new SlurmAdapter();

    /** "ID" or "ID_INDEX" -> "STATE" or "STATE REASON", in output order. */
    private Map<String, String> read(String fixture) {
        Fixture f = Fixture.load("slurm", fixture);
        return summary(slurm.parseStatus(f.exitCode(), f.stdout(), f.stderr()));
    }

    static Map<String, String> summary(List<JobStatus> statuses) {
        Map<String, String> out = new LinkedHashMap<>();
        for (JobStatus s : statuses) {
            String key = s.jobId().value() + (s.arrayIndex() == null ? "" : "_" + s.arrayIndex());
            String value = s.state() + (s.reason() == null ? "" : " " + s.reason());
            if (out.put(key, value) != null) {
                throw new AssertionError("two statuses for " + key);
            }
        }
        return out;
    }

    @Test
    void oneSqueueCallForAllJobs() {
        assertEquals(List.of("squeue", "--noheader", "--array", "--states=all", "--jobs=21,22,26",
                        "--format=%i|%T|%r"),
                slurm.statusCommand(List.of(new JobId("21"), new JobId("22"), new JobId("26"), new JobId("21")))
                        .argv());
    }

    @Test
    void statusCommandRefusesWhatIsNoSlurmJobId() {
        assertThrows(IllegalArgumentException.class, () -> slurm.statusCommand(List.of()));
        assertThrows(IllegalArgumentException.class, () -> slurm.statusCommand(List.of(new JobId("123.server"))));
        assertEquals("--jobs=26_3", slurm.statusCommand(List.of(new JobId("26_3"))).argv().get(4));
    }

    @Test
    void cancelIsOneScancelForAllJobs() {
        assertEquals(List.of("scancel", "25", "26", "27"),
                slurm.cancelCommand(List.of(new JobId("25"), new JobId("26"), new JobId("27"))).argv());
        assertThrows(IllegalArgumentException.class, () -> slurm.cancelCommand(List.of()));
    }

    @Test
    void mixOfFinishedRunningAndPendingElements() {
        Map<String, String> s = read("squeue-mixed");
        assertEquals("CANCELLED CANCELLED", s.get("24")); // cancelled while pending
        assertEquals("SUCCEEDED", s.get("21"));
        assertEquals("FAILED FAILED", s.get("22")); // exit 3: the launcher's exit code file says more
        assertEquals("FAILED FAILED", s.get("23")); // killed by OverMemoryKill: FAILED / JobLaunchFailure
        assertEquals("RUNNING", s.get("25"));
        assertEquals("RUNNING", s.get("26_0"));
        for (int i = 1; i <= 7; i++) {
            assertEquals("QUEUED", s.get("26_" + i), "26_" + i);
        }
        for (int i : new int[] {1, 3, 5, 6, 7}) {
            assertEquals("QUEUED", s.get("27_" + i), "27_" + i);
        }
        assertEquals(18, s.size());
    }

    @Test
    void pendingRangeLinesGiveOneStatusPerElement() {
        // the same moment as squeue-mixed, without --array: 26_[1-7%2] and 27_[1,3,5-7%1]
        assertEquals(read("squeue-mixed"), sorted(read("squeue-mixed-ranges"), read("squeue-mixed")));
        assertEquals(read("squeue-element-cancelled"),
                sorted(read("squeue-element-cancelled-ranges"), read("squeue-element-cancelled")));
        assertEquals(read("squeue-timeout-array-limit"),
                sorted(read("squeue-timeout-array-limit-ranges"), read("squeue-timeout-array-limit")));
        assertEquals(read("squeue-array-cancelled"),
                sorted(read("squeue-array-cancelled-ranges"), read("squeue-array-cancelled")));
    }

    /** {@code map} in the key order of {@code like}, failing when the key sets differ. */
    private static Map<String, String> sorted(Map<String, String> map, Map<String, String> like) {
        assertEquals(like.keySet(), map.keySet());
        Map<String, String> out = new LinkedHashMap<>();
        like.keySet().forEach(k -> out.put(k, map.get(k)));
        return out;
    }

    @Test
    void rangeLineElementsCarryTheArrayIdAndIndex() {
        Fixture f = Fixture.load("slurm", "squeue-mixed-ranges");
        List<JobStatus> elements = slurm.parseStatus(f.exitCode(), f.stdout(), f.stderr()).stream()
                .filter(st -> st.jobId().value().equals("27")).toList();
        assertEquals(List.of(1, 3, 5, 6, 7), elements.stream().map(JobStatus::arrayIndex).toList());
        elements.forEach(st -> assertEquals(JobState.QUEUED, st.state()));
        elements.forEach(st -> assertEquals("PENDING", st.rawState()));
    }

    @Test
    void aCancelledPendingElementVanishes() {
        Map<String, String> s = read("squeue-element-cancelled");
        assertTrue(s.containsKey("27_3") && s.containsKey("27_6"));
        assertTrue(!s.containsKey("27_5"), "Slurm drops an element cancelled while pending at once");
    }

    @Test
    void timeoutAndArrayLimit() {
        Map<String, String> s = read("squeue-timeout-array-limit");
        assertEquals("FAILED TIMEOUT", s.get("25"));
        assertEquals("SUCCEEDED", s.get("26_2"));
        assertEquals("SUCCEEDED", s.get("26_3"));
        assertEquals("RUNNING", s.get("26_4"));
        assertEquals("QUEUED", s.get("26_5")); // JobArrayTaskLimit
        assertTrue(!s.containsKey("21") && !s.containsKey("26_0"), "purged by then");
    }

    @Test
    void wholeArrayCancelledWhilePending() {
        Map<String, String> s = read("squeue-array-cancelled-ranges");
        for (int i : new int[] {1, 3, 6, 7}) {
            assertEquals("CANCELLED CANCELLED", s.get("27_" + i));
        }
        assertEquals("QUEUED", s.get("26_6"));
        assertEquals("QUEUED", s.get("26_7"));
    }

    @Test
    void arrayWhoseEarlyElementsArePurged() {
        assertEquals(Map.of("26_7", "SUCCEEDED", "26_6", "SUCCEEDED"), read("squeue-array-partly-purged"));
    }

    @Test
    void suspendedHeldAndRequeueHeld() {
        Map<String, String> s = read("squeue-suspended-held");
        assertEquals("RUNNING", s.get("43")); // SUSPENDED: started, still holds its allocation
        assertEquals("QUEUED", s.get("44")); // PENDING, "job requeued in held state"
        assertEquals("QUEUED", s.get("45")); // PENDING, JobHeldUser
    }

    @Test
    void cancelledRunningAndHeldJobs() {
        assertEquals(Map.of("43", "CANCELLED CANCELLED", "44", "CANCELLED CANCELLED", "45", "CANCELLED CANCELLED"),
                read("squeue-cancelled"));
    }

    @Test
    void nodeFailureAndRequeue() {
        Map<String, String> s = read("squeue-node-fail");
        assertEquals("FAILED NODE_FAIL", s.get("46")); // --no-requeue
        assertEquals("QUEUED", s.get("47")); // requeued by Slurm
    }

    @Test
    void deadline() {
        assertEquals(Map.of("50", "FAILED DEADLINE", "48", "RUNNING"), read("squeue-deadline"));
    }

    @Test
    void outOfMemoryInTheDocumentedFormat() {
        Map<String, String> s = read("squeue-oom-synthesized");
        assertEquals("FAILED OUT_OF_MEMORY", s.get("60"));
        assertEquals("FAILED OUT_OF_MEMORY", s.get("61_2"));
        assertEquals("SUCCEEDED", s.get("61_3"));
    }

    @Test
    void plainJobsHaveNoArrayIndexAndKeepTheRawState() {
        Fixture f = Fixture.load("slurm", "squeue-timeout-array-limit");
        JobStatus timeout = slurm.parseStatus(f.exitCode(), f.stdout(), f.stderr()).stream()
                .filter(st -> st.jobId().value().equals("25")).findFirst().orElseThrow();
        assertEquals(null, timeout.arrayIndex());
        assertEquals("TIMEOUT", timeout.rawState());
    }

    @Test
    void oneRequestedIdPurgedIsAnEmptyAnswer() {
        Fixture f = Fixture.load("slurm", "squeue-purged-one");
        assertEquals(1, f.exitCode());
        assertTrue(f.stderr().contains("Invalid job id specified"));
        assertEquals(List.of(), slurm.parseStatus(f.exitCode(), f.stdout(), f.stderr()));
        // the same message merged into stdout by a runner
        assertEquals(List.of(), slurm.parseStatus(1, f.stderr(), ""));
    }

    @Test
    void allRequestedIdsPurgedIsAnEmptyAnswer() {
        assertEquals(Map.of(), read("squeue-purged-all"));
        assertEquals(Map.of(), read("squeue-empty"));
    }

    @Test
    void somePurgedIdsAreSimplyAbsent() {
        Map<String, String> s = read("squeue-purged-some");
        assertTrue(!s.containsKey("21") && !s.containsKey("22"));
        assertEquals("FAILED TIMEOUT", s.get("25"));
        assertEquals("QUEUED", s.get("27_7"));
    }

    @Test
    void withoutStatesAllFinishedJobsAreMissing() {
        // why the status command asks for --states=all
        Map<String, String> expected = new LinkedHashMap<>();
        for (int i = 1; i <= 7; i++) {
            expected.put("26_" + i, "QUEUED");
        }
        for (int i : new int[] {1, 3, 5, 6, 7}) {
            expected.put("27_" + i, "QUEUED");
        }
        expected.put("25", "RUNNING");
        expected.put("26_0", "RUNNING");
        assertEquals(expected,
                read("squeue-without-states-all"));
    }

    @Test
    void controllerDownIsAnErrorNotAnEmptyAnswer() {
        Fixture f = Fixture.load("slurm", "squeue-controller-down");
        SchedulerOutputException e = assertThrows(SchedulerOutputException.class,
                () -> slurm.parseStatus(f.exitCode(), f.stdout(), f.stderr()));
        assertTrue(e.getMessage().contains("Unable to contact slurm controller"), e.getMessage());
        assertTrue(e.getMessage().contains("exited 1"), e.getMessage());
    }

    @Test
    void purgeMessageMixedWithAnotherErrorIsAnError() {
        assertThrows(SchedulerOutputException.class, () -> slurm.parseStatus(1, "",
                "slurm_load_jobs error: Invalid job id specified\nsqueue: error: something else\n"));
        assertThrows(SchedulerOutputException.class, () -> slurm.parseStatus(1, "", ""));
        assertThrows(SchedulerOutputException.class, () -> slurm.parseStatus(255, null, null));
    }

    @Test
    void squeuesOwnTableIsRejectedNotMisread() {
        Fixture f = Fixture.load("slurm", "squeue-default-format");
        assertThrows(SchedulerOutputException.class, () -> slurm.parseStatus(f.exitCode(), f.stdout(), f.stderr()));
    }

    @Test
    void brokenOutputIsAnErrorQuotingIt() {
        for (String name : List.of("squeue-broken-truncated", "squeue-broken-banner")) {
            Fixture f = Fixture.load("slurm", name);
            SchedulerOutputException e = assertThrows(SchedulerOutputException.class,
                    () -> slurm.parseStatus(f.exitCode(), f.stdout(), f.stderr()), name);
            assertEquals(f.stdout(), e.output(), name);
        }
        for (String bad : List.of("26|RUNNING", "26_x|RUNNING|None", "26_[3-1]|PENDING|None", "26_[]|PENDING|None",
                "26_[1,,2]|PENDING|None", "|RUNNING|None", "26||None", "26|running|None", "26|42|None",
                "26+0|RUNNING|None", "26_99999999999|RUNNING|None", "26_[0-99999999]|PENDING|None")) {
            assertThrows(SchedulerOutputException.class, () -> slurm.parseStatus(0, bad + "\n", ""), bad);
        }
    }

    @Test
    void reasonMayHoldSpacesAndBars() {
        assertEquals(Map.of("44", "QUEUED"), summary(slurm.parseStatus(0, "44|PENDING|job requeued in held state\n", "")));
        assertEquals(Map.of("9", "QUEUED"), summary(slurm.parseStatus(0, "9|PENDING|odd | reason\n", "")));
    }

    @Test
    void stepSyntaxInARangeLine() {
        assertEquals(Map.of("5_0", "QUEUED", "5_4", "QUEUED", "5_8", "QUEUED", "5_11", "QUEUED"),
                summary(slurm.parseStatus(0, "5_[0-8:4,11%2]|PENDING|JobArrayTaskLimit\n", "")));
    }
}
