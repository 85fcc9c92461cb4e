package dev.hwf.launcher.engine;

import static dev.hwf.launcher.engine.support.FixtureRunner.fixture;
import static dev.hwf.launcher.engine.support.FixtureRunner.output;
import static dev.hwf.launcher.engine.support.PassHarness.LOST_AFTER;
import static dev.hwf.launcher.engine.support.PassHarness.element;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.hwf.api.JobState;
import dev.hwf.launcher.engine.support.FixtureRunner.Answer;
import dev.hwf.launcher.engine.support.PassHarness;
import dev.hwf.launcher.journal.RunSnapshot;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Never a false SUCCEEDED, pass by pass, on every scheduler: a job the scheduler reports ended
 * with exit 0 while its element left no exit code file of its own (its job script ended before the
 * command, as a PBS Pro array element outside the wanted set does) is never recorded SUCCEEDED. It
 * waits for the file as a vanished job does, and past {@code lostAfter} it is lost with a reason
 * that says what the scheduler claimed; retried like any failure. Each scheduler's answer is output
 * captured from it (or from its documentation, where none runs here; Slurm's squeue line is trivial).
 */
class PassNoFalseSuccessTest extends PassTestCase {

    /** One scheduler: its workflow header, and its submit and status answers for a job that ended "0". */
    private record Case(String name, String header, String submit, Answer submitted, String status,
                        Answer endedZero) {
    }

    private static List<Case> cases() {
        return List.of(
                new Case("slurm", "scheduler: slurm", "sbatch", output(0, "7001\n", ""), "squeue",
                        output(0, "7001|COMPLETED|None\n", "")),
                // OpenPBS: 1211 finished (F) with Exit_status 0 (fixtures/pbspro/README.md)
                new Case("pbspro", "scheduler: pbs", "sh", fixture("pbspro/qsub-plain").withJobId("1201", "1211"),
                        "qstat", fixture("pbspro/qstat-history")),
                // Torque 6's documented qstat -f: 4501 completed (C) with exit_status 0
                new Case("torque", "scheduler: pbs\nsite: {flavor: torque}", "sh",
                        fixture("torque/torque6-qsub-documented"), "qstat",
                        fixture("torque/torque6-qstat-f-documented")),
                // LSF's bjobs line: 5130 DONE
                new Case("lsf", "scheduler: lsf", "bsub", fixture("lsf/bsub-plain").withJobId("5123", "5130"), "bjobs",
                        fixture("lsf/bjobs-mixed")));
    }

    private int harnesses;

    /** A harness over a journal of its own: one per scheduler. */
    private PassHarness harness() {
        try {
            return new PassHarness(java.nio.file.Files.createDirectories(tmp.resolve("h" + harnesses++)));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static String workflow(Case c, int retries) {
        return "name: nofalse\n" + c.header() + "\ntasks:\n  - name: a\n    command: ./a\n    retries: " + retries + "\n";
    }

    @Test
    void aSchedulersExitZeroWithoutTheElementsOwnExitCodeFileIsNeverSuccess() {
        for (Case c : cases()) {
            try (var h = harness()) {
                h.start(workflow(c, 0));
                h.runner.on(c.submit(), c.submitted());
                RunSnapshot s = h.pass();
                String job = element(s, "a", 0).jobId();
                assertNotNull(job, c.name());

                // the scheduler: ended, exit 0; the task directory: no exit code file
                h.runner.on(c.status(), c.endedZero());
                s = h.passAfter(Duration.ofSeconds(10));
                assertNotEquals(JobState.SUCCEEDED, element(s, "a", 0).state(), c.name());
                assertEquals(h.clock.instant(), element(s, "a", 0).missingSince(), c.name()
                        + ": waits for its file as a vanished job does");
                assertEquals("RUNNING", s.run().state(), c.name());

                h.runner.on(c.status(), c.endedZero());
                s = h.passAfter(LOST_AFTER);
                assertEquals(JobState.FAILED, element(s, "a", 0).state(), c.name());
                assertEquals(RetryPolicy.NO_EXIT_FILE, element(s, "a", 0).reason(), c.name());
                assertNull(element(s, "a", 0).exitCode(), c.name());
                assertEquals("FAILED", s.run().state(), c.name());
            }
        }
    }

    @Test
    void theElementsOwnExitCodeFileSayingZeroIsSuccessWhateverTheSchedulerSays() {
        for (Case c : cases()) {
            try (var h = harness()) {
                h.start(workflow(c, 0));
                h.runner.on(c.submit(), c.submitted());
                h.pass();
                h.files.exitFile(h.dir("a"), 1, 0, 0);
                h.runner.on(c.status(), c.endedZero());
                RunSnapshot s = h.passAfter(Duration.ofSeconds(10));
                assertEquals(JobState.SUCCEEDED, element(s, "a", 0).state(), c.name());
                assertEquals("SUCCEEDED", s.run().state(), c.name());
            }
        }
    }

    @Test
    void aLostSuccessIsRetriedLikeAnyFailureAndTheRetryThatWritesItsFileSucceeds() {
        Case slurm = cases().get(0);
        try (var h = harness()) {
            h.start(workflow(slurm, 1));
            h.runner.on("sbatch", output(0, "7001\n", ""));
            h.pass();
            h.runner.on("squeue", output(0, "7001|COMPLETED|None\n", ""));
            h.passAfter(Duration.ofSeconds(10));
            h.runner.on("squeue", output(0, "7001|COMPLETED|None\n", ""));
            h.runner.on("sbatch", output(0, "7002\n", ""));
            RunSnapshot s = h.passAfter(LOST_AFTER);
            assertEquals(JobState.QUEUED, element(s, "a", 0).state());
            assertEquals("7002", element(s, "a", 0).jobId());
            assertEquals(List.of(RetryPolicy.NO_EXIT_FILE + "; retry 1 of 1"), h.reasons("a", 0, "WAITING"));

            h.files.exitFile(h.dir("a"), 2, 0, 0);
            h.runner.on("squeue", output(0, "7002|COMPLETED|None\n", ""));
            s = h.passAfter(Duration.ofSeconds(10));
            assertEquals(JobState.SUCCEEDED, element(s, "a", 0).state());
            assertEquals(2, element(s, "a", 0).tries(), "it ran twice");
        }
    }
}
