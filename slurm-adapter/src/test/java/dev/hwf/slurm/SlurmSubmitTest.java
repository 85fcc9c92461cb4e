package dev.hwf.slurm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hwf.api.JobId;
import dev.hwf.api.JobRequest;
import dev.hwf.api.SchedulerOutputException;
import dev.hwf.testing.Fixture;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SlurmSubmitTest {
    private final SlurmAdapter slurm = new SlurmAdapter();

    private static JobRequest inDir(String dir, List<Integer> indices) {
        return new JobRequest("j", dir, 1, 1, 1, 0, 0, null, null, null, 0, indices, 0, List.of(), Map.of());
    }

    @Test
    void plainJobLogsToSlurmJobIdFileInItsTaskDir() {
        assertEquals(List.of("sbatch", "--parsable", "--chdir=/scratch/alice/hwf/r1/simulate",
                        "--output=/scratch/alice/hwf/r1/simulate/slurm-%j.out", "/scratch/alice/hwf/r1/simulate/job.sh"),
                slurm.submitCommand(SlurmDirectivesTest.mpiTask(), "/scratch/alice/hwf/r1/simulate/job.sh").argv());
    }

    @Test
    void secretsGoByNameInExportAllBesideTheRestOfTheEnvironment() {
        List<String> argv = slurm.submitCommand(inDir("/w/t", List.of()), "/w/t/job.sh", List.of("WANDB_API_KEY", "B"))
                .argv();
        assertEquals(List.of("sbatch", "--export=ALL,WANDB_API_KEY,B", "--parsable", "--chdir=/w/t",
                "--output=/w/t/slurm-%j.out", "/w/t/job.sh"), argv);
        assertEquals(slurm.submitCommand(inDir("/w/t", List.of()), "/w/t/job.sh"),
                slurm.submitCommand(inDir("/w/t", List.of()), "/w/t/job.sh", List.of()));
        assertThrows(IllegalArgumentException.class,
                () -> slurm.submitCommand(inDir("/w/t", List.of()), "/w/t/job.sh", List.of("A=1")));
    }

    @Test
    void arrayLogsOneFilePerElement() {
        assertEquals(List.of("sbatch", "--parsable", "--chdir=/scratch/alice/hwf/r1/train",
                        "--output=/scratch/alice/hwf/r1/train/slurm-%A_%a.out", "/scratch/alice/hwf/r1/train/job.sh"),
                slurm.submitCommand(SlurmDirectivesTest.gpuArray(List.of(0, 1), 0), "/scratch/alice/hwf/r1/train/job.sh")
                        .argv());
    }

    @Test
    void percentInTheDirectoryIsEscapedForOutputOnly() {
        // checked on Slurm 22.05: "%%" in --output is one '%'; --chdir takes no patterns
        List<String> argv = slurm.submitCommand(inDir("/w/100%done/t", List.of()), "/w/100%done/t/job.sh").argv();
        assertEquals("--chdir=/w/100%done/t", argv.get(2));
        assertEquals("--output=/w/100%%done/t/slurm-%j.out", argv.get(3));
        assertEquals("/w/100%done/t/job.sh", argv.get(4));
    }

    @Test
    void spacesAndQuotesStayInsideTheirArgument() {
        List<String> argv = slurm.submitCommand(inDir("/w/my run's/t", List.of(3)), "/w/my run's/t/job.sh").argv();
        assertEquals(5, argv.size());
        assertEquals("--output=/w/my run's/t/slurm-%A_%a.out", argv.get(3));
        assertTrue(slurm.submitCommand(inDir("/w/my run's/t", List.of(3)), "/w/my run's/t/job.sh").display()
                .contains("'--chdir=/w/my run'\\''s/t'"));
    }

    @Test
    void directoriesSlurmCannotUseAreRefused() {
        // a backslash turns Slurm's %-patterns off and is dropped from the path (job fails to start)
        assertThrows(IllegalArgumentException.class, () -> slurm.submitCommand(inDir("/w/a\\b", List.of()), "/x"));
        assertThrows(IllegalArgumentException.class, () -> slurm.submitCommand(inDir("relative/dir", List.of()), "/x"));
        assertThrows(IllegalArgumentException.class, () -> slurm.submitCommand(inDir("/w/a\nb", List.of()), "/x"));
    }

    @Test
    void trailingSlashIsDropped() {
        assertEquals("--output=/w/t/slurm-%j.out",
                slurm.submitCommand(inDir("/w/t/", List.of()), "/w/t/job.sh").argv().get(3));
    }

    @Test
    void jobIdOfARealPlainSubmission() {
        Fixture f = Fixture.load("slurm", "sbatch-parsable-plain");
        assertEquals(new JobId("21"), slurm.parseSubmitOutput(f.stdout()));
    }

    @Test
    void anArrayIsOneJobId() {
        assertEquals(new JobId("39"), slurm.parseSubmitOutput(Fixture.load("slurm", "sbatch-parsable-array").stdout()));
    }

    @Test
    void clusterSuffixIsDropped() {
        assertEquals(new JobId("40"),
                slurm.parseSubmitOutput(Fixture.load("slurm", "sbatch-parsable-cluster-synthesized").stdout()));
        assertEquals(new JobId("123"), slurm.parseSubmitOutput("123;cluster\n"));
    }

    @Test
    void lastNonEmptyLineCounts() {
        assertEquals(new JobId("77"), slurm.parseSubmitOutput("some site notice\n\n77\n\n"));
        assertEquals(new JobId("77"), slurm.parseSubmitOutput("  77  \r\n"));
    }

    @Test
    void failedSubmissionIsAnErrorQuotingTheOutput() {
        Fixture f = Fixture.load("slurm", "sbatch-bad-partition");
        assertEquals(1, f.exitCode());
        SchedulerOutputException e = assertThrows(SchedulerOutputException.class,
                () -> slurm.parseSubmitOutput(f.stdout()));
        assertTrue(e.getMessage().contains("<empty output>"), e.getMessage());
    }

    @Test
    void garbageIsAnErrorQuotingTheOutput() {
        for (String garbage : List.of("Submitted batch job 123", "123 456", "abc", "12a", "-5", "123;", ";x")) {
            SchedulerOutputException e = assertThrows(SchedulerOutputException.class,
                    () -> slurm.parseSubmitOutput(garbage), garbage);
            assertTrue(e.getMessage().contains(garbage), e.getMessage());
            assertEquals(garbage, e.output());
        }
        assertThrows(SchedulerOutputException.class, () -> slurm.parseSubmitOutput(null));
        assertThrows(SchedulerOutputException.class, () -> slurm.parseSubmitOutput(""));
        assertThrows(SchedulerOutputException.class, () -> slurm.parseSubmitOutput(" \n \n"));
    }
}
