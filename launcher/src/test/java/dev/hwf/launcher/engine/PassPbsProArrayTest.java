package dev.hwf.launcher.engine;

import static dev.hwf.launcher.engine.support.FixtureRunner.fixture;
import static dev.hwf.launcher.engine.support.FixtureRunner.output;
import static dev.hwf.launcher.engine.support.PassHarness.LOST_AFTER;
import static dev.hwf.launcher.engine.support.PassHarness.element;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hwf.api.JobState;
import dev.hwf.launcher.journal.RunSnapshot;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * PBS Pro arrays, pass by pass, on output captured from a real OpenPBS 23.06.06 server
 * ({@code fixtures/pbspro/openpbs}). Two silent wrong results were seen there: an element whose job
 * script ended before its command (the server says finished, exit 0) recorded SUCCEEDED, and an
 * {@code afterok} dependant of an array that the server released although an element had failed.
 * Here: an element is SUCCEEDED only on its own exit code file, and a dependant of a PBS Pro array
 * is never handed to the server before the array has SUCCEEDED in hwf's journal.
 */
class PassPbsProArrayTest extends PassTestCase {
    private static final String WORKFLOW = """
            name: pbsarr
            scheduler: pbs
            tasks:
              - name: sim
                array: %d
                retries: %d
                command: ./sim
              - name: dep
                after: [sim]
                command: ./dep
            """;

    private List<List<String>> qsubs() {
        return h.runner.sent("sh");
    }

    @Test
    void anElementTheServerCallsFinishedWithExitZeroButThatRanNothingIsNeverSucceeded() {
        h.start(WORKFLOW.formatted(3, 0));
        h.runner.on("sh", output(0, "17[].pbsvm\n", ""));
        RunSnapshot s = h.pass();
        assertEquals(1, qsubs().size(), "the array alone: its dependant waits for hwf to release it");
        assertFalse(String.join(" ", qsubs().get(0)).contains("depend"), qsubs().get(0).toString());
        assertEquals(JobState.WAITING, element(s, "dep", 0).state());
        assertEquals("17[]", element(s, "sim", 1).jobId());

        // the server: 17[0], 17[1] and 17[2] finished, substate 92, Exit_status 0 — but element 1's job
        // script ended before its command (as an element outside a range's wanted set does) and wrote nothing
        h.files.exitFile(h.dir("sim"), 1, 0, 0);
        h.files.exitFile(h.dir("sim"), 1, 2, 0);
        h.runner.on("qstat", fixture("pbspro/openpbs/array-subjob-exit0-nothing-run").withJobId("17", "17"));
        s = h.passAfter(Duration.ofSeconds(10));
        assertEquals(JobState.SUCCEEDED, element(s, "sim", 0).state());
        assertEquals(JobState.SUCCEEDED, element(s, "sim", 2).state());
        assertTrue(element(s, "sim", 1).state().isLive(), "not SUCCEEDED: " + element(s, "sim", 1));
        assertNotNull(element(s, "sim", 1).missingSince());
        assertEquals(JobState.WAITING, element(s, "dep", 0).state());
        assertEquals(1, qsubs().size());

        h.runner.on("qstat", fixture("pbspro/openpbs/array-subjob-exit0-nothing-run"));
        s = h.passAfter(LOST_AFTER);
        assertEquals(JobState.FAILED, element(s, "sim", 1).state());
        assertEquals(RetryPolicy.NO_EXIT_FILE, element(s, "sim", 1).reason());
        assertEquals(JobState.CANCELLED, element(s, "dep", 0).state(), "its upstream failed: it never runs");
        assertEquals("FAILED", s.run().state());
        assertEquals(1, qsubs().size(), "the dependant was never submitted");
    }

    @Test
    void aFailedElementThatDidNotEndLastNeverLetsTheDependantRunAndItsRetryComesFirst() {
        // OpenPBS released 19, an afterok dependant of 18[], though 18[0] had exited 3: 18[1] ended last with 0
        h.start(WORKFLOW.formatted(2, 1));
        h.runner.on("sh", output(0, "18[].pbsvm\n", ""));
        h.pass();
        h.files.exitFile(h.dir("sim"), 1, 0, 3);
        h.files.exitFile(h.dir("sim"), 1, 1, 0);
        h.runner.on("qstat", fixture("pbspro/openpbs/array-one-failed-not-last"));
        h.runner.on("sh", output(0, "30[].pbsvm\n", "")); // element 0 again, alone
        RunSnapshot s = h.passAfter(Duration.ofSeconds(10));
        assertEquals(JobState.SUCCEEDED, element(s, "sim", 1).state());
        assertEquals(JobState.QUEUED, element(s, "sim", 0).state(), "retried");
        assertEquals("30[]", element(s, "sim", 0).jobId());
        assertEquals(JobState.WAITING, element(s, "dep", 0).state(), "still waits: its upstream runs again");
        assertEquals(2, qsubs().size(), "the retry only");
        // the retry's script runs element 0 only: PBS Pro's -J needs two indices, 0-1, and element 1 ends at once
        String retry = h.files.jobScript(h.dir("sim"), 2);
        assertTrue(retry.contains("#PBS -J 0-1"), retry);
        assertTrue(retry.contains("export HWF_ARRAY_ONLY=0\n"), retry);

        h.files.exitFile(h.dir("sim"), 2, 0, 0);
        h.runner.on("qstat", output(0, "", "")); // the server has nothing more to say of 30[]
        h.runner.on("sh", output(0, "31.pbsvm\n", ""));
        s = h.passAfter(Duration.ofSeconds(10));
        assertEquals(JobState.SUCCEEDED, s.task("sim").state());
        assertEquals(JobState.QUEUED, element(s, "dep", 0).state(), "released by hwf once sim SUCCEEDED");
        assertFalse(String.join(" ", qsubs().get(2)).contains("depend"), qsubs().get(2).toString());
        // its script checks each sim element's exit code file in the attempt that succeeded
        String dep = h.files.jobScript(h.dir("dep"), 1);
        assertTrue(dep.contains("hwf_upstream " + h.dir("sim") + " sim 1 0 2:0-0 1:1-1\n"), dep);
    }

    @Test
    void aWholeJobUpstreamStillGoesToTheServerEarlyUnderAfterok() {
        h.start("""
                name: pbsplain
                scheduler: pbs
                tasks:
                  - name: prep
                    command: ./prep
                  - name: dep
                    after: [prep]
                    command: ./dep
                """);
        h.runner.on("sh", output(0, "40.pbsvm\n", "")).then(output(0, "41.pbsvm\n", ""));
        h.pass();
        assertEquals(2, qsubs().size());
        assertTrue(qsubs().get(1).contains("depend=afterok:40"), qsubs().get(1).toString());
    }
}
