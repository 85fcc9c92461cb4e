package dev.hwf.launcher.engine;

import static dev.hwf.launcher.engine.support.FixtureRunner.fixture;
import static dev.hwf.launcher.engine.support.FixtureRunner.output;
import static dev.hwf.launcher.engine.support.PassHarness.LOST_AFTER;
import static dev.hwf.launcher.engine.support.PassHarness.element;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.hwf.api.JobState;
import dev.hwf.launcher.journal.ElementRecord;
import dev.hwf.launcher.journal.RunSnapshot;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A command killed by a signal writes exit 137 or 143 whatever killed it; the scheduler's
 * accounting tells OUT_OF_MEMORY (the cgroup's OOM killer) from a plain kill. Job 27 of the
 * realistic test cluster ran over its --mem=100M.
 */
class PassKilledTest extends PassTestCase {
    private static final String JOB = "27";

    @BeforeEach
    void setUp() {
        h.start("""
                name: oom
                scheduler: slurm
                tasks:
                  - name: a
                    memory: 100M
                    command: ./hog
                """);
        h.runner.on("sbatch", fixture("slurm/sbatch-oom-submit"));
        h.pass();
    }

    @Test
    void killedWhileTheQueueStillShowsItRunningAccountingSaysOutOfMemory() {
        h.files.exitFile(h.dir("a"), 1, 0, 137);
        h.runner.on("squeue", output(0, JOB + "|RUNNING|None\n", ""));
        h.runner.on("sacct", fixture("slurm/sacct-oom"));
        RunSnapshot s = h.passAfter(Duration.ofSeconds(5));
        ElementRecord a = element(s, "a", 0);
        assertEquals(JobState.FAILED, a.state());
        assertEquals("OUT_OF_MEMORY", a.reason());
        assertEquals(137, a.exitCode());
        assertEquals("task a failed: OUT_OF_MEMORY", s.run().reason());
    }

    @Test
    void whileAccountingStillCallsItRunningTheElementWaitsForTheQueuesWord() {
        h.files.exitFile(h.dir("a"), 1, 0, 137);
        h.runner.on("squeue", output(0, JOB + "|RUNNING|None\n", ""));
        h.runner.on("sacct", output(0, JOB + "|RUNNING|0:0\n", ""));
        RunSnapshot s = h.passAfter(Duration.ofSeconds(5));
        assertEquals(JobState.RUNNING, element(s, "a", 0).state(), "not decided on the signal alone yet");

        h.runner.on("squeue", fixture("slurm/squeue-oom"));
        s = h.passAfter(Duration.ofSeconds(5));
        assertEquals(JobState.FAILED, element(s, "a", 0).state());
        assertEquals("OUT_OF_MEMORY", element(s, "a", 0).reason());
        assertEquals(1, h.runner.sent("sacct").size());
    }

    @Test
    void withoutAccountingTheSignalDecidesAtOnce() {
        h.files.exitFile(h.dir("a"), 1, 0, 137);
        h.runner.on("squeue", output(0, JOB + "|RUNNING|None\n", ""));
        h.runner.on("sacct", fixture("slurm/sacct-accounting-disabled"));
        RunSnapshot s = h.passAfter(Duration.ofSeconds(5));
        assertEquals(JobState.FAILED, element(s, "a", 0).state());
        assertEquals("signal 9", element(s, "a", 0).reason());
    }

    @Test
    void accountingThatNeverSettlesIsWaitedForAtMostLostAfter() {
        h.files.exitFile(h.dir("a"), 1, 0, 143);
        for (int i = 0; i < 2; i++) {
            h.runner.on("squeue", output(0, JOB + "|RUNNING|None\n", ""));
            h.runner.on("sacct", output(0, JOB + "|RUNNING|0:0\n", ""));
            assertEquals(JobState.RUNNING, element(h.passAfter(Duration.ofSeconds(5)), "a", 0).state());
        }
        h.runner.on("squeue", output(0, JOB + "|RUNNING|None\n", ""));
        h.runner.on("sacct", output(0, JOB + "|RUNNING|0:0\n", ""));
        RunSnapshot s = h.passAfter(LOST_AFTER);
        assertEquals(JobState.FAILED, element(s, "a", 0).state());
        assertEquals("signal 15", element(s, "a", 0).reason());
        assertEquals(List.of(), h.reasons("a", 0, "WAITING"));
    }
}
