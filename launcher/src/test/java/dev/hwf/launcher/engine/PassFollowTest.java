package dev.hwf.launcher.engine;

import static dev.hwf.launcher.engine.support.FixtureRunner.output;
import static dev.hwf.launcher.engine.support.PassHarness.element;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hwf.api.JobState;
import dev.hwf.launcher.journal.RunSnapshot;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Between two full passes of a followed run, hwf looks at the live elements' exit code files and,
 * once one has appeared, makes a pass that asks the scheduler nothing: the end is recorded and its
 * dependants go out at once; an element whose file says nothing (or a signal, whose cause is the
 * scheduler's to say) waits for the next full pass.
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
}
