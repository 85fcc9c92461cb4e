package dev.hwf.launcher.engine;

import static dev.hwf.launcher.engine.support.FixtureRunner.output;
import static dev.hwf.launcher.engine.support.PassHarness.element;
import static dev.hwf.launcher.engine.support.PassHarness.squeue;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.hwf.api.JobState;
import dev.hwf.launcher.journal.RunSnapshot;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Dependants handed to Slurm early ({@code site.dependencies: scheduler}, the default), pass by
 * pass: a chain goes out in one pass, each job under afterok on the one before; a failure takes the
 * queued dependants back in the pass that saw it (one scancel for the whole chain); a retry has them
 * follow the new job; hwf killed between the cancel and its record loses nothing and leaves nothing
 * pending. The sbatch lines are the ones Slurm 22.05 took on the test cluster (SlurmDependencyTest).
 */
class PassDependencyTest extends PassTestCase {
    private static final String A = "7001";
    private static final String B = "7002";
    private static final String C = "7003";

    private static final String CHAIN = """
            name: chain
            scheduler: slurm
            tasks:
              - name: a
                command: ./a
                retries: %d
              - name: b
                after: [a]
                command: ./b
              - name: c
                after: [b]
                command: ./c
            """;

    /** Pass 1: the whole chain goes out, each under afterok on the one before. */
    private void submitChain(int retries) {
        h.start(CHAIN.formatted(retries));
        h.runner.on("sbatch", output(0, A + "\n", "")).then(output(0, B + "\n", "")).then(output(0, C + "\n", ""));
        RunSnapshot s = h.pass();
        assertEquals(List.of(h.sbatch("a", 1), h.sbatch("b", 1, "afterok:" + A), h.sbatch("c", 1, "afterok:" + B)),
                h.runner.sent());
        assertEquals(List.of(A, B, C), List.of(s.task("a").jobId(), s.task("b").jobId(), s.task("c").jobId()));
    }

    /** a wrote exit 3; Slurm lists it FAILED and its dependants pending; a scancel is answered. */
    private void headFailed() {
        h.files.exitFile(h.dir("a"), 1, 0, 3);
        h.runner.on("squeue", output(0, A + "|FAILED|NonZeroExitCode\n" + B + "|PENDING|DependencyNeverSatisfied\n"
                + C + "|PENDING|Dependency\n", ""));
        h.runner.on("scancel", output(0, "", ""));
    }

    @Test
    void aChainGoesOutInOnePassEachWaitingInTheQueueForTheOneBefore() {
        submitChain(0);
        h.runner.on("squeue", output(0, A + "|RUNNING|None\n" + B + "|PENDING|Dependency\n" + C
                + "|PENDING|Dependency\n", ""));
        RunSnapshot s = h.passAfter(Duration.ofSeconds(5));
        assertEquals(squeue(A + "," + B + "," + C), h.runner.sent().get(3));
        assertEquals(JobState.QUEUED, s.task("b").state());

        h.files.exitFile(h.dir("a"), 1, 0, 0);
        h.files.exitFile(h.dir("b"), 1, 0, 0);
        h.files.exitFile(h.dir("c"), 1, 0, 0);
        h.runner.on("squeue", output(0, "", ""));
        s = h.passAfter(Duration.ofSeconds(5));
        assertEquals("SUCCEEDED", s.run().state());
        assertEquals(3, h.runner.sent("sbatch").size(), "each task submitted once");
    }

    @Test
    void withDependenciesHwfADependantGoesOnlyOnceItsUpstreamSucceeded() {
        h.start(CHAIN.formatted(0).replace("scheduler: slurm\n", "scheduler: slurm\nsite: {dependencies: hwf}\n"));
        h.runner.on("sbatch", output(0, A + "\n", ""));
        h.pass();
        assertEquals(List.of(h.sbatch("a", 1)), h.runner.sent());
        h.files.exitFile(h.dir("a"), 1, 0, 0);
        h.runner.on("squeue", output(0, A + "|COMPLETED|None\n", ""));
        h.runner.on("sbatch", output(0, B + "\n", ""));
        h.passAfter(Duration.ofSeconds(5));
        assertEquals(h.sbatch("b", 1), h.runner.sent().get(2), "no --dependency: hwf released it");
    }

    @Test
    void aFailedUpstreamTakesTheWholeQueuedChainBackInThePassThatSawIt() {
        submitChain(0);
        headFailed();
        RunSnapshot s = h.passAfter(Duration.ofSeconds(5));
        assertEquals(List.of(List.of("scancel", B, C)), h.runner.sent("scancel"), "one cancel for the chain");
        assertEquals(JobState.FAILED, s.task("a").state());
        assertEquals(JobState.CANCELLED, element(s, "b", 0).state());
        assertEquals("upstream a FAILED", element(s, "b", 0).reason());
        assertEquals("upstream b CANCELLED", element(s, "c", 0).reason());
        assertEquals("FAILED", s.run().state());
    }

    @Test
    void aRetriedUpstreamHasItsDependantsFollowTheNewJob() {
        submitChain(1);
        headFailed();
        h.runner.on("sbatch", output(0, "7004\n", "")).then(output(0, "7005\n", "")).then(output(0, "7006\n", ""));
        RunSnapshot s = h.passAfter(Duration.ofSeconds(5));
        List<List<String>> sent = h.runner.sent();
        assertEquals(List.of("scancel", B, C), sent.get(4));
        assertEquals(List.of(h.sbatch("a", 2), h.sbatch("b", 2, "afterok:7004"), h.sbatch("c", 2, "afterok:7005")),
                sent.subList(5, 8));
        assertEquals(List.of(2, 2, 2), List.of(s.task("a").attempt(), s.task("b").attempt(), s.task("c").attempt()));
        assertEquals(1, element(s, "b", 0).tries(), "taking a dependant back uses none of its retries");
        assertEquals("7006", s.task("c").jobId());
    }

    @Test
    void killedBetweenTheCancelAndItsRecordTheNextPassRecordsItAndLeavesNothingPending() {
        submitChain(1);
        headFailed();
        h.passKilledAt("after-cancel-dependants");
        assertEquals(JobState.QUEUED, element(h.snapshot(), "b", 0).state(), "the cancel was not recorded");

        // the next hwf: Slurm says the jobs were cancelled; they were taken back, not cancelled for good
        h.runner.on("squeue", output(0, B + "|CANCELLED|None\n" + C + "|CANCELLED|None\n", ""));
        h.runner.on("scancel", output(0, "", ""));
        h.runner.on("sbatch", output(0, "7004\n", "")).then(output(0, "7005\n", "")).then(output(0, "7006\n", ""));
        RunSnapshot s = h.passAfter(Duration.ofSeconds(5));
        assertEquals(List.of(List.of("scancel", B, C), List.of("scancel", B, C)), h.runner.sent("scancel"));
        assertEquals(List.of("7004", "7005", "7006"),
                List.of(s.task("a").jobId(), s.task("b").jobId(), s.task("c").jobId()));
        assertEquals(List.of(), h.reasons("b", 0, "CANCELLED"), "never recorded cancelled");
    }

    @Test
    void anArrayElementRunAgainIsWaitedForInItsNewJobAndTheOthersOneByOne() {
        h.start("""
                name: arr
                scheduler: slurm
                tasks:
                  - name: a
                    array: 3
                    retries: 1
                    command: ./a
                  - name: b
                    after: [a]
                    command: ./b
                """);
        h.runner.on("sbatch", output(0, A + "\n", "")).then(output(0, B + "\n", ""));
        h.pass();
        assertEquals(h.sbatch("b", 1, "afterok:" + A), h.runner.sent().get(1));

        h.files.exitFile(h.dir("a"), 1, 1, 3);
        h.runner.on("squeue", output(0, A + "_0|RUNNING|None\n" + A + "_1|FAILED|NonZeroExitCode\n" + A
                + "_2|RUNNING|None\n" + B + "|PENDING|DependencyNeverSatisfied\n", ""));
        h.runner.on("scancel", output(0, "", ""));
        h.runner.on("sbatch", output(0, "7004\n", "")).then(output(0, "7005\n", ""));
        RunSnapshot s = h.passAfter(Duration.ofSeconds(5));
        List<List<String>> sent = h.runner.sent();
        assertEquals(List.of("scancel", B), sent.get(3));
        assertEquals(h.sbatch("a", 2), sent.get(4));
        assertEquals(h.sbatch("b", 2, "afterok:" + A + "_0:" + A + "_2:7004"), sent.get(5));
        assertEquals("7005", s.task("b").jobId());
    }
}
