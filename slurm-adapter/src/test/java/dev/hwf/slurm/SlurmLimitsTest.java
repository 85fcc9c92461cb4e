package dev.hwf.slurm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.hwf.api.Command;
import dev.hwf.api.Output;
import dev.hwf.api.SiteLimits;
import dev.hwf.testing.Fixture;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Slurm's limits as hwf reads them, and its refusals sorted into "not now" and "never", on output
 * captured from the project's two test clusters (README.md beside the fixtures): the plain one
 * (no accounting) and the realistic one (slurmdbd, QOS normal with MaxSubmitJobsPerUser=20,
 * MaxArraySize=101).
 */
class SlurmLimitsTest {
    private final SlurmAdapter slurm = new SlurmAdapter();

    private static Output out(String fixture) {
        Fixture f = Fixture.load("slurm", fixture);
        return new Output(f.exitCode(), f.stdout(), f.stderr());
    }

    private String refusal(String fixture) {
        Fixture f = Fixture.load("slurm", fixture);
        return slurm.limitRefusal(f.exitCode(), f.stdout(), f.stderr());
    }

    @Test
    void theCommandsAskTheConfigurationTheAssociationsAndTheQos() {
        assertEquals(List.of(Command.of("scontrol", "show", "config"),
                Command.of("sacctmgr", "-n", "-P", "show", "assoc", "where", "user=alice",
                        "format=Cluster,Account,User,QOS,DefaultQOS,MaxSubmitJobs,MaxJobs"),
                Command.of("sacctmgr", "-n", "-P", "show", "qos",
                        "format=Name,MaxSubmitJobsPerUser,MaxJobsPerUser,MaxSubmitJobsPerAccount,MaxJobsPerAccount")),
                slurm.limitsCommands("alice", Set.of(), Set.of()));
        assertThrows(IllegalArgumentException.class, () -> slurm.limitsCommands("al ice", Set.of(), Set.of()));
    }

    @Test
    void theRealisticClusterSaysTwentyJobsOfQosNormalAndArraysBelow101() {
        SiteLimits l = slurm.parseLimits(List.of(out("scontrol-show-config-realistic"), out("sacctmgr-assoc"),
                out("sacctmgr-qos")), "root", Set.of(), Set.of());
        assertEquals(new SiteLimits(101, 20, "QOS normal"), l);
    }

    @Test
    void aQosTheTasksDoNotUseDoesNotCount() {
        SiteLimits l = slurm.parseLimits(List.of(out("scontrol-show-config-realistic"), out("sacctmgr-assoc"),
                out("sacctmgr-qos")), "root", Set.of(), Set.of("long"));
        assertEquals(new SiteLimits(101, 10000, "MaxJobCount"), l);
    }

    @Test
    void withoutAccountingOnlyTheControllersLimitsCount() {
        SiteLimits l = slurm.parseLimits(List.of(out("scontrol-show-config-plain"), out("sacctmgr-no-dbd"),
                out("sacctmgr-qos-no-dbd")), "root", Set.of(), Set.of());
        assertEquals(new SiteLimits(1001, 50000, "MaxJobCount"), l);
    }

    @Test
    void brokenOrMissingOutputKnowsNothingAndThrowsNothing() {
        assertEquals(SiteLimits.NONE, slurm.parseLimits(List.of(), "root", Set.of(), Set.of()));
        assertEquals(SiteLimits.NONE, slurm.parseLimits(List.of(new Output(1, "", "slurm_load_ctl_conf error"),
                new Output(1, "", ""), new Output(1, "", "")), "root", Set.of(), Set.of()));
        assertEquals(SiteLimits.NONE, slurm.parseLimits(List.of(new Output(0, "MaxArraySize = lots\nnonsense\n", ""),
                new Output(0, "a|b\n", ""), new Output(0, "|||\n", "")), "root", Set.of(), Set.of()));
    }

    @Test
    void aSubmitLimitIsNotNowAndABadRequestIsNever() {
        assertEquals("QOSMaxSubmitJobPerUserLimit", refusal("sbatch-qos-submit-limit"));
        assertEquals("QOSMaxSubmitJobPerUserLimit", refusal("sbatch-qos-submit-limit-array"));
        assertEquals("AssocMaxSubmitJobLimit", refusal("sbatch-assoc-submit-limit"));
        assertEquals("QOSGrpSubmitJobsLimit", refusal("sbatch-qos-grp-submit-limit"));
        assertNull(refusal("sbatch-bad-partition"));
        assertNull(refusal("sbatch-bad-account"), "an account the user may not use never fits");
        assertNull(refusal("sbatch-array-too-large"), "an array past MaxArraySize never fits");
        assertEquals("Resource temporarily unavailable (the controller's job table is full: MaxJobCount)",
                slurm.limitRefusal(1, "", "sbatch: error: Slurm temporarily unable to accept job, sleeping and retrying\n"
                        + "sbatch: error: Batch job submission failed: Resource temporarily unavailable\n"));
        assertNull(slurm.limitRefusal(0, "42\n", ""));
    }
}
