package dev.hwf.lsf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hwf.api.JobRequest;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** The #BSUB header a user reads in the rendered script. */
class LsfDirectivesTest {
    private final LsfAdapter lsf = new LsfAdapter();

    static JobRequest mpiTask() {
        return new JobRequest("hwf-r1-simulate-1", "/scratch/alice/hwf/r1/simulate", 2, 8, 4, 16_384, 2 * 3600,
                "cpu", "proj42", "normal", 0, List.of(), 0, List.of("-x"), Map.of());
    }

    static JobRequest gpuArray(List<Integer> indices, int limit) {
        return new JobRequest("hwf-r1-train-1", "/scratch/alice/hwf/r1/train", 1, 1, 1, 0, 0, "gpu", null, null, 1,
                indices, limit, List.of(), Map.of());
    }

    static JobRequest plain(String name, String dir) {
        return new JobRequest(name, dir, 1, 1, 1, 0, 0, null, null, null, 0, List.of(), 0, List.of(), Map.of());
    }

    @Test
    void multiNodeMpiTask() {
        assertEquals(List.of(
                "#BSUB -J \"hwf-r1-simulate-1\"",
                "#BSUB -n 32",
                "#BSUB -R \"span[ptile=16] rusage[mem=16384MB]\"",
                "#BSUB -W 2:00",
                "#BSUB -q cpu",
                "#BSUB -P proj42",
                "# hwf: qos normal is not passed on: LSF has no quality of service",
                "#BSUB -x"), lsf.directives(mpiTask()));
    }

    @Test
    void gpuArrayWithLimitIsOneJobArrayWithOneBasedIndices() {
        assertEquals(List.of(
                "#BSUB -J \"hwf-r1-train-1[1-8]%4\"",
                "#BSUB -n 1",
                "#BSUB -R \"span[hosts=1]\"",
                "#BSUB -q gpu",
                "#BSUB -gpu \"num=1\""), lsf.directives(gpuArray(IntStream.range(0, 8).boxed().toList(), 4)));
    }

    @Test
    void retriedElementsGoAsAList() {
        assertEquals("#BSUB -J \"hwf-r1-train-1[3,6]\"", lsf.directives(gpuArray(List.of(5, 2), 0)).get(0));
        assertEquals("#BSUB -J \"hwf-r1-train-1[1-4,8]%2\"",
                lsf.directives(gpuArray(List.of(7, 0, 1, 2, 3), 2)).get(0));
        assertEquals("#BSUB -J \"hwf-r1-train-1[5]\"", lsf.directives(gpuArray(List.of(4), 0)).get(0));
        assertEquals("3,6", LsfAdapter.lsfIndices(List.of(2, 5, 5)));
    }

    @Test
    void unevenAndTooFewProcesses() {
        JobRequest uneven = new JobRequest("j", "/w/t", 2, 5, 2, 0, 0, null, null, null, 0, List.of(), 0, List.of(),
                Map.of());
        assertEquals(List.of("#BSUB -J \"j\"", "#BSUB -n 10", "#BSUB -R \"span[ptile=6]\""), lsf.directives(uneven));
        JobRequest few = new JobRequest("j", "/w/t", 3, 1, 4, 0, 0, null, null, null, 0, List.of(), 0, List.of(),
                Map.of());
        assertEquals(List.of("#BSUB -J \"j\"", "#BSUB -n 12", "#BSUB -R \"span[ptile=4]\""), lsf.directives(few));
    }

    @Test
    void walltimeIsHoursAndMinutesRoundedUp() {
        assertEquals("0:02", LsfAdapter.walltime(90));
        assertEquals("0:01", LsfAdapter.walltime(60));
        assertEquals("26:04", LsfAdapter.walltime(93_784));
        assertEquals("240:00", LsfAdapter.walltime(10 * 86_400));
    }

    @Test
    void arrayIndexIsLsfsIndexMinusOne() {
        assertEquals("$(( ${LSB_JOBINDEX:-0} > 0 ? ${LSB_JOBINDEX:-0} - 1 : 0 ))", lsf.arrayIndexExpression());
        assertEquals("lsf", lsf.name());
    }

    @Test
    void noValueCanStartANewLine() {
        for (String evil : List.of("x\nrm -rf ~", "x\r\n#BSUB -q high", "x\u2028y", "x\u0000")) {
            assertThrows(IllegalArgumentException.class, () -> lsf.directives(new JobRequest(evil, "/w/t", 1, 1, 1,
                    0, 0, null, null, null, 0, List.of(), 0, List.of(), Map.of())), "job name " + evil);
            assertThrows(IllegalArgumentException.class, () -> lsf.directives(new JobRequest("j", "/w/t", 1, 1, 1,
                    0, 0, evil, null, null, 0, List.of(), 0, List.of(), Map.of())), "queue " + evil);
            assertThrows(IllegalArgumentException.class, () -> lsf.directives(new JobRequest("j", "/w/t", 1, 1, 1,
                    0, 0, null, evil, null, 0, List.of(), 0, List.of(), Map.of())), "project " + evil);
            assertThrows(IllegalArgumentException.class, () -> lsf.directives(new JobRequest("j", "/w/t", 1, 1, 1,
                    0, 0, null, null, evil, 0, List.of(), 0, List.of(), Map.of())), "qos " + evil);
            assertThrows(IllegalArgumentException.class, () -> lsf.directives(new JobRequest("j", "/w/t", 1, 1, 1,
                    0, 0, null, null, null, 0, List.of(), 0, List.of("-u " + evil), Map.of())), "directive " + evil);
        }
    }

    @Test
    void namesThatWouldBreakTheQuotedJobNameAreRefused() {
        for (String bad : List.of("a\"b", "a[1]", "two words", "-x", "")) {
            assertThrows(IllegalArgumentException.class, () -> lsf.directives(plainOrBlank(bad)), bad);
        }
    }

    private static JobRequest plainOrBlank(String name) {
        return name.isEmpty() ? new JobRequest("x", "/w/t", 1, 1, 1, 0, 0, null, null, null, 0, List.of(), 0,
                List.of(""), Map.of()) : plain(name, "/w/t");
    }

    @Test
    void everyLineIsABsubDirectiveOrAComment() {
        for (String line : lsf.directives(mpiTask())) {
            assertTrue(line.startsWith("#BSUB -") || line.startsWith("# hwf: "), line);
            assertEquals(1, line.lines().count(), line);
        }
    }
}
