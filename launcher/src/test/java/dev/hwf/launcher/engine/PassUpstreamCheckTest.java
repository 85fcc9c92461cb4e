package dev.hwf.launcher.engine;

import static dev.hwf.launcher.engine.support.FixtureRunner.output;
import static dev.hwf.launcher.engine.support.PassHarness.element;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hwf.api.JobState;
import dev.hwf.launcher.journal.RunSnapshot;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A dependant whose job script found an upstream element not SUCCEEDED and ran nothing (the
 * upstream check, {@code reason.A.I} "not run: upstream a not SUCCEEDED"), pass by pass: never
 * SUCCEEDED, never a used-up try while its upstream may still succeed; a failure, retried like any
 * other, where the journal holds the upstream SUCCEEDED but its file says otherwise.
 */
class PassUpstreamCheckTest extends PassTestCase {
    private static final String A = "7001";
    private static final String B = "7002";

    private static final String CHAIN = """
            name: checked
            scheduler: slurm
            tasks:
              - name: a
                command: ./a
                retries: 1
              - name: b
                after: [a]
                command: ./b
            """;

    private void notRun(int attempt) {
        h.files.put(h.dir("b") + "/reason." + attempt + ".0", "not run: upstream a not SUCCEEDED\n");
        h.files.exitFile(h.dir("b"), attempt, 0, 1);
    }

    @Test
    void aDependantTheSchedulerReleasedTooEarlyRanNothingAndWaitsForItsUpstreamWithItsTryGivenBack() {
        h.start(CHAIN);
        h.runner.on("sbatch", output(0, A + "\n", "")).then(output(0, B + "\n", ""));
        RunSnapshot s = h.pass();
        assertEquals(List.of(h.sbatch("a", 1), h.sbatch("b", 1, "afterok:" + A)), h.runner.sent("sbatch"));
        String script = h.files.jobScript(h.dir("b"), 1);
        assertTrue(script.contains("hwf_upstream " + h.dir("a") + " a 0 0 1:0-0\n"), script);

        // the scheduler started b although a has not succeeded; its check found no exit code file of a's
        notRun(1);
        h.runner.on("squeue", output(0, A + "|RUNNING|None\n" + B + "|FAILED|NonZeroExitCode\n", ""));
        h.runner.on("sbatch", output(0, "7003\n", ""));
        s = h.passAfter(Duration.ofSeconds(5));
        assertEquals(List.of("not run: upstream a not SUCCEEDED"), h.reasons("b", 0, "WAITING"));
        assertEquals(JobState.QUEUED, element(s, "b", 0).state(), "back in the queue under afterok on a");
        assertEquals("7003", element(s, "b", 0).jobId());
        assertEquals(1, element(s, "b", 0).tries(), "the try that ran nothing was given back");
        assertEquals(List.of("sbatch", "afterok:" + A), List.of(h.runner.sent("sbatch").get(2).get(0),
                h.runner.sent("sbatch").get(2).get(1).replace("--dependency=", "")));

        h.files.exitFile(h.dir("a"), 1, 0, 0);
        h.files.exitFile(h.dir("b"), 2, 0, 0);
        h.runner.on("squeue", output(0, "", ""));
        s = h.passAfter(Duration.ofSeconds(5));
        assertEquals("SUCCEEDED", s.run().state());
    }

    @Test
    void anUpstreamThatFailsForGoodCancelsTheDependantThatRanNothing() {
        h.start(CHAIN.replace("retries: 1", "retries: 0"));
        h.runner.on("sbatch", output(0, A + "\n", "")).then(output(0, B + "\n", ""));
        h.pass();
        h.files.exitFile(h.dir("a"), 1, 0, 3);
        notRun(1);
        h.runner.on("squeue", output(0, A + "|FAILED|NonZeroExitCode\n" + B + "|FAILED|NonZeroExitCode\n", ""));
        RunSnapshot s = h.passAfter(Duration.ofSeconds(5));
        assertEquals(JobState.FAILED, element(s, "a", 0).state());
        assertEquals(JobState.CANCELLED, element(s, "b", 0).state());
        assertEquals("upstream a FAILED", element(s, "b", 0).reason());
        assertEquals("FAILED", s.run().state());
        assertEquals(2, h.runner.sent("sbatch").size(), "b was never submitted again");
    }

    @Test
    void aCheckThatFailsThoughTheJournalHoldsTheUpstreamSucceededIsAFailureNotALoop() {
        h.start(CHAIN.replace("retries: 1", "retries: 0") + "    retries: 1\n");
        h.runner.on("sbatch", output(0, A + "\n", "")).then(output(0, B + "\n", ""));
        h.pass();
        h.files.exitFile(h.dir("a"), 1, 0, 0);
        h.runner.on("squeue", output(0, A + "|COMPLETED|None\n" + B + "|PENDING|Dependency\n", ""));
        RunSnapshot s = h.passAfter(Duration.ofSeconds(5));
        assertEquals(JobState.SUCCEEDED, element(s, "a", 0).state());

        // a's exit code file vanished (cleaned up by hand) before b started: b's check fails
        h.files.delete(h.dir("a") + "/exit.1.0");
        notRun(1);
        h.runner.on("squeue", output(0, B + "|FAILED|NonZeroExitCode\n", ""));
        h.runner.on("sbatch", output(0, "7003\n", ""));
        s = h.passAfter(Duration.ofSeconds(5));
        assertEquals(List.of("not run: upstream a not SUCCEEDED (hwf recorded it SUCCEEDED, but its exit code file "
                + "is missing or not 0); retry 1 of 1"), h.reasons("b", 0, "WAITING"));
        assertEquals(2, element(s, "b", 0).tries(), "that try counts");

        notRun(2);
        h.runner.on("squeue", output(0, "7003|FAILED|NonZeroExitCode\n", ""));
        s = h.passAfter(Duration.ofSeconds(5));
        assertEquals(JobState.FAILED, element(s, "b", 0).state());
        assertEquals("FAILED", s.run().state());
        assertEquals(3, h.runner.sent("sbatch").size(), "b went out twice in all, then stopped");
    }
}
