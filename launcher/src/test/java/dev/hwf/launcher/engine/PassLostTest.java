package dev.hwf.launcher.engine;

import static dev.hwf.launcher.engine.support.FixtureRunner.fixture;
import static dev.hwf.launcher.engine.support.PassHarness.LOST_AFTER;
import static dev.hwf.launcher.engine.support.PassHarness.element;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.hwf.api.JobState;
import dev.hwf.launcher.journal.ElementRecord;
import dev.hwf.launcher.journal.RunSnapshot;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Jobs that vanish from squeue without an exit code file: missing for less than lostAfter they
 * stay live; after it, sacct is asked, and only when it knows nothing are they LOST.
 */
class PassLostTest extends PassTestCase {
    private static final String JOB = "7001";
    private static final String JOB2 = "7002";

    private static String plain(int retries) {
        return """
                name: vanish
                scheduler: slurm
                tasks:
                  - name: a
                    retries: %d
                    command: ./long-job
                """.formatted(retries);
    }

    /** Passes 1 and 2: a's job is submitted as JOB and seen RUNNING. */
    private void submittedAndRunning() {
        h.runner.on("sbatch", fixture("slurm/sbatch-parsable-plain").withJobId("21", JOB));
        h.pass();
        h.runner.on("squeue", fixture("slurm/squeue-mixed").withJobId("25", JOB));
        assertEquals(JobState.RUNNING, h.passAfter(Duration.ofSeconds(30)).task("a").state());
    }

    /**
     * A pass where squeue no longer knows the job: asked about one id it has purged, squeue exits 1
     * with "Invalid job id specified", which the adapter reads as an empty answer.
     */
    private RunSnapshot goneFromSqueueAfter(Duration d) {
        h.runner.on("squeue", fixture("slurm/squeue-purged-one"));
        return h.passAfter(d);
    }

    /**
     * The job is missing from pass 3 on; missing for just under lostAfter it is still RUNNING and
     * sacct has not been asked. Returns when it went missing.
     */
    private Instant missingForJustUnderLostAfter() {
        submittedAndRunning();
        RunSnapshot s = goneFromSqueueAfter(Duration.ofSeconds(60));
        Instant since = h.clock.instant();
        assertEquals(JobState.RUNNING, element(s, "a", 0).state());
        assertEquals(since, element(s, "a", 0).missingSince());

        s = goneFromSqueueAfter(LOST_AFTER.minusSeconds(1));
        assertEquals(JobState.RUNNING, element(s, "a", 0).state());
        assertEquals(since, element(s, "a", 0).missingSince(), "missing since it was first missed");
        assertEquals(List.of(), h.runner.sent("sacct"));
        return since;
    }

    @Test
    void aJobMissingLongerThanLostAfterWithAccountingOffIsLost() {
        h.start(plain(0));
        missingForJustUnderLostAfter();

        // lostAfter has passed: sacct is asked; this cluster keeps no accounting
        h.runner.on("squeue", fixture("slurm/squeue-purged-one"));
        h.runner.on("sacct", fixture("slurm/sacct-accounting-disabled"));
        RunSnapshot s = h.passAfter(Duration.ofSeconds(1));
        assertEquals(List.of(List.of("sacct", "--noheader", "--parsable2", "--allocations", "--jobs=" + JOB,
                "--format=JobID,State,ExitCode")), h.runner.sent("sacct"));
        ElementRecord a = element(s, "a", 0);
        assertEquals(JobState.FAILED, a.state());
        assertEquals("LOST", a.reason());
        assertNull(a.exitCode());
        assertNull(a.missingSince());
        assertEquals("FAILED", s.run().state());
        assertEquals("task a failed: LOST", s.run().reason());
        assertEquals(1, h.runner.sent("sbatch").size());
    }

    @Test
    void aJobListedAgainAfterAGapStartsLostAfterAfreshAtTheNextGap() {
        h.start(plain(0));
        submittedAndRunning();
        RunSnapshot s = goneFromSqueueAfter(Duration.ofSeconds(30));
        assertEquals(h.clock.instant(), element(s, "a", 0).missingSince());

        // squeue lists it again: the gap is over
        h.runner.on("squeue", fixture("slurm/squeue-mixed").withJobId("25", JOB));
        s = h.passAfter(Duration.ofSeconds(30));
        assertEquals(JobState.RUNNING, element(s, "a", 0).state());
        assertNull(element(s, "a", 0).missingSince());

        // long after, one more miss: a new gap, not one that began at the first miss
        h.runner.on("squeue", fixture("slurm/squeue-mixed").withJobId("25", JOB));
        h.passAfter(LOST_AFTER.multipliedBy(5));
        s = goneFromSqueueAfter(Duration.ofSeconds(30));
        assertEquals(JobState.RUNNING, element(s, "a", 0).state(), "not LOST at the first miss of a new gap");
        assertEquals(h.clock.instant(), element(s, "a", 0).missingSince());
        assertEquals(List.of(), h.runner.sent("sacct"));
    }

    @Test
    void aLostJobOfATaskWithRetriesIsSubmittedAgain() {
        h.start(plain(1));
        missingForJustUnderLostAfter();

        h.runner.on("squeue", fixture("slurm/squeue-purged-one"));
        h.runner.on("sacct", fixture("slurm/sacct-accounting-disabled"));
        h.runner.on("sbatch", fixture("slurm/sbatch-parsable-plain").withJobId("21", JOB2));
        RunSnapshot s = h.passAfter(Duration.ofSeconds(1));
        assertEquals(List.of("LOST; retry 1 of 1"), h.reasons("a", 0, "WAITING"));
        assertEquals(List.of(), h.reasons("a", 0, "FAILED"), "a retried element does not fail");
        assertEquals(List.of(h.sbatch("a", 1), h.sbatch("a", 2)), h.runner.sent("sbatch"));
        ElementRecord a = element(s, "a", 0);
        assertEquals(JobState.QUEUED, a.state());
        assertEquals(2, a.attempt());
        assertEquals(JOB2, a.jobId());
        assertNull(a.missingSince());
        assertEquals("RUNNING", s.run().state());
    }

    @Test
    void accountingTellsHowEachArrayElementEndedInsteadOfLost() {
        h.start("""
                name: vanish
                scheduler: slurm
                tasks:
                  - name: t
                    array: 4
                    command: ./simulate
                """);
        h.runner.on("sbatch", fixture("slurm/sbatch-parsable-array").withJobId("39", JOB));
        h.pass();
        RunSnapshot s = goneFromSqueueAfter(Duration.ofSeconds(30));
        for (int i = 0; i < 4; i++) {
            assertEquals(h.clock.instant(), element(s, "t", i).missingSince(), "element " + i);
        }

        // sacct on a cluster with accounting: array 142's elements COMPLETED, FAILED, TIMEOUT, OUT_OF_MEMORY
        h.runner.on("squeue", fixture("slurm/squeue-purged-one"));
        h.runner.on("sacct", fixture("slurm/sacct-history-synthesized").withJobId("142", JOB));
        s = h.passAfter(LOST_AFTER);
        // COMPLETED in the accounting, but no exit code file of its own: never a success
        assertEquals(JobState.FAILED, element(s, "t", 0).state());
        assertEquals(RetryPolicy.NO_EXIT_FILE, element(s, "t", 0).reason());
        String[] reasons = {null, "FAILED", "TIMEOUT", "OUT_OF_MEMORY"};
        for (int i = 1; i < 4; i++) {
            assertEquals(JobState.FAILED, element(s, "t", i).state(), "element " + i);
            assertEquals(reasons[i], element(s, "t", i).reason(), "element " + i);
            assertNull(element(s, "t", i).exitCode(), "no exit code file, so no exit code");
        }
        assertEquals(JobState.FAILED, s.task("t").state());
        assertEquals("element 0: " + RetryPolicy.NO_EXIT_FILE, s.task("t").reason());
        assertEquals(List.of(), h.journal.events(h.runId()).stream().filter(e -> "LOST".equals(e.reason())).toList());
    }

    @Test
    void accountingEndStateIsRetriedLikeAnyFailure() {
        h.start(plain(1));
        missingForJustUnderLostAfter();

        // sacct: job 145 of the capture ended NODE_FAIL
        h.runner.on("squeue", fixture("slurm/squeue-purged-one"));
        h.runner.on("sacct", fixture("slurm/sacct-history-synthesized").withJobId("145", JOB));
        h.runner.on("sbatch", fixture("slurm/sbatch-parsable-plain").withJobId("21", JOB2));
        RunSnapshot s = h.passAfter(Duration.ofSeconds(1));
        assertEquals(List.of("NODE_FAIL; retry 1 of 1"), h.reasons("a", 0, "WAITING"));
        assertEquals(2, element(s, "a", 0).attempt());
        assertEquals(JOB2, element(s, "a", 0).jobId());
    }
}
