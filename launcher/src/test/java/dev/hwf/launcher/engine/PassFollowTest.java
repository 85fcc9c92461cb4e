package dev.hwf.launcher.engine;

import static dev.hwf.launcher.engine.support.FixtureRunner.fixture;
import static dev.hwf.launcher.engine.support.FixtureRunner.noAnswer;
import static dev.hwf.launcher.engine.support.FixtureRunner.output;
import static dev.hwf.launcher.engine.support.PassHarness.T0;
import static dev.hwf.launcher.engine.support.PassHarness.element;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hwf.api.JobState;
import dev.hwf.launcher.journal.RunSnapshot;
import java.time.Duration;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Between two full passes of a followed run, hwf looks at the live elements' exit code files and,
 * once one has appeared, makes a pass that asks the scheduler nothing: the end is recorded and its
 * dependants go out at once; an element whose file says nothing (or a signal, whose cause is the
 * scheduler's to say) waits for the next full pass. {@link Follow} keeps that pace on the harness's
 * clock: its waits move the clock on, and what a job does meanwhile is planned on the clock.
 */
class PassFollowTest extends PassTestCase {
    private static final String CHAIN = """
            name: follow
            scheduler: slurm
            site: {dependencies: hwf}
            tasks:
              - { name: a, array: 2, command: ./a }
              - { name: b, after: [a], command: ./b }
            """;

    private static final Duration INTERVAL = Duration.ofSeconds(5);

    /** Both elements of a's job as squeue lists them while they run. */
    private static final String A_RUNNING = "7001_0|RUNNING|None\n7001_1|RUNNING|None\n";

    /** The first pass (a submitted as 7001 at T0), and a followed run on the harness's clock after it. */
    private Follow submitted() {
        h.start(CHAIN);
        h.runner.on("sbatch", output(0, "7001\n", ""));
        h.pass();
        return new Follow(h.engine(), INTERVAL, h.clock);
    }

    private List<String> programsSent() {
        return h.runner.sent().stream().map(c -> c.get(0)).toList();
    }

    @Test
    void anExitCodeFileIsSeenWithoutTheSchedulerAndItsDependantGoesAtOnce() {
        h.start(CHAIN);
        h.runner.on("sbatch", output(0, "7001\n", ""));
        RunSnapshot s = h.pass();
        assertFalse(h.engine().endsWritten(s), "nothing written yet");

        h.files.exitFile(h.dir("a"), 1, 0, 0);
        assertTrue(h.engine().endsWritten(s));
        s = h.engine().advanceFromFiles(h.runId());
        assertEquals(List.of("sbatch"), h.runner.sent().stream().map(c -> c.get(0)).toList(), "no squeue");
        assertEquals(1, s.counts("a").of(JobState.SUCCEEDED));
        assertEquals(JobState.QUEUED, element(s, "a", 1).state(), "no file, no word: it waits for a full pass");

        h.files.exitFile(h.dir("a"), 1, 1, 0);
        h.runner.on("sbatch", output(0, "7002\n", ""));
        s = h.engine().advanceFromFiles(h.runId());
        assertEquals(List.of("sbatch", "sbatch"), h.runner.sent().stream().map(c -> c.get(0)).toList());
        assertEquals("7002", s.task("b").jobId(), "b released by the pass that read a's last file");
        assertEquals(List.of(), h.runner.unexpected());
    }

    @Test
    void aSignalWaitsForTheSchedulersWord() {
        h.start(CHAIN);
        h.runner.on("sbatch", output(0, "7001\n", ""));
        h.pass();
        h.files.exitFile(h.dir("a"), 1, 0, 137);
        RunSnapshot s = h.engine().advanceFromFiles(h.runId());
        assertEquals(JobState.QUEUED, element(s, "a", 0).state());
        assertEquals(1, h.runner.sent().size(), "asked nothing");
    }

    @Test
    void localFilesAreLookedAtOftenUnlessLookingGrowsCostlyAndRemoteOnesEveryHalfSecond() {
        assertEquals(100, Follow.pause(0), "a cheap local listing: ten looks a second");
        assertEquals(100, Follow.pause(5));
        assertEquals(300, Follow.pause(15), "twenty times what the last look took");
        assertEquals(500, Follow.pause(400), "never rarer than over SSH");
        h.start(CHAIN);
        assertFalse(h.engine().filesAreLocal(), "the harness's files stand for a remote site's");
    }

    @Test
    void aFullPassComesOneIntervalAfterTheLastAndTheFilesAreLookedAtEveryHalfSecondBetween() throws Exception {
        Follow follow = submitted();
        h.runner.on("squeue", output(0, A_RUNNING, ""));
        RunSnapshot s = follow.next(h.runId(), h.journal.openSnapshot(h.runId()));
        assertEquals(T0.plus(INTERVAL), h.clock.instant(), "the full pass one interval after the first");
        assertEquals(Collections.nCopies(10, Follow.CHECK.toMillis()), h.clock.sleeps(),
                "a look at the remote files every half second until then");
        assertEquals(List.of("sbatch", "squeue"), programsSent());
        assertEquals(JobState.RUNNING, element(s, "a", 0).state());
        assertEquals(List.of(), h.runner.unexpected());
    }

    @Test
    void anExitCodeFileWrittenBetweenFullPassesIsReadAtTheNextLookAndItsDependantGoesThen() throws Exception {
        Follow follow = submitted();
        h.clock.at(T0.plusMillis(1200), () -> {
            h.files.exitFile(h.dir("a"), 1, 0, 0);
            h.files.exitFile(h.dir("a"), 1, 1, 0);
        });
        h.runner.on("sbatch", output(0, "7002\n", ""));
        RunSnapshot s = follow.next(h.runId(), h.journal.openSnapshot(h.runId()));
        assertEquals(T0.plusMillis(1500), h.clock.instant(), "at the first look after the files appeared");
        assertEquals(List.of("sbatch", "sbatch"), programsSent(), "the scheduler was not asked");
        assertEquals(2, s.counts("a").of(JobState.SUCCEEDED));
        assertEquals("7002", s.task("b").jobId(), "b released 1.5 s in, not at the full pass at 5 s");
        assertEquals(List.of(), h.runner.unexpected());
    }

    @Test
    void aFileThatDecidesNothingIsReadOnceAndThenLeftToTheFullPass() throws Exception {
        Follow follow = submitted();
        h.clock.at(T0.plusMillis(1200), () -> h.files.exitFile(h.dir("a"), 1, 0, 137));
        RunSnapshot s = follow.next(h.runId(), h.journal.openSnapshot(h.runId()));
        assertEquals(T0.plusMillis(1500), h.clock.instant());
        assertEquals(JobState.QUEUED, element(s, "a", 0).state(), "a signal: the scheduler's word is awaited");
        assertEquals(List.of("sbatch"), programsSent());

        // the file is still there, but no files-only pass reads it again: the next pass is the full one
        h.runner.on("squeue", output(0, A_RUNNING, ""));
        h.runner.on("sacct", fixture("slurm/sacct-accounting-disabled"));
        follow.next(h.runId(), s);
        assertEquals(T0.plus(INTERVAL), h.clock.instant(), "no pass between 1.5 s and the full pass");
        assertEquals(List.of("sbatch", "squeue", "sacct"), programsSent());
        assertEquals(JobState.FAILED, element(h.snapshot(), "a", 0).state());
        assertEquals("signal 9", element(h.snapshot(), "a", 0).reason());
        assertEquals(List.of(), h.runner.unexpected());
    }

    @Test
    void aSchedulerThatDidNotAnswerIsAskedAgainAfterTwiceTheIntervalThenAtThePaceAgain() throws Exception {
        Follow follow = submitted();
        h.runner.on("squeue", noAnswer("ssh: connect to host login1 port 22: Connection timed out"));
        RunSnapshot s = follow.next(h.runId(), h.journal.openSnapshot(h.runId()));
        assertEquals(T0.plus(INTERVAL), h.clock.instant());
        assertEquals(1, h.engine().consecutiveStatusFailures());

        h.runner.on("squeue", output(0, A_RUNNING, ""));
        s = follow.next(h.runId(), s);
        assertEquals(T0.plus(INTERVAL.multipliedBy(3)), h.clock.instant(), "twice the interval after the failure");
        assertEquals(0, h.engine().consecutiveStatusFailures());

        h.runner.on("squeue", output(0, A_RUNNING, ""));
        follow.next(h.runId(), s);
        assertEquals(T0.plus(INTERVAL.multipliedBy(4)), h.clock.instant(), "one interval once it answered");
        assertEquals(List.of("sbatch", "squeue", "squeue", "squeue"), programsSent());
        assertEquals(List.of(), h.runner.unexpected());
    }
}
