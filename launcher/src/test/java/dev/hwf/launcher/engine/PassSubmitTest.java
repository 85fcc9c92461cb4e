package dev.hwf.launcher.engine;

import static dev.hwf.launcher.engine.support.FixtureRunner.fixture;
import static dev.hwf.launcher.engine.support.FixtureRunner.output;
import static dev.hwf.launcher.engine.support.PassHarness.SUBMIT_GRACE;
import static dev.hwf.launcher.engine.support.PassHarness.T0;
import static dev.hwf.launcher.engine.support.PassHarness.element;
import static dev.hwf.launcher.engine.support.PassHarness.squeue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hwf.api.JobState;
import dev.hwf.launcher.engine.support.FixtureRunner.Answer;
import dev.hwf.launcher.journal.ElementRecord;
import dev.hwf.launcher.journal.RunSnapshot;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Submitting, pass by pass, against Slurm's captured answers: a job's way from sbatch to its exit
 * file, submits the controller could not take now, submits it refuses, and retries.
 */
class PassSubmitTest extends PassTestCase {
    /** Job ids of the test's own: no captured output holds them, so a substitution never collides. */
    private static final String JOB = "7001";
    private static final String JOB2 = "7002";

    private static final String PLAIN = """
            name: plain
            scheduler: slurm
            tasks:
              - name: a
                command: echo hi
            """;

    /**
     * sbatch's words when slurmctld did not answer in time (slurm_strerror of
     * SLURM_PROTOCOL_SOCKET_IMPL_TIMEOUT); no capture holds it, as the test cluster's controller
     * was never slow. The job may or may not have been taken.
     */
    private static final Answer SOCKET_TIMEOUT = output(1, "",
            "sbatch: error: Batch job submission failed: Socket timed out on send/recv operation\n");

    @Test
    void aPlainTaskIsSubmittedSeenRunningAndSucceedsOnItsExitFile() {
        h.start(PLAIN);
        String dir = h.dir("a");

        // pass 1: a is ready: one sbatch, and the id it prints is recorded
        h.runner.on("sbatch", fixture("slurm/sbatch-parsable-plain").withJobId("21", JOB));
        RunSnapshot s = h.pass();
        assertEquals(List.of(h.sbatch("a", 1)), h.runner.sent());
        assertEquals(JobState.QUEUED, s.task("a").state());
        assertEquals(JOB, s.task("a").jobId());
        assertEquals(1, s.task("a").attempt());
        assertEquals(T0, s.task("a").submittedAt());
        assertTrue(h.files.jobScript(dir, 1).contains("#SBATCH --job-name=" + h.jobName("a", 1) + "\n"),
                h.files.jobScript(dir, 1));

        // pass 2: squeue lists it RUNNING (captured job 25 plays ours; the capture's other jobs are not ours)
        h.runner.on("squeue", fixture("slurm/squeue-mixed").withJobId("25", JOB));
        s = h.passAfter(Duration.ofSeconds(30));
        assertEquals(squeue(JOB), h.runner.sent().get(1));
        assertEquals(JobState.RUNNING, s.task("a").state());
        assertEquals(T0.plusSeconds(30), s.task("a").startedAt());

        // pass 3: the job wrote exit 0; squeue still lists it, COMPLETED (captured job 21)
        h.files.exitFile(dir, 1, 0, 0);
        h.runner.on("squeue", fixture("slurm/squeue-mixed").withJobId("21", JOB));
        s = h.passAfter(Duration.ofSeconds(30));
        assertEquals(JobState.SUCCEEDED, s.task("a").state());
        assertEquals(0, s.task("a").exitCode());
        assertNull(s.task("a").reason());
        assertEquals("SUCCEEDED", s.run().state());
        assertEquals(T0.plusSeconds(60), s.run().endedAt());

        // the run has ended: a further pass asks the scheduler nothing
        h.passAfter(Duration.ofSeconds(30));
        assertEquals(3, h.runner.sent().size());
        assertEquals(1, h.runner.sent("sbatch").size());
    }

    @Test
    void cancelStopsTheLiveJobAndEndsEveryElementNotYetSubmitted() {
        h.start("""
                name: chain
                scheduler: slurm
                site: {dependencies: hwf}   # b not yet submitted when the run is cancelled
                tasks:
                  - { name: a, command: echo a }
                  - { name: b, after: [a], array: 3, command: echo b }
                """);
        h.runner.on("sbatch", fixture("slurm/sbatch-parsable-plain").withJobId("21", JOB));
        h.pass();

        h.runner.on("scancel", output(0, "", ""));
        h.engine().cancel(h.runId(), "cancelled by the user");
        assertEquals(List.of(List.of("scancel", JOB)), h.runner.sent("scancel"));
        RunSnapshot s = h.journal.snapshot(h.runId());
        assertEquals("CANCELLED", s.run().state());
        for (ElementRecord e : s.elements()) {
            assertEquals(JobState.CANCELLED, e.state(), e.task() + "[" + e.index() + "]");
            assertEquals("cancelled by the user", e.reason());
        }
        assertEquals(1, h.runner.sent("sbatch").size(), "nothing more was submitted");
    }

    @Test
    void aTransientSubmitFailureLeavesTheClaimAndTheJobFoundByNameIsNeverSubmittedAgain() {
        h.start(PLAIN);

        // pass 1: sbatch timed out talking to slurmctld: neither failed nor known
        h.runner.on("sbatch", SOCKET_TIMEOUT);
        RunSnapshot s = h.pass();
        ElementRecord a = element(s, "a", 0);
        assertEquals(JobState.QUEUED, a.state());
        assertNull(a.jobId());
        assertEquals(1, a.attempt());
        assertEquals("RUNNING", s.run().state());
        assertEquals(List.of(), h.reasons("a", 0, "FAILED"));

        // pass 2: it is looked up by its name, and slurmctld did take it
        h.runner.on("squeue", "--name=", fixture("slurm/squeue-find-by-name")
                .withJobName("hwf-find-plain", h.jobName("a", 1)).withJobId("141", JOB));
        h.runner.on("squeue", fixture("slurm/squeue-mixed").withJobId("25", JOB));
        s = h.passAfter(Duration.ofSeconds(30));
        assertEquals(List.of("squeue", "--noheader", "--states=all", "--name=" + h.jobName("a", 1),
                "--format=%F|%j"), h.runner.sent().get(1));
        assertEquals(squeue(JOB), h.runner.sent().get(2));
        assertEquals(JOB, s.task("a").jobId());
        assertEquals(JobState.RUNNING, s.task("a").state());
        assertEquals(1, s.task("a").attempt());

        // long past the submit grace: it is watched, never sent again
        h.runner.on("squeue", fixture("slurm/squeue-mixed").withJobId("25", JOB));
        s = h.passAfter(SUBMIT_GRACE.multipliedBy(2));
        assertEquals(JobState.RUNNING, s.task("a").state());
        assertEquals(List.of(h.sbatch("a", 1)), h.runner.sent("sbatch"));
    }

    @Test
    void aTransientSubmitFailureTheSchedulerDidNotKeepIsSubmittedOnceMoreAfterTheGrace() {
        h.start(PLAIN);
        h.runner.on("sbatch", SOCKET_TIMEOUT);
        h.pass();

        // within the grace: not found by name, but a slow sbatch may still land: wait
        h.runner.on("squeue", "--name=", fixture("slurm/squeue-find-by-name-none"));
        RunSnapshot s = h.passAfter(SUBMIT_GRACE.minusSeconds(1));
        assertEquals(JobState.QUEUED, element(s, "a", 0).state());
        assertNull(element(s, "a", 0).jobId());
        assertEquals(1, h.runner.sent("sbatch").size());

        // the grace since the claim is over: handed back to WAITING and, in the same pass, attempt 2 sent
        h.runner.on("squeue", "--name=", fixture("slurm/squeue-find-by-name-none"));
        h.runner.on("sbatch", fixture("slurm/sbatch-parsable-plain").withJobId("21", JOB));
        s = h.passAfter(Duration.ofSeconds(1));
        assertEquals(List.of("job " + h.jobName("a", 1) + " never reached the scheduler; submitting it again"),
                h.reasons("a", 0, "WAITING"));
        assertEquals(List.of(h.sbatch("a", 1), h.sbatch("a", 2)), h.runner.sent("sbatch"));
        ElementRecord a = element(s, "a", 0);
        assertEquals(JobState.QUEUED, a.state());
        assertEquals(2, a.attempt());
        assertEquals(JOB, a.jobId());
        assertTrue(h.files.jobScript(h.dir("a"), 2).contains("#SBATCH --job-name=" + h.jobName("a", 2) + "\n"));

        // the next pass only watches it
        h.runner.on("squeue", fixture("slurm/squeue-mixed").withJobId("25", JOB));
        s = h.passAfter(Duration.ofSeconds(30));
        assertEquals(JobState.RUNNING, s.task("a").state());
        assertEquals(2, h.runner.sent("sbatch").size());
    }

    @Test
    void aRefusedSubmitFailsTheTaskAndCancelsItsDependants() {
        h.start("""
                name: refused
                scheduler: slurm
                tasks:
                  - name: a
                    partition: nosuch
                    command: echo a
                  - name: b
                    after: [a]
                    command: echo b
                  - name: c
                    after: [b]
                    command: echo c
                """);

        // pass 1: the partition does not exist (captured with --partition=nosuch)
        h.runner.on("sbatch", fixture("slurm/sbatch-bad-partition"));
        RunSnapshot s = h.pass();
        assertTrue(h.files.jobScript(h.dir("a"), 1).contains("#SBATCH --partition=nosuch\n"));
        String rejected = "submit rejected: sbatch: error: invalid partition specified: nosuch";
        assertEquals(JobState.FAILED, s.task("a").state());
        assertEquals(rejected, s.task("a").reason());
        assertNull(s.task("a").jobId());
        assertNull(s.task("a").exitCode());

        // the same pass cancels what can no longer run, naming what it waited for; nothing is asked
        assertEquals(JobState.CANCELLED, s.task("b").state());
        assertEquals("upstream a FAILED", s.task("b").reason());
        assertEquals(JobState.CANCELLED, s.task("c").state());
        assertEquals("upstream b CANCELLED", s.task("c").reason());
        assertEquals(0, s.task("b").attempt());
        assertEquals("FAILED", s.run().state());
        assertEquals("task a failed: " + rejected, s.run().reason());
        assertEquals(List.of(h.sbatch("a", 1)), h.runner.sent());
    }

    @Test
    void onlyTheFailedElementOfAnArrayIsRetriedAsTheNextAttempt() {
        h.start("""
                name: sweep
                scheduler: slurm
                tasks:
                  - name: t
                    array: 3
                    retries: 1
                    command: ./simulate
                """);
        String dir = h.dir("t");

        // pass 1: one job for the array (an array is one id: captured 39)
        h.runner.on("sbatch", fixture("slurm/sbatch-parsable-array").withJobId("39", JOB));
        RunSnapshot s = h.pass();
        assertEquals(List.of(h.sbatch("t", 1)), h.runner.sent());
        assertTrue(h.files.jobScript(dir, 1).contains("#SBATCH --array=0-2\n"), h.files.jobScript(dir, 1));

        // pass 2: element 0 runs, 1 and 2 pend (captured array 26: 26_0 running, the rest pending)
        h.runner.on("squeue", fixture("slurm/squeue-mixed").withJobId("26", JOB));
        s = h.passAfter(Duration.ofSeconds(30));
        assertEquals(JobState.RUNNING, element(s, "t", 0).state());
        assertEquals(JobState.QUEUED, element(s, "t", 1).state());
        assertEquals(JobState.QUEUED, element(s, "t", 2).state());

        // pass 3: the array has ended and Slurm purged it (one id asked: "Invalid job id specified");
        // element 1 exited 3: back to WAITING, and sent again in the same pass, alone
        h.files.exitFile(dir, 1, 0, 0);
        h.files.exitFile(dir, 1, 1, 3);
        h.files.exitFile(dir, 1, 2, 0);
        h.runner.on("squeue", fixture("slurm/squeue-purged-one"));
        h.runner.on("sbatch", fixture("slurm/sbatch-parsable-array").withJobId("39", JOB2));
        s = h.passAfter(Duration.ofSeconds(60));
        assertEquals(List.of("exit 3; retry 1 of 1"), h.reasons("t", 1, "WAITING"));
        assertEquals(List.of(h.sbatch("t", 1), h.sbatch("t", 2)), h.runner.sent("sbatch"));
        assertTrue(h.files.jobScript(dir, 2).contains("#SBATCH --array=1\n"), h.files.jobScript(dir, 2));
        assertEquals("[1]", s.attempt("t", 2).orElseThrow().indices());
        ElementRecord retried = element(s, "t", 1);
        assertEquals(JobState.QUEUED, retried.state());
        assertEquals(2, retried.attempt());
        assertEquals(2, retried.tries());
        assertEquals(JOB2, retried.jobId());
        for (int i : new int[] {0, 2}) {
            assertEquals(JobState.SUCCEEDED, element(s, "t", i).state());
            assertEquals(1, element(s, "t", i).attempt());
            assertEquals(JOB, element(s, "t", i).jobId());
        }

        // pass 4: only the retry's job is asked about; it wrote exit 0
        h.files.exitFile(dir, 2, 1, 0);
        h.runner.on("squeue", fixture("slurm/squeue-purged-one"));
        s = h.passAfter(Duration.ofSeconds(60));
        assertEquals(squeue(JOB2), h.runner.sent().get(h.runner.sent().size() - 1));
        assertEquals(JobState.SUCCEEDED, element(s, "t", 1).state());
        assertEquals(JobState.SUCCEEDED, s.task("t").state());
        assertEquals(2, s.task("t").attempt());
        assertEquals("SUCCEEDED", s.run().state());
        assertEquals(2, h.runner.sent("sbatch").size());
    }
}
