package dev.hwf.launcher.engine;

import static dev.hwf.launcher.engine.support.FixtureRunner.output;
import static dev.hwf.launcher.engine.support.PassHarness.element;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hwf.api.JobState;
import dev.hwf.launcher.engine.support.FixtureRunner.Answer;
import dev.hwf.launcher.journal.AttemptRecord;
import dev.hwf.launcher.journal.ElementRecord;
import dev.hwf.launcher.journal.Event;
import dev.hwf.launcher.journal.RunSnapshot;
import dev.hwf.launcher.render.RunLayout;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Placement among several sites, pass by pass (SPEC section 7): {@code soonest} corrects each
 * site's estimate by what hwf saw there, and {@code replaceAfter} withdraws an attempt that never
 * started and places it again, crash-safe at every step. Both sites are Slurm behind one scripted
 * runner; each has its own work directory.
 */
class PassPlacementTest extends PassTestCase {
    private static final String GPU_WORK = "/lus/alice/hwf";
    private static final String SITES = """
            sites:
              cpu: { scheduler: slurm, workdir: /scratch/alice/hwf, maxJobs: 100, maxArraySize: 1000 }
              gpu: { scheduler: slurm, workdir: /lus/alice/hwf, maxJobs: 100, maxArraySize: 1000 }
            """; // the limits given: the test need not script scontrol show config

    private static final DateTimeFormatter SLURM_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss");

    private static String squeue(String job, String state) {
        return job + "|" + state + "|" + (state.equals("PENDING") ? "Resources" : "None") + "\n";
    }

    /** What sbatch --test-only prints for a start at {@code at}, in the scheduler's (this machine's) time. */
    private static Answer testOnly(Instant at) {
        String local = LocalDateTime.ofInstant(at, ZoneId.systemDefault()).format(SLURM_TIME);
        return output(0, "", "sbatch: Job 99 to start at " + local + " using 1 processors on nodes vm in partition"
                + " cpu\n");
    }

    private String gpuDir(String task) {
        return RunLayout.taskDir(GPU_WORK, h.runId(), task);
    }

    private AttemptRecord attempt(RunSnapshot s, String task, int n) {
        return s.attempt(task, n).orElseThrow();
    }

    private List<Event> withdrawals() {
        return h.journal.events(h.runId()).stream().filter(e -> "WITHDRAWN".equals(e.state())).toList();
    }

    // --- soonest: the scheduler's estimate corrected by hwf's record -------------------------------

    /**
     * a (2 cores) goes to cpu, which says it starts now, and starts there an hour late; then b, with
     * {@code bCpus} cores: cpu again says now, gpu in 30 min. b's first attempt, as placed.
     */
    private AttemptRecord aLateOnCpuThenB(int bCpus) {
        h.start("name: bias\n" + SITES + """
                tasks:
                  - name: a
                    site: [cpu, gpu]
                    place: soonest
                    cpus: 2
                    command: ./a
                  - name: b
                    site: [cpu, gpu]
                    place: soonest
                    cpus: %d
                    after: [a]
                    command: ./b
                """.formatted(bCpus));
        Instant t0 = h.clock.instant();
        h.runner.on("sbatch", "--test-only", testOnly(t0)).then(testOnly(t0.plus(Duration.ofHours(2))));
        h.runner.on("sbatch", "--parsable", output(0, "5001\n", ""));
        RunSnapshot s = h.pass();
        assertEquals("cpu", attempt(s, "a", 1).site());
        assertNotNull(attempt(s, "a", 1).estimatedStart());

        h.runner.on("squeue", output(0, squeue("5001", "RUNNING"), ""));
        s = h.passAfter(Duration.ofHours(1));
        assertEquals(JobState.RUNNING, element(s, "a", 0).state());
        h.files.exitFile(h.dir("a"), 1, 0, 0);
        Instant t1 = h.clock.instant().plus(Duration.ofMinutes(10));
        h.runner.on("squeue", output(0, squeue("5001", "COMPLETED"), ""));
        h.runner.on("sbatch", "--test-only", testOnly(t1)).then(testOnly(t1.plus(Duration.ofMinutes(30))));
        h.runner.on("sbatch", "--parsable", output(0, "5002\n", ""));
        return attempt(h.passAfter(Duration.ofMinutes(10)), "b", 1);
    }

    @Test
    void soonestCorrectsTheEstimateByHowLateWorkOfTheSameShapeStartedThere() {
        AttemptRecord b = aLateOnCpuThenB(2);
        assertEquals("gpu", b.site(), b.placed());
        assertEquals("placed on gpu: est. start 30 min vs est. start 60 min (scheduler 0 s, +60 min as seen here) on cpu",
                b.placed());
    }

    @Test
    void workOfAnotherShapeDoesNotCorrectTheEstimate() {
        assertEquals("placed on cpu: est. start 0 s vs est. start 30 min on gpu", aLateOnCpuThenB(4).placed(),
                "4 cores is another shape than 2: a's late start does not vouch for b");
    }

    // --- replaceAfter ------------------------------------------------------------------------------

    private void startReplacing() {
        h.start("name: replace\n" + SITES + """
                tasks:
                  - name: train
                    site: [cpu, gpu]
                    replaceAfter: 5m
                    command: ./train
                """);
        h.runner.on("sbatch", output(0, "7001\n", ""));
        RunSnapshot s = h.pass();
        assertEquals("cpu", attempt(s, "train", 1).site());
        h.runner.on("squeue", output(0, squeue("7001", "PENDING"), ""));
        s = h.passAfter(Duration.ofMinutes(2));
        assertEquals(JobState.QUEUED, element(s, "train", 0).state(), "2 min: not yet");
        assertEquals(List.of(), withdrawals());
    }

    /** The pass after 5 min pending on cpu: squeue still shows it pending. */
    private void pendingPast() {
        h.runner.on("squeue", output(0, squeue("7001", "PENDING"), ""));
        h.clock.advance(Duration.ofMinutes(3));
    }

    /** Withdrawn from cpu and placed on gpu: one cancel of the cpu job before the gpu job was submitted. */
    private void assertReplacedOnGpu(RunSnapshot s) {
        List<List<String>> sent = h.runner.sent();
        int cancel = sent.indexOf(List.of("scancel", "7001"));
        int resubmit = -1;
        for (int i = 0; i < sent.size(); i++) {
            if (sent.get(i).get(0).equals("sbatch") && sent.get(i).stream().anyMatch(a -> a.contains(GPU_WORK))) {
                resubmit = i;
            }
        }
        assertTrue(cancel >= 0 && resubmit > cancel, "cancelled on cpu before it went to gpu: " + sent);
        assertEquals(2, h.runner.sent("sbatch").size(), "one job on each site, never two at once");
        AttemptRecord first = attempt(s, "train", 1);
        assertNotNull(first.withdrawnAt());
        AttemptRecord second = attempt(s, "train", 2);
        assertEquals("gpu", second.site());
        assertNull(second.withdrawnAt());
        assertEquals("withdrawn from cpu after 5 min queued; placed on gpu (first)", second.placed());
        ElementRecord e = element(s, "train", 0);
        assertEquals(JobState.QUEUED, e.state());
        assertEquals(2, e.attempt());
        assertEquals("7002", e.jobId());
        assertEquals(1, e.tries(), "a withdrawal is not a try");
        List<Event> w = withdrawals();
        assertEquals(1, w.size(), "recorded once");
        assertEquals("withdrawn from cpu after 5 min queued, none started (replaceAfter 5 min); to be placed again",
                w.get(0).reason());
        assertEquals("7001", w.get(0).jobId());
    }

    @Test
    void anAttemptThatNeverStartedIsWithdrawnAfterReplaceAfterAndPlacedOnTheOtherSite() {
        startReplacing();
        pendingPast();
        h.runner.on("scancel", output(0, "", ""));
        h.runner.on("sbatch", output(0, "7002\n", ""));
        RunSnapshot s = h.pass();
        assertReplacedOnGpu(s);

        // it runs on gpu and ends there; the withdrawn attempt is never looked at again
        h.runner.on("squeue", output(0, squeue("7002", "RUNNING"), ""));
        s = h.passAfter(Duration.ofMinutes(1));
        assertEquals(JobState.RUNNING, element(s, "train", 0).state());
        h.files.exitFile(gpuDir("train"), 2, 0, 0);
        h.runner.on("squeue", output(0, squeue("7002", "COMPLETED"), ""));
        s = h.passAfter(Duration.ofMinutes(20));
        assertEquals("SUCCEEDED", s.run().state());
        assertEquals(1, h.runner.sent("scancel").size());
    }

    @Test
    void killedAfterTheWithdrawalIsRecordedTheNextPassCancelsAndPlacesItAgain() {
        startReplacing();
        pendingPast();
        h.runner.on("scancel", output(0, "", "")); // never asked: killed before the cancel
        h.passKilledAt("after-withdraw-intent");
        assertEquals(List.of(), h.runner.sent("scancel"));
        RunSnapshot s = h.snapshot();
        assertEquals(JobState.QUEUED, element(s, "train", 0).state(), "still the cpu job's");
        assertNotNull(attempt(s, "train", 1).withdrawnAt());

        h.runner.on("squeue", output(0, squeue("7001", "PENDING"), ""));
        h.runner.on("sbatch", output(0, "7002\n", ""));
        s = h.passAfter(Duration.ofSeconds(30));
        assertReplacedOnGpu(s);
    }

    @Test
    void killedAfterTheCancelTheNextPassCancelsAgainAndPlacesItAgain() {
        startReplacing();
        pendingPast();
        h.runner.on("scancel", output(0, "", ""));
        h.passKilledAt("after-withdraw-cancel");
        RunSnapshot s = h.snapshot();
        assertEquals(JobState.QUEUED, element(s, "train", 0).state(), "recorded only once the pass that cancels ends");

        // the scheduler shows the job cancelled: not a failure, the withdrawal's
        h.runner.on("squeue", output(0, squeue("7001", "CANCELLED"), ""));
        h.runner.on("scancel", output(0, "", "")); // again: a no-op for a job that is gone
        h.runner.on("sbatch", output(0, "7002\n", ""));
        s = h.passAfter(Duration.ofSeconds(30));
        assertEquals(2, h.runner.sent("scancel").size());
        assertReplacedOnGpu(s);
        assertEquals(List.of(), h.reasons("train", 0, "CANCELLED"));
        assertEquals(List.of(), h.reasons("train", 0, "FAILED"));
    }

    @Test
    void aCancelThatDoesNotGoThroughLeavesTheJobWithdrawnAndIsTriedAgain() {
        startReplacing();
        pendingPast();
        h.runner.on("scancel", output(1, "", "scancel: error: Unable to contact slurm controller"));
        RunSnapshot s = h.pass();
        assertEquals(JobState.QUEUED, element(s, "train", 0).state());
        assertEquals(1, h.runner.sent("sbatch").size(), "nothing submitted while the cpu job may be live");

        h.runner.on("squeue", output(0, squeue("7001", "PENDING"), ""));
        h.runner.on("scancel", output(0, "", ""));
        h.runner.on("sbatch", output(0, "7002\n", ""));
        assertReplacedOnGpu(h.passAfter(Duration.ofSeconds(30)));
    }

    @Test
    void anAttemptThatStartedIsNeverWithdrawn() {
        startReplacing();
        h.runner.on("squeue", output(0, squeue("7001", "RUNNING"), ""));
        RunSnapshot s = h.passAfter(Duration.ofMinutes(1));
        assertEquals(JobState.RUNNING, element(s, "train", 0).state());
        h.runner.on("squeue", output(0, squeue("7001", "RUNNING"), ""));
        s = h.passAfter(Duration.ofMinutes(30));
        assertEquals(JobState.RUNNING, element(s, "train", 0).state());
        assertEquals(List.of(), h.runner.sent("scancel"));
        assertEquals(List.of(), withdrawals());
    }
}
