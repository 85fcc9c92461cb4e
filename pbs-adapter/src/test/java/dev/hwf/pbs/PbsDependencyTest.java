package dev.hwf.pbs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hwf.api.Command;
import dev.hwf.api.JobId;
import dev.hwf.api.Upstream;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * qsub's {@code -W depend=} (PBS Pro's and Torque's documented forms; Slurm's Torque wrappers pass
 * the value to sbatch's --dependency, which takes {@code afterok:ID}).
 */
class PbsDependencyTest {
    private final PbsAdapter pro = new PbsAdapter("pbspro");
    private final PbsAdapter torque = new PbsAdapter("torque");

    @Test
    void aJobAndAnArrayOnPbsPro() {
        Command c = pro.afterSuccess(pro.submitCommand(Requests.plain("j", "/w/t", 1, 1, 1), "/w/t/job.1.sh"),
                List.of(Upstream.job("2002"), Upstream.job("2001[]")));
        assertEquals(List.of("sh", "-c", "cd \"$1\" && exec qsub -W \"$3\" \"$2\"", "hwf-qsub", "/w/t", "job.1.sh",
                "depend=afterok:2002:2001[]"), c.argv());
    }

    @Test
    void arraysTakeAfterokarrayOnTorque() {
        Command c = torque.afterSuccess(torque.submitCommand(Requests.plain("j", "/w/t", 1, 1, 1), "/w/t/job.1.sh"),
                List.of(Upstream.job("17"), Upstream.job("18[]")));
        assertEquals("depend=afterok:17,afterokarray:18[]", c.argv().get(c.argv().size() - 1));
    }

    @Test
    void besideSecretsTheValueIsTheNextPositionalArgument() {
        Command c = pro.afterSuccess(pro.submitCommand(Requests.plain("j", "/w/t", 1, 1, 1), "/w/t/job.1.sh",
                List.of("TOKEN")), List.of(Upstream.job("2002")));
        assertEquals(List.of("sh", "-c", "cd \"$1\" && exec qsub -W \"$4\" -v \"$3\" \"$2\"", "hwf-qsub", "/w/t",
                "job.1.sh", "TOKEN", "depend=afterok:2002"), c.argv());
    }

    @Test
    void oneElementOfAnArrayIsNotADependencyPbsKeeps() {
        Command submit = pro.submitCommand(Requests.plain("j", "/w/t", 1, 1, 1), "/w/t/job.1.sh");
        assertNull(pro.afterSuccess(submit, List.of(new Upstream(new JobId("2001[]"), 3))));
        assertTrue(pro.offersDependencies() && torque.offersDependencies());
    }
}
