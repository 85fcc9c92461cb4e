package dev.hwf.pbs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.hwf.api.JobId;
import dev.hwf.api.SchedulerOutputException;
import dev.hwf.testing.Fixture;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Torque's qstat -f: on output captured from Slurm's Torque wrappers (slurm-wlm-torque 22.05.8) and on
 * records in the format Torque 6 documents (fixtures/torque/README.md).
 */
class TorqueStatusTest {
    private final PbsAdapter torque = new PbsAdapter("torque");

    private Map<String, String> read(String fixture) {
        Fixture f = Fixture.load("torque", fixture);
        return PbsProStatusTest.summary(torque.parseStatus(f.exitCode(), f.stdout(), f.stderr()));
    }

    @Test
    void oneQstatCallAndMinusTOnlyWhenAnArrayIsAsked() {
        assertEquals(List.of("qstat", "-f", "193", "194"),
                torque.statusCommand(List.of(new JobId("193"), new JobId("194"))).argv());
        assertEquals(List.of("qstat", "-f", "-t", "4501", "4505[]"),
                torque.statusCommand(List.of(new JobId("4501"), new JobId("4505[]"))).argv());
    }

    @Test
    void runningQueuedHeldAndCompletedThroughTheWrappers() {
        // 193 running, 194 ended (exit 3), 195 held, 196 an array still pending
        Map<String, String> expected = new LinkedHashMap<>();
        expected.put("193", "RUNNING");
        // 194: C without an exit status (the wrappers print none): left out, the exit code file decides
        expected.put("195", "QUEUED");
        expected.put("196", "QUEUED");
        assertEquals(expected, read("qstat-f-mixed"));
    }

    @Test
    void anArrayThroughTheWrappersIsOneJobLevelAnswer() {
        Map<String, String> expected = new LinkedHashMap<>();
        expected.put("195", "QUEUED");
        expected.put("196", "RUNNING");
        assertEquals(expected, read("qstat-f-array-running"));
        assertEquals(Map.of("195", "QUEUED"), read("qstat-f-purged-some"));
    }

    @Test
    void suspendedCountsAsRunningAndCancelledJobsShowAsCompleted() {
        Map<String, String> expected = new LinkedHashMap<>();
        expected.put("195", "QUEUED");
        expected.put("240", "RUNNING");
        assertEquals(expected, read("qstat-f-suspended-held"));
        assertEquals(Map.of(), read("qstat-f-cancelled"));
    }

    @Test
    void unknownJobsAreAbsentNotAnError() {
        Fixture f = Fixture.load("torque", "qstat-f-unknown");
        assertEquals(153, f.exitCode());
        assertEquals(Map.of(), read("qstat-f-unknown"));
        assertEquals(Map.of("4507", "RUNNING"), read("torque6-qstat-f-unknown-some-documented"));
    }

    @Test
    void torqueExitStatusesWithTheirReasons() {
        Map<String, String> expected = new LinkedHashMap<>();
        expected.put("4501", "SUCCEEDED");
        expected.put("4502", "FAILED exit 3");
        expected.put("4503", "FAILED TIMEOUT");        // -11 walltime
        expected.put("4504", "FAILED OUT_OF_MEMORY");  // -10 memory
        expected.put("4506", "FAILED signal 15");      // 271: deleted while running
        expected.put("4507", "RUNNING");
        expected.put("4508", "QUEUED");
        expected.put("4509", "QUEUED");   // H
        expected.put("4510", "RUNNING");  // E
        expected.put("4511", "QUEUED");   // W
        expected.put("4512", "RUNNING");  // S
        expected.put("4513", "QUEUED");   // T
        // 4514: C without exit_status: left out
        assertEquals(expected, read("torque6-qstat-f-documented"));
    }

    @Test
    void elementsOfAnArrayWithMinusT() {
        Map<String, String> expected = new LinkedHashMap<>();
        expected.put("4505[]_0", "SUCCEEDED");
        expected.put("4505[]_1", "FAILED exit 1");
        expected.put("4505[]_2", "RUNNING");
        expected.put("4505[]_3", "QUEUED");
        assertEquals(expected, read("torque6-qstat-f-t-array-documented"));
        // without -t: the array's own line, while it is live; a finished one says nothing
        assertEquals(Map.of("4505[]", "RUNNING"), read("torque6-qstat-f-array-summary-documented"));
    }

    @Test
    void continuationLinesAreJoinedToTheirAttribute() throws Exception {
        List<TorqueRecords.Job> jobs = TorqueRecords.parse(Fixture.load("torque", "torque6-qstat-f-documented").stdout());
        Map<String, String> a = jobs.get(0).attributes();
        assertEquals("login1.example.org:/scratch/alice/hwf/lucid-dose-20261122-101500-1a2b/simulate/"
                + "hwf-lucid-dose-20261122-101500-1a2b-simulate-1.e4501", a.get("Error_Path"));
        assertEquals(true, a.get("Variable_List").contains(",PBS_O_PATH=/usr/local/bin:/usr/bin:/bin,"));
        assertEquals("0", a.get("exit_status"));
    }

    @Test
    void outputThatIsNoAnswerThrows() {
        Fixture down = Fixture.load("torque", "torque6-qstat-server-down-documented");
        assertThrows(SchedulerOutputException.class,
                () -> torque.parseStatus(down.exitCode(), down.stdout(), down.stderr()));
        Fixture table = Fixture.load("torque", "qstat-brief-mixed");
        assertThrows(SchedulerOutputException.class,
                () -> torque.parseStatus(table.exitCode(), table.stdout(), table.stderr()));
        assertThrows(SchedulerOutputException.class, () -> torque.parseStatus(2, "",
                "Unknown option: t\nUsage:\n    qstat [-f] [-a|-i|-r]\n"));
        assertThrows(SchedulerOutputException.class,
                () -> torque.parseStatus(0, "Job Id: 5\n\tJob_Name = x\n", ""));
        assertThrows(SchedulerOutputException.class,
                () -> torque.parseStatus(0, "Job Id: 5\n\tjob_state = C\n\texit_status = none\n", ""));
        assertThrows(SchedulerOutputException.class,
                () -> torque.parseStatus(0, "Job Id: five\n\tjob_state = R\n", ""));
        String cut = Fixture.load("torque", "qstat-f-mixed").stdout();
        assertThrows(SchedulerOutputException.class,
                () -> torque.parseStatus(0, cut.substring(0, cut.indexOf("Job Id:", 10) + 5), ""));
    }

    @Test
    void emptyOutputIsAnEmptyAnswer() {
        assertEquals(List.of(), torque.parseStatus(0, "", ""));
    }
}
