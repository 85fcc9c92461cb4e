package dev.hwf.slurm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hwf.api.Command;
import dev.hwf.api.JobId;
import dev.hwf.api.JobRequest;
import dev.hwf.api.Upstream;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** sbatch's --dependency lines, as checked on the test cluster's Slurm 22.05. */
class SlurmDependencyTest {
    private final SlurmAdapter slurm = new SlurmAdapter();

    private Command plain() {
        JobRequest r = new JobRequest("j", "/w/t", 1, 1, 1, 0, 0, null, null, null, 0, List.of(), 0, List.of(),
                Map.of());
        return slurm.submitCommand(r, "/w/t/job.1.sh", List.of("TOKEN")).withEnv(Map.of("TOKEN", "s3cret"));
    }

    @Test
    void wholeJobsAndSingleElementsGoInOneAfterokOption() {
        Command c = slurm.afterSuccess(plain(), List.of(Upstream.job("4711"), new Upstream(new JobId("4712"), 3)));
        assertEquals(List.of("sbatch", "--dependency=afterok:4711:4712_3", "--export=ALL,TOKEN", "--parsable",
                "--chdir=/w/t", "--output=/w/t/slurm-%j.out", "/w/t/job.1.sh"), c.argv());
        assertEquals(Map.of("TOKEN", "s3cret"), c.env(), "the secret still reaches sbatch by its environment");
        assertTrue(slurm.offersDependencies());
    }

    @Test
    void elementWiseIsAftercorrOnEachUpstreamJob() {
        assertEquals("--dependency=aftercorr:4711", slurm.afterEachSuccess(plain(), List.of(new JobId("4711")))
                .argv().get(1));
        // the form Slurm 22.05 took on the test cluster: element N waits for element N of both
        assertEquals("--dependency=aftercorr:4711:4712", slurm.afterEachSuccess(plain(),
                List.of(new JobId("4711"), new JobId("4712"))).argv().get(1));
        assertTrue(slurm.offersElementWiseDependencies());
        assertThrows(IllegalArgumentException.class, () -> slurm.afterEachSuccess(plain(), List.of()));
        assertThrows(IllegalArgumentException.class, () -> slurm.afterEachSuccess(plain(),
                List.of(new JobId("4711_2"))));
    }

    @Test
    void onlyNumericJobIdsReachTheOption() {
        assertThrows(IllegalArgumentException.class, () -> slurm.afterSuccess(plain(), List.of(Upstream.job("1,2"))));
        assertThrows(IllegalArgumentException.class, () -> slurm.afterSuccess(plain(), List.of(Upstream.job("4_1"))));
    }

    @Test
    void aDependencyProblemIsTheDependencysNotTheJobs() {
        assertTrue(slurm.isDependencyRefusal(1, "",
                "sbatch: error: Batch job submission failed: Job dependency problem\n"));
        assertFalse(slurm.isDependencyRefusal(1, "",
                "sbatch: error: Batch job submission failed: Invalid partition name specified\n"));
        assertFalse(slurm.isDependencyRefusal(0, "4711\n", ""));
    }
}
