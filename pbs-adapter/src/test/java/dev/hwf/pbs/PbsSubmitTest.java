package dev.hwf.pbs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hwf.api.JobId;
import dev.hwf.api.SchedulerOutputException;
import dev.hwf.testing.Fixture;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The qsub command line and the job id it prints (fixtures/torque and fixtures/pbspro README.md). */
class PbsSubmitTest {
    private final PbsAdapter pro = new PbsAdapter("pbspro");
    private final PbsAdapter torque = new PbsAdapter("torque");

    @Test
    void qsubRunsInTheTaskDirectoryWithTheScriptsName() {
        for (PbsAdapter a : List.of(pro, torque)) {
            assertEquals(List.of("sh", "-c", "cd \"$1\" && exec qsub \"$2\"", "hwf-qsub",
                            "/scratch/alice/hwf/r1/simulate", "job.1.sh"),
                    a.submitCommand(Requests.mpiTask(), "/scratch/alice/hwf/r1/simulate/job.1.sh").argv());
        }
    }

    @Test
    void secretsGoByNameWithMinusV() {
        // qsub copies a variable listed without a value from its own environment (PBS Pro and Torque)
        for (PbsAdapter a : List.of(pro, torque)) {
            assertEquals(List.of("sh", "-c", "cd \"$1\" && exec qsub -v \"$3\" \"$2\"", "hwf-qsub",
                            "/w/t", "job.1.sh", "WANDB_API_KEY,HF_TOKEN"),
                    a.submitCommand(Requests.plain("j", "/w/t", 1, 1, 1), "/w/t/job.1.sh",
                            List.of("WANDB_API_KEY", "HF_TOKEN")).argv());
            assertEquals(a.submitCommand(Requests.mpiTask(), "/w/job.sh"),
                    a.submitCommand(Requests.mpiTask(), "/w/job.sh", List.of()));
            assertThrows(IllegalArgumentException.class,
                    () -> a.submitCommand(Requests.mpiTask(), "/w/job.sh", List.of("A,B")));
        }
    }

    @Test
    void pathsWithSpacesAndQuotesStayArguments() {
        String dir = "/w/my run's \"dir\" $(x)";
        List<String> argv = pro.submitCommand(Requests.plain("j", dir + "/", 1, 1, 1), dir + "/job.2.sh").argv();
        assertEquals(6, argv.size());
        assertEquals(dir, argv.get(4));
        assertEquals("job.2.sh", argv.get(5));
        assertFalse(argv.get(2).contains(dir), "the directory is never part of the shell code");
    }

    @Test
    void aScriptOutsideTheTaskDirectoryGoesByItsFullPath() {
        assertEquals("/elsewhere/job.sh",
                torque.submitCommand(Requests.plain("j", "/w/t", 1, 1, 1), "/elsewhere/job.sh").argv().get(5));
        assertEquals("./-job.sh",
                torque.submitCommand(Requests.plain("j", "/w/t", 1, 1, 1), "/w/t/-job.sh").argv().get(5));
    }

    @Test
    void directoriesThatCannotBeUsedAreRefused() {
        assertThrows(IllegalArgumentException.class,
                () -> pro.submitCommand(Requests.plain("j", "relative/dir", 1, 1, 1), "/x/job.sh"));
        assertThrows(IllegalArgumentException.class,
                () -> pro.submitCommand(Requests.plain("j", "/w/a\nb", 1, 1, 1), "/w/a\nb/job.sh"));
    }

    @Test
    void jobIdOfARealSubmissionThroughSlurmsTorqueWrappers() {
        Fixture f = Fixture.load("torque", "qsub-plain");
        assertEquals(new JobId("193"), torque.parseSubmitOutput(f.stdout()));
        assertEquals(new JobId("196"), torque.parseSubmitOutput(Fixture.load("torque", "qsub-array").stdout()));
    }

    @Test
    void serverNameIsDroppedAndArraysKeepTheirBrackets() {
        assertEquals(new JobId("1201"), pro.parseSubmitOutput(Fixture.load("pbspro", "qsub-plain").stdout()));
        assertEquals(new JobId("1205[]"), pro.parseSubmitOutput(Fixture.load("pbspro", "qsub-array").stdout()));
        assertEquals(new JobId("4501"), torque.parseSubmitOutput(Fixture.load("torque", "torque6-qsub-documented").stdout()));
        assertEquals(new JobId("4505[]"),
                torque.parseSubmitOutput(Fixture.load("torque", "torque6-qsub-array-documented").stdout()));
        assertEquals(new JobId("77"), pro.parseSubmitOutput("some site notice\n\n77.pbs-01.example.org\n\n"));
    }

    @Test
    void garbageIsAnErrorQuotingTheOutput() {
        for (String garbage : List.of("Job <123> is submitted to queue <normal>.", "Submitted batch job 123", "abc",
                "123 456", "123[4].pbs01", "-5", ".pbs01", "123[x].pbs01")) {
            SchedulerOutputException e = assertThrows(SchedulerOutputException.class,
                    () -> pro.parseSubmitOutput(garbage), garbage);
            assertTrue(e.getMessage().contains(garbage), e.getMessage());
        }
        assertThrows(SchedulerOutputException.class, () -> pro.parseSubmitOutput(null));
        assertThrows(SchedulerOutputException.class, () -> pro.parseSubmitOutput(" \n"));
        Fixture bad = Fixture.load("torque", "qsub-bad-queue");
        assertEquals(1, bad.exitCode());
        assertThrows(SchedulerOutputException.class, () -> torque.parseSubmitOutput(bad.stdout()));
    }

    @Test
    void refusalsAreNotTransientButAnUnreachableServerIs() {
        Fixture badQueue = Fixture.load("pbspro", "qsub-bad-queue");
        assertFalse(pro.isTransientSubmitFailure(badQueue.exitCode(), badQueue.stdout(), badQueue.stderr()));
        Fixture wrapperBadQueue = Fixture.load("torque", "qsub-bad-queue");
        assertFalse(torque.isTransientSubmitFailure(wrapperBadQueue.exitCode(), wrapperBadQueue.stdout(),
                wrapperBadQueue.stderr()));
        Fixture down = Fixture.load("pbspro", "qsub-server-down");
        assertTrue(pro.isTransientSubmitFailure(down.exitCode(), down.stdout(), down.stderr()));
        assertTrue(torque.isTransientSubmitFailure(1, "There was an error running the Slurm sbatch command.\n"
                + "'sbatch: error: Batch job submission failed: Unable to contact slurm controller (connect failure)'", ""));
    }
}
