package dev.hwf.pbs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hwf.api.JobId;
import dev.hwf.api.JobStatus;
import dev.hwf.api.SchedulerOutputException;
import dev.hwf.testing.Fixture;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** PBS Pro's qstat -x -f -F json -t, on output in the documented format (fixtures/pbspro/README.md). */
class PbsProStatusTest {
    private final PbsAdapter pro = new PbsAdapter("pbspro");

    private Map<String, String> read(String fixture) {
        Fixture f = Fixture.load("pbspro", fixture);
        return summary(pro.parseStatus(f.exitCode(), f.stdout(), f.stderr()));
    }

    /** "ID" or "ID_INDEX" -> "STATE" or "STATE REASON", in output order. */
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
    void oneQstatCallForAllJobsWithHistoryAndElements() {
        assertEquals(List.of("qstat", "-x", "-f", "-F", "json", "-t", "1201", "1205[]", "1202"),
                pro.statusCommand(List.of(new JobId("1201"), new JobId("1205[]"), new JobId("1202"), new JobId("1201")))
                        .argv());
        assertThrows(IllegalArgumentException.class, () -> pro.statusCommand(List.of(new JobId("1201.pbs01"))));
        assertThrows(IllegalArgumentException.class, () -> pro.statusCommand(List.of()));
    }

    @Test
    void everyLiveStateOfARun() {
        Map<String, String> expected = new LinkedHashMap<>();
        expected.put("1201", "RUNNING");
        expected.put("1202", "QUEUED");
        expected.put("1203", "QUEUED");   // H: held
        expected.put("1204", "QUEUED");   // W: waiting for its start time
        expected.put("1206", "RUNNING");  // E: exiting
        expected.put("1207", "RUNNING");  // S: suspended
        expected.put("1208", "RUNNING");  // U: suspended, workstation busy
        expected.put("1209", "QUEUED");   // T: in transit
        expected.put("1210", "QUEUED");   // M: moved to another server; never an end
        assertEquals(expected, read("qstat-mixed"));
    }

    @Test
    void anArrayAndEachOfItsElementsWithZeroBasedIndices() {
        Map<String, String> expected = new LinkedHashMap<>();
        expected.put("1205[]", "RUNNING");     // B: the array has begun
        expected.put("1205[]_0", "SUCCEEDED"); // X with Exit_status 0
        expected.put("1205[]_1", "FAILED exit 3");
        expected.put("1205[]_2", "RUNNING");
        expected.put("1205[]_3", "QUEUED");
        assertEquals(expected, read("qstat-array"));
    }

    @Test
    void finishedJobsFromTheServersHistory() {
        Map<String, String> expected = new LinkedHashMap<>();
        expected.put("1211", "SUCCEEDED");
        expected.put("1212", "FAILED exit 3");
        expected.put("1213", "FAILED TIMEOUT");        // Exit_status -29
        expected.put("1214", "FAILED OUT_OF_MEMORY");  // Exit_status -27
        expected.put("1215", "CANCELLED CANCELLED");   // substate 91: deleted with qdel while running
        expected.put("1216", "CANCELLED CANCELLED");   // deleted before it ran: no Exit_status
        expected.put("1217", "FAILED signal 9");       // 256 + 9
        // 1218: finished without an Exit_status: left out, the exit code file decides
        expected.put("1219", "FAILED pbs exec -1");
        // 1205[]: a finished array says nothing itself; its elements do
        assertEquals(expected, read("qstat-history"));
    }

    @Test
    void jobsQstatNoLongerKnowsAreAbsent() {
        assertEquals(Map.of("1201", "RUNNING"), read("qstat-unknown-some"));
        assertEquals(Map.of(), read("qstat-unknown-all"));
        assertEquals(Map.of(), read("qstat-no-jobs"));
    }

    @Test
    void brokenEscapesControlCharactersAndStrayQuotesAreReadLeniently() {
        Fixture f = Fixture.load("pbspro", "qstat-broken-escapes");
        Map<String, String> expected = new LinkedHashMap<>();
        expected.put("1231", "RUNNING");
        expected.put("1232", "SUCCEEDED");
        assertEquals(expected, summary(pro.parseStatus(f.exitCode(), f.stdout(), f.stderr())));
    }

    @Test
    void outputThatIsNoAnswerThrowsSoEveryJobStaysUnknown() {
        for (String name : List.of("qstat-truncated", "qstat-banner", "qstat-server-down", "qstat-table")) {
            Fixture f = Fixture.load("pbspro", name);
            assertThrows(SchedulerOutputException.class, () -> pro.parseStatus(f.exitCode(), f.stdout(), f.stderr()),
                    name);
        }
        assertThrows(SchedulerOutputException.class, () -> pro.parseStatus(0, "{\"Jobs\":{\"1.s\":{\"job_state\":\"r\"}}}",
                ""));
        assertThrows(SchedulerOutputException.class, () -> pro.parseStatus(0, "{\"Jobs\":{\"x.s\":{\"job_state\":\"R\"}}}",
                ""));
        assertThrows(SchedulerOutputException.class, () -> pro.parseStatus(0, "{\"Jobs\":{\"1.s\":{}}}", ""));
        assertThrows(SchedulerOutputException.class, () -> pro.parseStatus(0,
                "{\"Jobs\":{\"1.s\":{\"job_state\":\"F\",\"Exit_status\":\"three\"}}}", ""));
        assertThrows(SchedulerOutputException.class, () -> pro.parseStatus(0, "{\"hello\":1}", ""));
    }

    @Test
    void aNewStateLetterIsNeverAnEnd() {
        List<JobStatus> s = pro.parseStatus(0, "{\"Jobs\":{\"9.pbs01\":{\"job_state\":\"K\"}}}", "");
        assertEquals(1, s.size());
        assertEquals("QUEUED", s.get(0).state().name());
        assertEquals("K", s.get(0).rawState());
        assertEquals(null, s.get(0).reason());
    }

    @Test
    void theServerNameNeverMattersForMatching() {
        Map<String, String> m = summary(pro.parseStatus(0, "{\"Jobs\":{\"9.pbs01.example.org\":{\"job_state\":\"R\"},"
                + "\"10[3].pbs01\":{\"job_state\":\"Q\",\"array_index\":3}}}", ""));
        assertEquals(Map.of("9", "RUNNING", "10[]_3", "QUEUED"), m);
        assertTrue(pro.historyCommand(List.of(new JobId("9"))) == null, "qstat -x is already the history");
    }
}
