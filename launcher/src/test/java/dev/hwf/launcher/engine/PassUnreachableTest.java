package dev.hwf.launcher.engine;

import static dev.hwf.launcher.engine.support.FixtureRunner.fixture;
import static dev.hwf.launcher.engine.support.FixtureRunner.noAnswer;
import static dev.hwf.launcher.engine.support.PassHarness.LOST_AFTER;
import static dev.hwf.launcher.engine.support.PassHarness.element;
import static dev.hwf.launcher.engine.support.PassHarness.squeue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.hwf.api.JobState;
import dev.hwf.launcher.journal.RunSnapshot;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A scheduler or a site that does not answer is "unknown, keep waiting": nothing is recorded,
 * however long it lasts, and the engine counts the passes that could not read the scheduler.
 */
class PassUnreachableTest extends PassTestCase {
    private static final String JOB = "7001";

    @BeforeEach
    void setUp() {
        h.start("""
                name: outage
                scheduler: slurm
                tasks:
                  - name: a
                    command: ./long-job
                """);
        h.runner.on("sbatch", fixture("slurm/sbatch-parsable-plain").withJobId("21", JOB));
        h.pass();
        h.runner.on("squeue", fixture("slurm/squeue-mixed").withJobId("25", JOB));
        assertEquals(JobState.RUNNING, h.passAfter(Duration.ofSeconds(30)).task("a").state());
    }

    @Test
    void aSchedulerThatDoesNotAnswerChangesNothingAndIsCounted() {
        int events = h.journal.events(h.runId()).size();

        // the login node does not answer at all
        h.runner.on("squeue", noAnswer("ssh: connect to host login1 port 22: Connection timed out"));
        RunSnapshot s = h.passAfter(Duration.ofSeconds(60));
        assertEquals(1, h.engine().consecutiveStatusFailures());
        assertEquals(JobState.RUNNING, element(s, "a", 0).state());
        assertNull(element(s, "a", 0).missingSince(), "not answering is not 'gone'");

        // slurmctld is down (captured), for longer than lostAfter
        h.runner.on("squeue", fixture("slurm/squeue-controller-down"));
        s = h.passAfter(LOST_AFTER.plusSeconds(60));
        assertEquals(2, h.engine().consecutiveStatusFailures());
        assertEquals(JobState.RUNNING, element(s, "a", 0).state());
        assertNull(element(s, "a", 0).missingSince());
        assertEquals(events, h.journal.events(h.runId()).size(), "nothing recorded");
        assertEquals(List.of(), h.runner.sent("sacct"));

        // it answers again: the count starts over
        h.runner.on("squeue", fixture("slurm/squeue-mixed").withJobId("25", JOB));
        s = h.passAfter(Duration.ofSeconds(60));
        assertEquals(0, h.engine().consecutiveStatusFailures());
        assertEquals(JobState.RUNNING, element(s, "a", 0).state());
        assertEquals(squeue(JOB), h.runner.sent().get(h.runner.sent().size() - 1));
        assertEquals(1, h.runner.sent("sbatch").size());
    }

    @Test
    void aSiteWhoseFilesCannotBeReadLeavesTheJobAsItWas() {
        h.files.exitFile(h.dir("a"), 1, 0, 0);
        h.files.unreachable(true);

        // squeue no longer lists the job, but its exit file cannot be read: not missing, not ended
        h.runner.on("squeue", fixture("slurm/squeue-purged-one"));
        RunSnapshot s = h.passAfter(LOST_AFTER.plusSeconds(60));
        assertEquals(JobState.RUNNING, element(s, "a", 0).state());
        assertNull(element(s, "a", 0).missingSince());
        assertEquals(0, h.engine().consecutiveStatusFailures(), "the scheduler did answer");

        // the files can be read again: the exit file decides
        h.files.unreachable(false);
        h.runner.on("squeue", fixture("slurm/squeue-purged-one"));
        s = h.passAfter(Duration.ofSeconds(60));
        assertEquals(JobState.SUCCEEDED, element(s, "a", 0).state());
        assertEquals(0, element(s, "a", 0).exitCode());
        assertEquals("SUCCEEDED", s.run().state());
    }
}
