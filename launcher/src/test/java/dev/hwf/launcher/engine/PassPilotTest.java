package dev.hwf.launcher.engine;

import static dev.hwf.launcher.engine.support.FixtureRunner.fixture;
import static dev.hwf.launcher.engine.support.FixtureRunner.output;
import static dev.hwf.launcher.engine.support.PassHarness.SUBMIT_GRACE;
import static dev.hwf.launcher.engine.support.PassHarness.element;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hwf.api.JobState;
import dev.hwf.launcher.engine.phase.ObservePilotBundles;
import dev.hwf.launcher.journal.ElementRecord;
import dev.hwf.launcher.journal.RunSnapshot;
import dev.hwf.launcher.workflow.Pilot;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * Pilot mode pass by pass, on the site's files as hwf sees them: packed elements go to the pilots
 * as bundles in the queue, never more than the pilots' window at once; a bundle its agent marked
 * done decides its elements from their exit code files, read by name, and hands back at once one
 * that has none; the rest of the work goes out as elements end. hwf stopped dead between queueing
 * bundles and recording them: the next process finds them in the queue by name and queues no
 * element twice.
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

        // an agent of the pilot claims the first bundle, runs it, and lists its outcomes in its done
        // file; one element of it has none (the agent could not start it). It has claimed the
        // second bundle too, whose first element has ended (its exit code file) and the rest run.
        ElementRecord first = element(s, "score", 0);
        ElementRecord second = element(s, "score", Pilot.BUNDLE);
        String bundle = first.jobId().substring("pilot:".length());
        String bundle2 = second.jobId().substring("pilot:".length());
        String agentDir = h.dir(Pilot.TASK) + "/taken/p0-a1-node1";
        StringBuilder done = new StringBuilder();
        for (int i = 0; i < Pilot.BUNDLE; i++) {
            done.append(i).append('\t').append(i == Pilot.BUNDLE - 1 ? "" : i == 5 ? "3" : "0").append('\n');
        }
        h.files.move(queue() + "/" + bundle + ".todo", agentDir + "/" + bundle + ".todo");
        h.files.put(agentDir + "/" + bundle + ".done", done.toString());
        h.files.delete(agentDir + "/" + bundle + ".todo");
        h.files.move(queue() + "/" + bundle2 + ".todo", agentDir + "/" + bundle2 + ".todo");
        h.files.exitFile(h.dir("score"), second.attempt(), Pilot.BUNDLE, 0);
        h.runner.on("squeue", output(0, "101_0|RUNNING|None\n", ""));
        RunSnapshot s2 = h.passAfter(Duration.ofSeconds(5));
        assertEquals(JobState.SUCCEEDED, element(s2, "score", Pilot.BUNDLE).state(), "by its exit code file");
        assertEquals(JobState.RUNNING, element(s2, "score", Pilot.BUNDLE + 1).state(), "claimed, not ended");
        assertEquals(JobState.SUCCEEDED, element(s2, "score", 0).state());
        assertEquals(JobState.FAILED, element(s2, "score", 5).state());
        assertEquals(3, element(s2, "score", 5).exitCode());
        ElementRecord notRun = element(s2, "score", Pilot.BUNDLE - 1);
        assertEquals(ObservePilotBundles.NOT_RUN, h.reasons("score", Pilot.BUNDLE - 1, "WAITING").get(0),
                "handed back at once: its agent is done with its bundle");
        assertTrue(notRun.state() == JobState.QUEUED && !notRun.jobId().equals(first.jobId()),
                "and queued again in a new bundle: " + notRun);
        assertEquals(Pilot.WINDOW, count(s2, JobState.QUEUED) + count(s2, JobState.RUNNING),
                "what ended (and the one handed back) made room for as many again");
        assertEquals(100 - Pilot.BUNDLE, count(s2, JobState.WAITING));
        assertEquals(Pilot.BUNDLE - 1, count(s2, JobState.RUNNING), "the second bundle's rest; the others queued");
        assertEquals("p0-a1-node1", s2.attempts().stream().filter(a -> a.task().equals("score")
                && a.attempt() == first.attempt()).findFirst().orElseThrow().ranOn(), "the journal has which pilot "
                + "agent ran the bundle");
        assertTrue(s2.attempts().stream().filter(a -> a.task().equals("score") && a.attempt() != first.attempt()
                && a.attempt() != second.attempt()).allMatch(a -> a.ranOn() == null), "no agent for bundles queued");
    }

    @Test
    void aPilotThatFailsThreeTimesBeforeRunningAnythingIsNotReplacedAndThePackedWorkFailsSayingWhy() {
        h.start("name: packed\nscheduler: slurm\npilot: { jobs: 1, cpus: 2 }\ntasks:\n"
                + "  - { name: score, pilot: true, array: 10, command: ./score }\n");
        h.runner.on("sbatch", output(0, "101\n", ""));
        RunSnapshot s = h.pass();
        for (int job = 101; job <= 103; job++) {
            // the pilot job starts and exits 1 at once (no java on the nodes, say): no agent took anything
            int attempt = s.task(Pilot.TASK).attempt();
            h.files.exitFile(h.dir(Pilot.TASK), attempt, 0, 1);
            h.runner.on("squeue", output(0, job + "_0|FAILED|NonZeroExitCode\n", ""));
            if (job < 103) {
                h.runner.on("sbatch", output(0, (job + 1) + "\n", ""));
            }
            s = h.passAfter(Duration.ofSeconds(5));
        }
        assertEquals(3, h.runner.sent("sbatch").size(), "tried three times, then no more");
        assertEquals(JobState.FAILED, s.task(Pilot.TASK).state());
        assertEquals(JobState.FAILED, s.task("score").state());
        String why = element(s, "score", 0).reason();
        assertTrue(why.startsWith("no pilot could start: pilot 0 failed 3 times before running any element (exit 1); "
                + "see " + h.dir(Pilot.TASK) + "/err.3.0.log"), why);
        assertEquals("FAILED", s.run().state());
    }

    /** The bundles waiting in the queue, by name. */
    private List<String> queued() {
        return h.files.list(queue()).stream().filter(f -> f.endsWith(".todo")).sorted().toList();
    }

    @Test
    void killedBetweenQueueingBundlesAndRecordingThemTheNextProcessFindsThemAndQueuesNoElementTwice() {
        h.start("name: crash\nscheduler: slurm\npilot: { jobs: 1, cpus: 2 }\ntasks:\n"
                + "  - { name: score, pilot: true, array: 100, command: ./score }\n");
        h.passKilledAt("after-claim");
        assertEquals(List.of(), h.runner.sent(), "killed before the pilot's sbatch");
        RunSnapshot claimed = h.snapshot();
        assertTrue(claimed.elements().stream().filter(e -> e.task().equals("score"))
                .allMatch(e -> e.state() == JobState.QUEUED && e.jobId() == null), "claimed, not recorded");
        List<String> bundles = queued();
        assertEquals(2, bundles.size(), "100 elements in bundles of 64: " + bundles);
        List<Integer> indices = new ArrayList<>();
        for (String b : bundles) {
            h.files.text(queue() + "/" + b).lines().forEach(l -> indices.add(Integer.valueOf(l.split("\t")[0])));
        }
        assertEquals(IntStream.range(0, 100).boxed().toList(), indices.stream().sorted().toList(),
                "each element in one bundle");

        // the next hwf: the bundles are found in the queue by name, each element recorded in its own;
        // the pilot's job is not known by name, and within the submit grace it is waited for
        h.runner.on("squeue", "--name=", fixture("slurm/squeue-find-by-name-none"));
        RunSnapshot s = h.passAfter(Duration.ofSeconds(1));
        assertEquals(bundles, queued(), "no bundle queued again");
        assertEquals(2, s.task("score").attempt());
        for (int i = 0; i < 100; i++) {
            ElementRecord e = element(s, "score", i);
            assertEquals(JobState.QUEUED, e.state());
            assertTrue(bundles.contains(e.jobId().substring("pilot:".length()) + ".todo"), e.toString());
        }
        assertEquals(List.of(), h.runner.sent("sbatch"));

        // the grace is over: the pilot is submitted again, the bundles stay as they are
        h.runner.on("squeue", "--name=", fixture("slurm/squeue-find-by-name-none"));
        h.runner.on("sbatch", output(0, "101\n", ""));
        s = h.passAfter(SUBMIT_GRACE);
        assertEquals(1, h.runner.sent("sbatch").size());
        assertEquals(2, s.task(Pilot.TASK).attempt(), "the pilot's claimed attempt never reached Slurm");
        assertEquals(bundles, queued());

        // its agent runs both bundles: every element ends once, by its bundle's done file
        String agentDir = h.dir(Pilot.TASK) + "/taken/p0-a2-node1";
        for (String b : bundles) {
            String name = b.substring(0, b.length() - ".todo".length());
            StringBuilder done = new StringBuilder();
            h.files.text(queue() + "/" + b).lines().forEach(l -> done.append(l.split("\t")[0]).append("\t0\n"));
            h.files.move(queue() + "/" + b, agentDir + "/" + b);
            h.files.put(agentDir + "/" + name + ".done", done.toString());
            h.files.delete(agentDir + "/" + b);
        }
        h.runner.on("squeue", output(0, "101_0|RUNNING|None\n", ""));
        h.passAfter(Duration.ofSeconds(5));
        RunSnapshot end = h.snapshot();
        assertEquals(100, end.counts("score").of(JobState.SUCCEEDED));
        assertEquals(JobState.SUCCEEDED, end.task("score").state());
        assertEquals(2, end.task("score").attempt(), "the two bundles found by name, not queued again");
        assertEquals(List.of(), queued());
    }
}
