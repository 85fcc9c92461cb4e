package dev.hwf.lsf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hwf.api.Command;
import dev.hwf.api.JobId;
import dev.hwf.api.SchedulerOutputException;
import dev.hwf.testing.Fixture;
import java.util.List;
import org.junit.jupiter.api.Test;

/** bsub's command line and the job id it prints (fixtures/lsf/README.md). */
class LsfSubmitTest {
    private final LsfAdapter lsf = new LsfAdapter();

    @Test
    void scriptGoesToBsubsStandardInputAndPathsAreArguments() {
        Command c = lsf.submitCommand(LsfDirectivesTest.mpiTask(), "/scratch/alice/hwf/r1/simulate/job.1.sh");
        assertEquals(List.of("bsub", "-cwd", "/scratch/alice/hwf/r1/simulate", "-o",
                "/scratch/alice/hwf/r1/simulate/lsf-%J_%I.out"), c.argv());
        assertEquals("/scratch/alice/hwf/r1/simulate/job.1.sh", c.stdinFile());
        assertTrue(c.display().endsWith(" < /scratch/alice/hwf/r1/simulate/job.1.sh"), c.display());
    }

    @Test
    void spacesAndQuotesStayInsideTheirArgument() {
        String dir = "/w/my run's \"dir\"";
        Command c = lsf.submitCommand(LsfDirectivesTest.plain("j", dir + "/"), dir + "/job.1.sh");
        assertEquals(dir, c.argv().get(2));
        assertEquals(dir + "/lsf-%J_%I.out", c.argv().get(4));
    }

    @Test
    void directoriesLsfCannotUseAreRefused() {
        assertThrows(IllegalArgumentException.class,
                () -> lsf.submitCommand(LsfDirectivesTest.plain("j", "/w/100%done"), "/w/100%done/job.sh"));
        assertThrows(IllegalArgumentException.class,
                () -> lsf.submitCommand(LsfDirectivesTest.plain("j", "relative"), "/x/job.sh"));
        assertThrows(IllegalArgumentException.class,
                () -> lsf.submitCommand(LsfDirectivesTest.plain("j", "/w/a\nb"), "/x/job.sh"));
    }

    @Test
    void jobIdOfASubmission() {
        assertEquals(new JobId("5123"), lsf.parseSubmitOutput(Fixture.load("lsf", "bsub-plain").stdout()));
        assertEquals(new JobId("5124"), lsf.parseSubmitOutput(Fixture.load("lsf", "bsub-default-queue").stdout()));
        assertEquals(new JobId("5125"), lsf.parseSubmitOutput(Fixture.load("lsf", "bsub-array").stdout()));
        assertEquals(new JobId("5126"), lsf.parseSubmitOutput(Fixture.load("lsf", "bsub-busy-then-submitted").stdout()));
    }

    @Test
    void garbageIsAnErrorQuotingTheOutput() {
        for (String garbage : List.of("123", "123.pbs01", "Submitted batch job 123", "Job <abc> is submitted to queue <q>.",
                "Job <1> is submitted to queue <q>.\nJob <2> is submitted to queue <q>.")) {
            SchedulerOutputException e = assertThrows(SchedulerOutputException.class,
                    () -> lsf.parseSubmitOutput(garbage), garbage);
            assertTrue(e.getMessage().contains(garbage.lines().findFirst().orElseThrow()), e.getMessage());
        }
        assertThrows(SchedulerOutputException.class, () -> lsf.parseSubmitOutput(null));
        Fixture bad = Fixture.load("lsf", "bsub-bad-queue");
        assertThrows(SchedulerOutputException.class, () -> lsf.parseSubmitOutput(bad.stdout()));
    }

    @Test
    void refusalsAreNotTransientButAnUnreachableLsfIs() {
        Fixture bad = Fixture.load("lsf", "bsub-bad-queue");
        assertFalse(lsf.isTransientSubmitFailure(bad.exitCode(), bad.stdout(), bad.stderr()));
        Fixture down = Fixture.load("lsf", "bsub-lsf-down");
        assertTrue(lsf.isTransientSubmitFailure(down.exitCode(), down.stdout(), down.stderr()));
    }
}
