package dev.hwf.slurm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hwf.api.JobRequest;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SlurmDirectivesTest {
    private final SlurmAdapter slurm = new SlurmAdapter();

    static JobRequest mpiTask() {
        return new JobRequest("hwf-r1-simulate-1", "/scratch/alice/hwf/r1/simulate", 2, 8, 4, 16_384, 2 * 3600,
                "cpu", "proj42", "normal", 0, List.of(), 0, List.of("--exclusive"), Map.of());
    }

    static JobRequest gpuArray(List<Integer> indices, int limit) {
        return new JobRequest("hwf-r1-train-1", "/scratch/alice/hwf/r1/train", 1, 1, 1, 0, 0,
                "gpu", null, null, 1, indices, limit, List.of(), Map.of());
    }

    @Test
    void multiNodeMpiTask() {
        assertEquals(List.of(
                "#SBATCH --job-name=hwf-r1-simulate-1",
                "#SBATCH --nodes=2",
                "#SBATCH --ntasks=8",
                "#SBATCH --cpus-per-task=4",
                "#SBATCH --mem=16384M",
                "#SBATCH --time=0-02:00:00",
                "#SBATCH --partition=cpu",
                "#SBATCH --account=proj42",
                "#SBATCH --qos=normal",
                "#SBATCH --exclusive"), slurm.directives(mpiTask()));
    }

    @Test
    void gpuArrayWithLimitIsOneJobArray() {
        assertEquals(List.of(
                "#SBATCH --job-name=hwf-r1-train-1",
                "#SBATCH --nodes=1",
                "#SBATCH --ntasks=1",
                "#SBATCH --cpus-per-task=1",
                "#SBATCH --partition=gpu",
                "#SBATCH --gres=gpu:1",
                "#SBATCH --array=0-7%4"), slurm.directives(gpuArray(List.of(0, 1, 2, 3, 4, 5, 6, 7), 4)));
    }

    @Test
    void arraySpecForResubmittedSubsets() {
        assertEquals("#SBATCH --array=2,5,9", arrayLine(List.of(2, 5, 9), 0));
        assertEquals("#SBATCH --array=0-3,7", arrayLine(List.of(7, 0, 1, 2, 3), 0));
        assertEquals("#SBATCH --array=4%1", arrayLine(List.of(4), 1));
        assertEquals("#SBATCH --array=1-2,4-5", arrayLine(List.of(1, 2, 2, 4, 5), 0));
    }

    private String arrayLine(List<Integer> indices, int limit) {
        List<String> lines = slurm.directives(gpuArray(indices, limit));
        return lines.stream().filter(l -> l.startsWith("#SBATCH --array=")).findFirst().orElseThrow();
    }

    @Test
    void noArrayNoGresNoMemNoTimeWhenNotAsked() {
        JobRequest r = new JobRequest("j", "/w/t", 1, 1, 1, 0, 0, null, null, null, 0, List.of(), 3, List.of(),
                Map.of());
        assertEquals(List.of("#SBATCH --job-name=j", "#SBATCH --nodes=1", "#SBATCH --ntasks=1",
                "#SBATCH --cpus-per-task=1"), slurm.directives(r));
    }

    @Test
    void walltimeIsDaysHoursMinutesSeconds() {
        assertEquals("0-00:01:30", SlurmAdapter.walltime(90));
        assertEquals("1-02:03:04", SlurmAdapter.walltime(93_784));
        assertEquals("10-00:00:00", SlurmAdapter.walltime(10 * 86_400));
    }

    @Test
    void passThroughDirectivesAreVerbatimAndLast() {
        JobRequest r = new JobRequest("j", "/w/t", 1, 1, 1, 0, 0, "cpu", null, null, 0, List.of(), 0,
                List.of("--exclusive", "--constraint=\"ib&haswell\"", "--mail-type=END,FAIL"), Map.of());
        List<String> lines = slurm.directives(r);
        assertEquals(List.of("#SBATCH --exclusive", "#SBATCH --constraint=\"ib&haswell\"",
                "#SBATCH --mail-type=END,FAIL"), lines.subList(lines.size() - 3, lines.size()));
    }

    @Test
    void noValueCanStartANewLine() {
        for (String evil : List.of("x\nrm -rf ~", "x\r\n#SBATCH --qos=high", "x\u2028y", "x\u0000")) {
            assertThrows(IllegalArgumentException.class, () -> slurm.directives(new JobRequest(evil, "/w/t", 1, 1, 1,
                    0, 0, null, null, null, 0, List.of(), 0, List.of(), Map.of())), "job name " + evil);
            assertThrows(IllegalArgumentException.class, () -> slurm.directives(new JobRequest("j", "/w/t", 1, 1, 1,
                    0, 0, evil, null, null, 0, List.of(), 0, List.of(), Map.of())), "partition " + evil);
            assertThrows(IllegalArgumentException.class, () -> slurm.directives(new JobRequest("j", "/w/t", 1, 1, 1,
                    0, 0, null, evil, null, 0, List.of(), 0, List.of(), Map.of())), "account " + evil);
            assertThrows(IllegalArgumentException.class, () -> slurm.directives(new JobRequest("j", "/w/t", 1, 1, 1,
                    0, 0, null, null, evil, 0, List.of(), 0, List.of(), Map.of())), "qos " + evil);
            assertThrows(IllegalArgumentException.class, () -> slurm.directives(new JobRequest("j", "/w/t", 1, 1, 1,
                    0, 0, null, null, null, 0, List.of(), 0, List.of("--comment=" + evil), Map.of())),
                    "directive " + evil);
        }
    }

    @Test
    void valuesThatSbatchWouldSplitAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> slurm.directives(new JobRequest("two words", "/w/t", 1, 1,
                1, 0, 0, null, null, null, 0, List.of(), 0, List.of(), Map.of())));
        assertThrows(IllegalArgumentException.class, () -> slurm.directives(new JobRequest("j", "/w/t", 1, 1, 1, 0,
                0, "cpu gpu", null, null, 0, List.of(), 0, List.of(), Map.of())));
        assertThrows(IllegalArgumentException.class, () -> slurm.directives(new JobRequest("j", "/w/t", 1, 1, 1, 0,
                0, null, null, null, 0, List.of(), 0, List.of("  "), Map.of())));
    }

    @Test
    void everyLineIsAnSbatchComment() {
        for (String line : slurm.directives(mpiTask())) {
            assertTrue(line.startsWith("#SBATCH --"), line);
            assertTrue(line.lines().count() == 1, line);
        }
    }

    @Test
    void arrayIndexIsSlurmsOwnIndex() {
        assertEquals("${SLURM_ARRAY_TASK_ID:-0}", slurm.arrayIndexExpression());
        assertEquals("slurm", slurm.name());
    }
}
