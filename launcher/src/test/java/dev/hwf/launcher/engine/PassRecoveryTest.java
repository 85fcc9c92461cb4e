package dev.hwf.launcher.engine;

import static dev.hwf.launcher.engine.support.FixtureRunner.fixture;
import static dev.hwf.launcher.engine.support.PassHarness.SUBMIT_GRACE;
import static dev.hwf.launcher.engine.support.PassHarness.element;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.hwf.api.JobState;
import dev.hwf.launcher.engine.support.PassHarness;
import dev.hwf.launcher.journal.Claim;
import dev.hwf.launcher.journal.ElementRecord;
import dev.hwf.launcher.journal.RunSnapshot;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Attempts claimed in the journal without a job id, as an hwf process killed between its claim and
 * recording sbatch's answer leaves them: the next process finds the job by name, or, once the
 * submit grace is over and there is neither a job nor an exit file, submits it again. Either way
 * every element reaches the scheduler exactly once per attempt.
 */
class PassRecoveryTest extends PassTestCase {
    private static final String JOB_A = "7001";
    private static final String JOB_B = "7002";

    private static final String PLAIN = """
            name: orphan
            scheduler: slurm
            tasks:
              - name: a
                command: echo a
            """;

    /** A plain task and an array, submitted in the same pass. */
    private static final String TWO = """
            name: crash
            scheduler: slurm
            tasks:
              - name: a
                command: echo a
              - name: b
                array: 2
                command: echo b
            """;

    /** What a dead hwf leaves when it claimed a's first attempt and died before sbatch answered. */
    private void claimedByADeadProcess() {
        List<Claim> won = h.journal.claimAll(h.runId(),
                List.of(new Claim("a", 0, List.of(0), h.jobName("a", 1))), h.clock.instant());
        assertEquals(1, won.size());
    }

    private List<String> findByName(String... names) {
        return List.of("squeue", "--noheader", "--states=all", "--name=" + String.join(",", names), "--format=%F|%j");
    }

    @Test
    void aClaimTheSchedulerNeverGotIsSubmittedAgainOnceTheGraceIsOver() {
        h.start(PLAIN);
        claimedByADeadProcess();

        // within the grace: the job is not known by name and left no exit file, but a dead
        // process's sbatch may still be on its way: nothing is sent
        h.runner.on("squeue", "--name=", fixture("slurm/squeue-find-by-name-none"));
        RunSnapshot s = h.passAfter(SUBMIT_GRACE.minusSeconds(1));
        assertEquals(List.of(findByName(h.jobName("a", 1))), h.runner.sent());
        assertEquals(JobState.QUEUED, element(s, "a", 0).state());
        assertNull(element(s, "a", 0).jobId());

        // the grace is over: back to WAITING with the reason, and attempt 2 is sent in the same pass
        h.runner.on("squeue", "--name=", fixture("slurm/squeue-find-by-name-none"));
        h.runner.on("sbatch", fixture("slurm/sbatch-parsable-plain").withJobId("21", JOB_A));
        s = h.passAfter(Duration.ofSeconds(1));
        assertEquals(List.of("job " + h.jobName("a", 1) + " never reached the scheduler; submitting it again"),
                h.reasons("a", 0, "WAITING"));
        assertEquals(List.of(h.sbatch("a", 2)), h.runner.sent("sbatch"));
        ElementRecord a = element(s, "a", 0);
        assertEquals(JobState.QUEUED, a.state());
        assertEquals(2, a.attempt());
        assertEquals(JOB_A, a.jobId());
        assertEquals(h.jobName("a", 2), s.attempt("a", 2).orElseThrow().jobName());

        // from now on it is watched by id, never looked up by name or sent again
        h.runner.on("squeue", fixture("slurm/squeue-mixed").withJobId("25", JOB_A));
        s = h.passAfter(SUBMIT_GRACE);
        assertEquals(JobState.RUNNING, s.task("a").state());
        assertEquals(1, h.runner.sent("sbatch").size());
        assertEquals(List.of(findByName(h.jobName("a", 1)), findByName(h.jobName("a", 1))),
                h.runner.sent().stream().filter(c -> c.stream().anyMatch(x -> x.startsWith("--name="))).toList());
    }

    @Test
    void aClaimTheSchedulerNeverGotDoesNotUseUpARetry() {
        h.start("""
                name: recover
                scheduler: slurm
                tasks:
                  - name: a
                    retries: 1
                    command: ./job
                """);
        claimedByADeadProcess();
        h.runner.on("squeue", "--name=", fixture("slurm/squeue-find-by-name-none"));
        h.runner.on("sbatch", fixture("slurm/sbatch-parsable-plain").withJobId("21", JOB_A));
        RunSnapshot s = h.passAfter(SUBMIT_GRACE);
        assertEquals(2, element(s, "a", 0).attempt());
        assertEquals(1, element(s, "a", 0).tries(), "the submission that never happened is not a try");

        // its first real failure is retried, as retries: 1 promises
        h.files.exitFile(h.dir("a"), 2, 0, 3);
        h.runner.on("squeue", fixture("slurm/squeue-mixed").withJobId("25", JOB_A));
        h.runner.on("sbatch", fixture("slurm/sbatch-parsable-plain").withJobId("21", "8002"));
        s = h.passAfter(Duration.ofSeconds(30));
        assertEquals(List.of("exit 3; retry 1 of 1"), h.reasons("a", 0, "WAITING").subList(1, 2));
        assertEquals(3, element(s, "a", 0).attempt());
        assertEquals(JobState.QUEUED, element(s, "a", 0).state());
    }

    @Test
    void aClaimTheSchedulerGotIsFoundByNameAndNeverSubmitted() {
        h.start(PLAIN);
        claimedByADeadProcess();

        // squeue knows the name (captured job 141, "hwf-find-plain"); its status is asked in the same pass
        h.runner.on("squeue", "--name=", fixture("slurm/squeue-find-by-name")
                .withJobName("hwf-find-plain", h.jobName("a", 1)).withJobId("141", JOB_A));
        h.runner.on("squeue", fixture("slurm/squeue-mixed").withJobId("25", JOB_A));
        RunSnapshot s = h.passAfter(Duration.ofSeconds(10));
        assertEquals(JOB_A, element(s, "a", 0).jobId());
        assertEquals(JOB_A, s.attempt("a", 1).orElseThrow().jobId());
        assertEquals(JobState.RUNNING, s.task("a").state());

        // past the grace and to its end: the id is what counts, nothing is sent
        h.files.exitFile(h.dir("a"), 1, 0, 0);
        h.runner.on("squeue", fixture("slurm/squeue-mixed").withJobId("21", JOB_A));
        s = h.passAfter(SUBMIT_GRACE);
        assertEquals(JobState.SUCCEEDED, s.task("a").state());
        assertEquals(1, s.task("a").attempt());
        assertEquals(List.of(), h.runner.sent("sbatch"));
    }

    @Test
    void aClaimWhoseJobLeftAnExitFileEndsByItWithoutWaitingForTheGrace() {
        h.start(PLAIN);
        claimedByADeadProcess();

        // the job ran and Slurm has forgotten it: its exit file is what is left
        h.files.exitFile(h.dir("a"), 1, 0, 4);
        h.runner.on("squeue", "--name=", fixture("slurm/squeue-find-by-name-none"));
        RunSnapshot s = h.passAfter(Duration.ofSeconds(10));
        assertEquals(JobState.FAILED, s.task("a").state());
        assertEquals(4, s.task("a").exitCode());
        assertEquals("exit 4", s.task("a").reason());
        assertEquals(List.of(), h.runner.sent("sbatch"));
    }

    @Test
    void aClaimIsNotHandedBackWhileTheSchedulerCannotBeAskedForIt() {
        h.start(PLAIN);
        claimedByADeadProcess();

        // slurmctld is down (captured): not knowing is not "not there", even long past the grace
        h.runner.on("squeue", "--name=", fixture("slurm/squeue-controller-down"));
        RunSnapshot s = h.passAfter(SUBMIT_GRACE.multipliedBy(3));
        assertEquals(JobState.QUEUED, element(s, "a", 0).state());
        assertEquals(1, element(s, "a", 0).attempt());
        assertEquals(List.of(), h.reasons("a", 0, "WAITING"));
        assertEquals(List.of(), h.runner.sent("sbatch"));
    }

    @Test
    void killedAfterTheClaimTheNextProcessSubmitsEachElementOnce() {
        h.start(TWO);

        // hwf dies once both attempts are claimed and their scripts written, before any sbatch
        h.use(h.engine(PassHarness.killAt("after-claim")));
        assertThrows(PassHarness.Killed.class, () -> h.engine().advance(h.runId()));
        assertEquals(List.of(), h.runner.sent());
        RunSnapshot s = h.snapshot();
        for (ElementRecord e : s.elements()) {
            assertEquals(JobState.QUEUED, e.state(), e.toString());
            assertEquals(1, e.attempt(), e.toString());
            assertNull(e.jobId(), e.toString());
        }
        assertNotNull(h.files.jobScript(h.dir("b"), 1));

        // a new hwf process, within the grace: both looked up by name, neither sent
        h.use(h.engine(CrashHook.NONE));
        h.runner.on("squeue", "--name=", fixture("slurm/squeue-find-by-name-none"));
        h.passAfter(Duration.ofSeconds(30));
        assertEquals(List.of(findByName(h.jobName("a", 1), h.jobName("b", 1))), h.runner.sent());

        // past the grace: each task sent once more, as attempt 2
        h.runner.on("squeue", "--name=", fixture("slurm/squeue-find-by-name-none"));
        h.runner.on("sbatch", h.dir("a") + "/", fixture("slurm/sbatch-parsable-plain").withJobId("21", JOB_A));
        h.runner.on("sbatch", h.dir("b") + "/", fixture("slurm/sbatch-parsable-array").withJobId("39", JOB_B));
        s = h.passAfter(SUBMIT_GRACE);
        assertEquals(List.of(h.sbatch("a", 2), h.sbatch("b", 2)),
                h.runner.sent("sbatch").stream().sorted((x, y) -> x.get(4).compareTo(y.get(4))).toList());
        assertEquals(JOB_A, element(s, "a", 0).jobId());
        assertEquals(JOB_B, element(s, "b", 0).jobId());
        assertEquals(JOB_B, element(s, "b", 1).jobId());

        // they run to their end; nothing else is sent
        h.files.exitFile(h.dir("a"), 2, 0, 0);
        h.files.exitFile(h.dir("b"), 2, 0, 0);
        h.files.exitFile(h.dir("b"), 2, 1, 0);
        h.runner.on("squeue", fixture("slurm/squeue-purged-all"));
        s = h.passAfter(Duration.ofSeconds(60));
        assertEquals("SUCCEEDED", s.run().state());
        for (ElementRecord e : s.elements()) {
            assertEquals(2, e.attempt(), e.toString());
        }
        assertEquals(2, h.runner.sent("sbatch").size(), "one sbatch per task: each element ran once");
    }

    @Test
    void killedAfterTheSubmitTheNextProcessFindsTheJobsAndSubmitsNothing() {
        h.start(TWO);

        // hwf dies after both sbatch answered, before their ids were recorded
        h.use(h.engine(PassHarness.killAt("after-submit")));
        h.runner.on("sbatch", h.dir("a") + "/", fixture("slurm/sbatch-parsable-plain").withJobId("21", JOB_A));
        h.runner.on("sbatch", h.dir("b") + "/", fixture("slurm/sbatch-parsable-array").withJobId("39", JOB_B));
        assertThrows(PassHarness.Killed.class, () -> h.engine().advance(h.runId()));
        assertEquals(2, h.runner.sent("sbatch").size());
        for (ElementRecord e : h.snapshot().elements()) {
            assertNull(e.jobId(), e.toString());
        }

        // a new hwf process: squeue knows both names (captured: plain job 141, array 142)
        h.use(h.engine(CrashHook.NONE));
        h.runner.on("squeue", "--name=", fixture("slurm/squeue-find-by-name")
                .withJobName("hwf-find-plain", h.jobName("a", 1)).withJobName("hwf-find-array", h.jobName("b", 1))
                .withJobId("141", JOB_A).withJobId("142", JOB_B));
        h.runner.on("squeue", fixture("slurm/squeue-mixed").withJobId("25", JOB_A).withJobId("26", JOB_B));
        RunSnapshot s = h.passAfter(Duration.ofSeconds(30));
        assertEquals(JOB_A, element(s, "a", 0).jobId());
        assertEquals(JOB_B, element(s, "b", 0).jobId());
        assertEquals(JOB_B, element(s, "b", 1).jobId());
        assertEquals(JobState.RUNNING, element(s, "a", 0).state());
        assertEquals(JobState.RUNNING, element(s, "b", 0).state());
        assertEquals(JobState.QUEUED, element(s, "b", 1).state());

        // past the grace they end (Slurm has purged them; asked about several ids it exits 0, empty)
        h.files.exitFile(h.dir("a"), 1, 0, 0);
        h.files.exitFile(h.dir("b"), 1, 0, 0);
        h.files.exitFile(h.dir("b"), 1, 1, 0);
        h.runner.on("squeue", fixture("slurm/squeue-purged-all"));
        s = h.passAfter(SUBMIT_GRACE);
        assertEquals("SUCCEEDED", s.run().state());
        for (ElementRecord e : s.elements()) {
            assertEquals(1, e.attempt(), e.toString());
        }
        assertEquals(2, h.runner.sent("sbatch").size(), "the jobs the dead process sent are the only ones");
    }
}
