package dev.hwf.launcher.engine;

import static dev.hwf.launcher.engine.support.FixtureRunner.fixture;
import static dev.hwf.launcher.engine.support.FixtureRunner.output;
import static dev.hwf.launcher.engine.support.PassHarness.element;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hwf.api.JobState;
import dev.hwf.launcher.engine.gate.SiteLimitsReader;
import dev.hwf.launcher.engine.gate.SubmitBackoff;
import dev.hwf.launcher.journal.AttemptRecord;
import dev.hwf.launcher.journal.ElementRecord;
import dev.hwf.launcher.journal.RunSnapshot;
import java.time.Duration;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * Real clusters' limits, pass by pass: a job limit holds work back with a reason and lets it go
 * as earlier work ends; a refusal for a limit is back-pressure, never a failure; an array larger
 * than the site's array size goes out as several array jobs, each element run once; an array's
 * retry under {@code arrayLimit} waits for the array's running job, so the two never run more than
 * the limit at once.
 */
class PassLimitsTest extends PassTestCase {
    /** What sbatch printed for the 21st job under MaxSubmitJobsPerUser=20 (realistic test cluster). */
    private static final String QOS_REFUSAL = "sbatch: error: QOSMaxSubmitJobPerUserLimit\n"
            + "sbatch: error: Batch job submission failed: Job violates accounting/QOS policy (job submit limit, "
            + "user's size and/or time limits)\n";

    private static String independent(int n) {
        StringBuilder sb = new StringBuilder("name: fan\nscheduler: slurm\ntasks:\n");
        for (int i = 1; i <= n; i++) {
            sb.append("  - name: t").append(i).append("\n    command: ./sim ").append(i).append('\n');
        }
        return sb.toString();
    }

    private void sbatchAnswers(int... ids) {
        for (int id : ids) {
            h.runner.on("sbatch", output(0, id + "\n", ""));
        }
    }

    @Test
    void aJobLimitHoldsTheRestWithAReasonAndLetsThemGoAsJobsEnd() {
        h.startWithLimits(independent(5), null, 2, "QOS normal");
        sbatchAnswers(101, 102);
        RunSnapshot s = h.pass();
        assertEquals(2, h.runner.sent("sbatch").size(), "two jobs allowed, two sent");
        assertEquals(List.of(JobState.QUEUED, JobState.QUEUED, JobState.WAITING, JobState.WAITING, JobState.WAITING),
                IntStream.rangeClosed(1, 5).mapToObj(i -> s.task("t" + i).state()).toList(), "in workflow order");
        for (int i = 3; i <= 5; i++) {
            assertEquals("held: 2 of 2 jobs allowed (QOS normal)", element(s, "t" + i, 0).reason());
            assertEquals("element 0: held: 2 of 2 jobs allowed (QOS normal)".substring(11),
                    s.task("t" + i).reason(), "the task says why it waits");
        }

        // t1 ends: one place is free, and t3 (the next in order) takes it
        h.files.exitFile(h.dir("t1"), 1, 0, 0);
        h.runner.on("squeue", output(0, s.task("t2").jobId() + "|PENDING|QOSMaxJobsPerUserLimit\n", ""));
        sbatchAnswers(103);
        RunSnapshot s2 = h.passAfter(Duration.ofSeconds(10));
        assertEquals(JobState.SUCCEEDED, s2.task("t1").state());
        assertEquals(JobState.QUEUED, s2.task("t3").state());
        assertNull(element(s2, "t3", 0).reason(), "claimed: the hold is over");
        assertEquals(JobState.WAITING, s2.task("t4").state());
        assertEquals(3, h.runner.sent("sbatch").size());
        assertEquals(List.of(), h.reasons("t4", 0, "FAILED"));
    }

    @Test
    void aRefusalForALimitLeavesTheElementsWaitingAndSendsAgainAfterABackOff() {
        h.start("""
                name: refused
                scheduler: slurm
                site: {dependencies: hwf}   # b waits for a in hwf, so that a alone is refused
                tasks:
                  - name: a
                    retries: 1
                    command: ./sim
                  - name: b
                    after: [a]
                    command: ./fit
                """);
        h.runner.on("sbatch", output(1, "", QOS_REFUSAL));
        RunSnapshot s = h.pass();
        ElementRecord a = element(s, "a", 0);
        assertEquals(JobState.WAITING, a.state(), "a limit is never a failure");
        assertEquals("held: the scheduler refused more jobs now: QOSMaxSubmitJobPerUserLimit", a.reason());
        assertEquals(0, a.tries(), "and uses up no try");
        assertEquals(JobState.WAITING, s.task("b").state(), "its dependant still waits for it");
        assertEquals("RUNNING", s.run().state());
        assertEquals(List.of(), h.reasons("a", 0, "FAILED"));

        // within the back-off nothing is sent; after it, once more
        h.passAfter(Duration.ofSeconds(2));
        assertEquals(1, h.runner.sent("sbatch").size());
        h.runner.on("sbatch", output(0, "201\n", ""));
        s = h.passAfter(SubmitBackoff.FIRST);
        assertEquals(2, h.runner.sent("sbatch").size());
        assertEquals(JobState.QUEUED, element(s, "a", 0).state());
        assertEquals("201", element(s, "a", 0).jobId());
        assertEquals(1, element(s, "a", 0).tries());
    }

    @Test
    void aRefusalThatCanNeverSucceedStillFailsTheTask() {
        h.start("""
                name: huge
                scheduler: slurm
                tasks:
                  - name: a
                    array: 4
                    command: ./sim
                """);
        h.runner.on("sbatch", fixture("slurm/sbatch-bad-partition"));
        RunSnapshot s = h.pass();
        assertEquals(JobState.FAILED, s.task("a").state());
        assertTrue(s.task("a").reason().contains("submit rejected"), s.task("a").reason());
    }

    @Test
    void anArrayOverTheSiteArraySizeGoesOutAsSeveralArrayJobsEachElementOnce() {
        h.startWithLimits("""
                name: big
                scheduler: slurm
                tasks:
                  - name: sim
                    array: 250
                    command: ./sim "$HWF_ARRAY_INDEX"
                """, 101, null, null);
        sbatchAnswers(301, 302, 303);
        RunSnapshot s = h.pass();
        assertEquals(3, h.runner.sent("sbatch").size(), "three array jobs");
        assertEquals(List.of(0, 101, 202), s.attempts().stream().map(AttemptRecord::indexOffset).toList());
        assertEquals(List.of(101, 101, 48), s.attempts().stream().map(a -> a.indexList().size()).toList());
        String[] arrays = {"#SBATCH --array=0-100\n", "#SBATCH --array=0-100\n", "#SBATCH --array=0-47\n"};
        String[] index = {"export HWF_ARRAY_INDEX=\"${SLURM_ARRAY_TASK_ID:-0}\"",
                "export HWF_ARRAY_INDEX=\"$((101 + ${SLURM_ARRAY_TASK_ID:-0}))\"",
                "export HWF_ARRAY_INDEX=\"$((202 + ${SLURM_ARRAY_TASK_ID:-0}))\""};
        for (int a = 1; a <= 3; a++) {
            String script = h.files.jobScript(h.dir("sim"), a);
            assertTrue(script.contains(arrays[a - 1]), "attempt " + a + ":\n" + script);
            assertTrue(script.contains(index[a - 1]), "attempt " + a + ":\n" + script);
        }
        // the submit commands run side by side: which job id went to which array job is in the journal
        String job1 = s.attempt("sim", 1).orElseThrow().jobId();
        String job2 = s.attempt("sim", 2).orElseThrow().jobId();
        String job3 = s.attempt("sim", 3).orElseThrow().jobId();
        assertEquals(job2, element(s, "sim", 150).jobId());
        assertEquals(2, element(s, "sim", 150).attempt());

        // the scheduler's element 49 of the second job is element 150: it runs; element 151 failed
        h.runner.on("squeue", output(0, job1 + "_0|RUNNING|None\n" + job2 + "_49|RUNNING|None\n" + job2
                + "_50|FAILED|NonZeroExitCode\n" + job3 + "_[0-47]|PENDING|Priority\n", ""));
        h.files.exitFile(h.dir("sim"), 2, 151, 3);
        s = h.passAfter(Duration.ofSeconds(10));
        assertEquals(JobState.RUNNING, element(s, "sim", 150).state());
        assertEquals(JobState.RUNNING, element(s, "sim", 0).state());
        assertEquals(JobState.FAILED, element(s, "sim", 151).state());
        assertEquals(3, element(s, "sim", 151).exitCode());
        assertEquals(JobState.QUEUED, element(s, "sim", 249).state());

        // every element's exit file: the task ends SUCCEEDED but for 151, each element sent once
        for (int i = 0; i < 250; i++) {
            if (i != 151) {
                h.files.exitFile(h.dir("sim"), 1 + i / 101, i, 0);
            }
        }
        h.runner.on("squeue", output(0, "", ""));
        s = h.passAfter(Duration.ofSeconds(10));
        assertEquals(249, s.elements().stream().filter(e -> e.state() == JobState.SUCCEEDED).count());
        assertEquals(JobState.FAILED, s.task("sim").state());
        assertEquals(3, h.runner.sent("sbatch").size());
    }

    @Test
    void aRetryOfOneElementBeyondTheArraySizeGoesOutAsItsOwnSmallArray() {
        h.startWithLimits("""
                name: big
                scheduler: slurm
                tasks:
                  - name: sim
                    array: 150
                    retries: 1
                    command: ./sim
                """, 101, null, null);
        sbatchAnswers(401, 402);
        h.pass();
        h.files.exitFile(h.dir("sim"), 2, 140, 1);
        RunSnapshot first = h.snapshot();
        h.runner.on("squeue", output(0, first.attempt("sim", 1).orElseThrow().jobId() + "_[0-100]|PENDING|Priority\n"
                + first.attempt("sim", 2).orElseThrow().jobId() + "_[0-38]|PENDING|Priority\n", ""));
        sbatchAnswers(403);
        RunSnapshot s = h.passAfter(Duration.ofSeconds(10));
        assertEquals(3, h.runner.sent("sbatch").size());
        AttemptRecord retry = s.attempt("sim", 3).orElseThrow();
        assertEquals(List.of(140), retry.indexList());
        assertEquals(140, retry.indexOffset());
        assertTrue(h.files.jobScript(h.dir("sim"), 3).contains("#SBATCH --array=0\n"));
        assertEquals("exit 1; retry 1 of 1", h.reasons("sim", 140, "WAITING").get(0));
    }

    @Test
    void theLimitsAreAskedOnceKeptWithTheRunAndAskedAgainOnlyWhenOld() {
        h.startAskingLimits(independent(25));
        h.runner.on("scontrol", fixture("slurm/scontrol-show-config-realistic"));
        h.runner.on("sacctmgr", "assoc", fixture("slurm/sacctmgr-assoc"));
        h.runner.on("sacctmgr", "qos", fixture("slurm/sacctmgr-qos"));
        for (int i = 0; i < 20; i++) {
            h.runner.on("sbatch", output(0, (500 + i) + "\n", ""));
        }
        RunSnapshot s = h.pass();
        assertEquals(20, h.runner.sent("sbatch").size(), "QOS normal allows 20");
        assertEquals("held: 20 of 20 jobs allowed (QOS normal)", element(s, "t25", 0).reason());
        assertTrue(h.journal.limits(h.runId()).orElseThrow().json().contains("\"maxJobs\":20"));

        // the next passes use what was kept: nothing is asked
        StringBuilder queue = new StringBuilder();
        for (int i = 1; i <= 20; i++) {
            queue.append(s.task("t" + i).jobId()).append("|PENDING|Priority\n");
        }
        h.runner.on("squeue", output(0, queue.toString(), ""));
        h.passAfter(Duration.ofMinutes(30));
        assertEquals(1, h.runner.sent("scontrol").size());

        // an hour on, they are asked again
        h.runner.on("squeue", output(0, queue.toString(), ""));
        h.runner.on("scontrol", fixture("slurm/scontrol-show-config-realistic"));
        h.runner.on("sacctmgr", "assoc", fixture("slurm/sacctmgr-assoc"));
        h.runner.on("sacctmgr", "qos", fixture("slurm/sacctmgr-qos"));
        h.passAfter(SiteLimitsReader.REFRESH);
        assertEquals(2, h.runner.sent("scontrol").size());
        assertEquals(20, h.runner.sent("sbatch").size());
    }

    @Test
    void theWorkflowsSiteLimitsWinOverWhatTheSchedulerSays() {
        h.startAskingLimits(independent(4).replace("scheduler: slurm\n", "scheduler: slurm\nsite: { maxJobs: 3 }\n"));
        h.runner.on("scontrol", fixture("slurm/scontrol-show-config-realistic"));
        h.runner.on("sacctmgr", "assoc", fixture("slurm/sacctmgr-assoc"));
        h.runner.on("sacctmgr", "qos", fixture("slurm/sacctmgr-qos"));
        sbatchAnswers(601, 602, 603);
        RunSnapshot s = h.pass();
        assertEquals(3, h.runner.sent("sbatch").size());
        assertEquals("held: 3 of 3 jobs allowed (site.maxJobs)", element(s, "t4", 0).reason());
    }

    @Test
    void aRetryUnderArrayLimitWaitsUntilTheArraysRunningJobHasEnded() {
        h.start("""
                name: flakylimit
                scheduler: slurm
                tasks:
                  - name: t
                    array: 3
                    arrayLimit: 2
                    retries: 1
                    command: ./simulate
                """);
        String dir = h.dir("t");
        sbatchAnswers(7001);
        h.pass();
        assertTrue(h.files.jobScript(dir, 1).contains("#SBATCH --array=0-2%2\n"), h.files.jobScript(dir, 1));

        // element 0 failed at once; 1 runs and 2 waits for one of the job's two places. A retry now
        // would be a job of its own beside them: three at once
        h.files.exitFile(dir, 1, 0, 1);
        h.runner.on("squeue", output(0, "7001_1|RUNNING|None\n7001_2|PENDING|JobArrayTaskLimit\n", ""));
        RunSnapshot s = h.passAfter(Duration.ofSeconds(5));
        assertEquals(List.of("exit 1; retry 1 of 1"), h.reasons("t", 0, "WAITING"));
        assertEquals(1, h.runner.sent("sbatch").size(), "the retry is held while the job runs");
        assertEquals(JobState.WAITING, element(s, "t", 0).state());

        // 1 ends and 2 runs: still two places taken by the job
        h.files.exitFile(dir, 1, 1, 0);
        h.runner.on("squeue", output(0, "7001_2|RUNNING|None\n", ""));
        h.passAfter(Duration.ofSeconds(5));
        assertEquals(1, h.runner.sent("sbatch").size(), "held while one element of the job is live");

        // the job has ended: the retry goes, alone, under the same limit
        h.files.exitFile(dir, 1, 2, 0);
        h.runner.on("squeue", output(0, "", ""));
        sbatchAnswers(7002);
        s = h.passAfter(Duration.ofSeconds(5));
        assertEquals(List.of(h.sbatch("t", 1), h.sbatch("t", 2)), h.runner.sent("sbatch"));
        assertTrue(h.files.jobScript(dir, 2).contains("#SBATCH --array=0%2\n"), h.files.jobScript(dir, 2));
        assertEquals(2, element(s, "t", 0).attempt());

        h.files.exitFile(dir, 2, 0, 0);
        h.runner.on("squeue", output(0, "", ""));
        h.passAfter(Duration.ofSeconds(5));
        assertEquals("SUCCEEDED", h.snapshot().run().state());
    }
}
