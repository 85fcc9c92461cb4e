package dev.hwf.launcher.engine;

import static dev.hwf.launcher.engine.support.FixtureRunner.output;
import static dev.hwf.launcher.engine.support.PassHarness.element;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hwf.api.JobState;
import dev.hwf.launcher.journal.ElementRecord;
import dev.hwf.launcher.journal.RunSnapshot;
import dev.hwf.launcher.workflow.Pilot;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Pilot mode pass by pass, on the site's files as hwf sees them: packed elements go to the pilots
 * as bundles in the queue, never more than the pilots' window at once; a bundle its agent marked
 * done decides its elements from their exit code files, read by name, and hands back at once one
 * that has none; the rest of the work goes out as elements end.
 */
class PassPilotTest extends PassTestCase {
    private static final int N = Pilot.WINDOW + 100;

    private String queue() {
        return h.dir(Pilot.TASK) + "/queue";
    }

    private long count(RunSnapshot s, JobState state) {
        return s.elements().stream().filter(e -> e.task().equals("score") && e.state() == state).count();
    }

    @Test
    void packedElementsGoOutUpToTheWindowAndTheRestAsADoneBundlesElementsEnd() {
        h.start("name: packed\nscheduler: slurm\npilot: { jobs: 1, cpus: 2 }\ntasks:\n"
                + "  - { name: score, pilot: true, array: " + N + ", command: ./score }\n");
        h.runner.on("sbatch", output(0, "101\n", ""));
        RunSnapshot s = h.pass();
        assertEquals(1, h.runner.sent("sbatch").size(), "one job: the pilot; packed elements are no jobs");
        assertEquals(Pilot.WINDOW, count(s, JobState.QUEUED), "the window's worth queued");
        assertEquals(100, count(s, JobState.WAITING), "the rest wait in the journal");
        List<String> bundles = h.files.list(queue()).stream().filter(f -> f.endsWith(".todo")).sorted().toList();
        assertEquals((Pilot.WINDOW + Pilot.BUNDLE - 1) / Pilot.BUNDLE, bundles.size(), "bundles of 64");
        assertNull(element(s, "score", Pilot.WINDOW).reason(), "held by the window without a reason written "
                + "to each element");

        // an agent of the pilot claims the first bundle, runs it, and marks it done; one element
        // of it left no exit code file (the agent could not start it)
        ElementRecord first = element(s, "score", 0);
        String bundle = first.jobId().substring("pilot:".length());
        String agentDir = h.dir(Pilot.TASK) + "/taken/p0-a1-node1";
        h.files.move(queue() + "/" + bundle + ".todo", agentDir + "/" + bundle + ".done");
        for (int i = 0; i < Pilot.BUNDLE - 1; i++) {
            h.files.exitFile(h.dir("score"), first.attempt(), i, i == 5 ? 3 : 0);
        }
        h.runner.on("squeue", output(0, "101_0|RUNNING|None\n", ""));
        RunSnapshot s2 = h.passAfter(Duration.ofSeconds(5));
        assertEquals(JobState.SUCCEEDED, element(s2, "score", 0).state());
        assertEquals(JobState.FAILED, element(s2, "score", 5).state());
        assertEquals(3, element(s2, "score", 5).exitCode());
        ElementRecord notRun = element(s2, "score", Pilot.BUNDLE - 1);
        assertEquals(ObservePacked.NOT_RUN, h.reasons("score", Pilot.BUNDLE - 1, "WAITING").get(0),
                "handed back at once: its agent is done with its bundle");
        assertTrue(notRun.state() == JobState.QUEUED && !notRun.jobId().equals(first.jobId()),
                "and queued again in a new bundle: " + notRun);
        assertEquals(Pilot.WINDOW, count(s2, JobState.QUEUED), "what ended made room for as many again");
        assertEquals(100 - (Pilot.BUNDLE - 1), count(s2, JobState.WAITING));
        assertEquals(0, count(s2, JobState.RUNNING), "the other bundles are still queued");
    }
}
