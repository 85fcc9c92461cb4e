package dev.hwf.pbs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hwf.api.JobRequest;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The #PBS header a user reads in the rendered script, for both flavours. */
class PbsDirectivesTest {
    private final PbsAdapter pro = new PbsAdapter("pbspro");
    private final PbsAdapter torque = new PbsAdapter("torque");

    @Test
    void multiNodeMpiTaskOnPbsPro() {
        assertEquals(List.of(
                "#PBS -N hwf-r1-simulate-1",
                "#PBS -S /bin/bash",
                "#PBS -l select=2:ncpus=16:mpiprocs=4:mem=16384mb",
                "#PBS -l place=scatter",
                "#PBS -l walltime=2:00:00",
                "#PBS -q cpu",
                "#PBS -A proj42",
                "# hwf: qos normal is not passed on: PBS has no quality of service",
                "#PBS -l place=scatter:excl"), pro.directives(Requests.mpiTask()));
    }

    @Test
    void multiNodeMpiTaskOnTorque() {
        assertEquals(List.of(
                "#PBS -N hwf-r1-simulate-1",
                "#PBS -S /bin/bash",
                "#PBS -l nodes=2:ppn=16",
                "#PBS -l mem=32768mb",
                "#PBS -l walltime=2:00:00",
                "#PBS -q cpu",
                "#PBS -A proj42",
                "# hwf: qos normal is not passed on: PBS has no quality of service",
                "#PBS -l place=scatter:excl"), torque.directives(Requests.mpiTask()));
    }

    @Test
    void gpuArrayWithLimitIsOneJobArrayOnPbsPro() {
        assertEquals(List.of(
                "#PBS -N hwf-r1-train-1",
                "#PBS -S /bin/bash",
                "#PBS -l select=1:ncpus=1:mpiprocs=1:ngpus=1",
                "#PBS -q gpu",
                "#PBS -J 0-7%4",
                "#PBS -r y"), pro.directives(Requests.gpuArray(Requests.range(8), 4)));
    }

    @Test
    void gpuArrayWithLimitIsOneJobArrayOnTorque() {
        assertEquals(List.of(
                "#PBS -N hwf-r1-train-1",
                "#PBS -S /bin/bash",
                "#PBS -l nodes=1:ppn=1:gpus=1",
                "#PBS -q gpu",
                "#PBS -t 0-7%4"), torque.directives(Requests.gpuArray(Requests.range(8), 4)));
    }

    @Test
    void unevenProcessesSplitIntoTwoKindsOfChunks() {
        // 5 processes of 2 cores on 2 nodes: one node runs 3, the other 2
        JobRequest r = new JobRequest("j", "/w/t", 2, 5, 2, 1024, 0, null, null, null, 1, List.of(), 0, List.of(),
                Map.of());
        assertEquals("#PBS -l select=1:ncpus=6:mpiprocs=3:mem=1024mb:ngpus=1+1:ncpus=4:mpiprocs=2:mem=1024mb:ngpus=1",
                pro.directives(r).get(2));
        assertEquals("#PBS -l nodes=1:ppn=6:gpus=1+1:ppn=4:gpus=1", torque.directives(r).get(2));
        assertEquals("#PBS -l mem=2048mb", torque.directives(r).get(3));
    }

    @Test
    void fewerProcessesThanNodesGetOneProcessPerNode() {
        JobRequest r = Requests.plain("j", "/w/t", 3, 1, 2);
        assertEquals("#PBS -l select=3:ncpus=2:mpiprocs=1", pro.directives(r).get(2));
        assertEquals("#PBS -l nodes=3:ppn=2", torque.directives(r).get(2));
    }

    @Test
    void plainSingleNodeJobHasNoPlaceNoMemoryNoTime() {
        assertEquals(List.of("#PBS -N j", "#PBS -S /bin/bash", "#PBS -l select=1:ncpus=1:mpiprocs=1"),
                pro.directives(Requests.plain("j", "/w/t", 1, 1, 1)));
        assertEquals(List.of("#PBS -N j", "#PBS -S /bin/bash", "#PBS -l nodes=1:ppn=1"),
                torque.directives(Requests.plain("j", "/w/t", 1, 1, 1)));
    }

    @Test
    void torqueTakesAnyIndexListForRetriedElements() {
        assertEquals("#PBS -t 2,5,9", arrayLine(torque, List.of(9, 2, 5), 0));
        assertEquals("#PBS -t 0-3,7%2", arrayLine(torque, List.of(7, 0, 1, 2, 3), 2));
        assertEquals("#PBS -t 4", arrayLine(torque, List.of(4), 0));
    }

    @Test
    void pbsProRangesAndWhetherTheRangeStartsMoreThanWanted() {
        JobRequest step = Requests.gpuArray(List.of(2, 5, 8), 0);
        assertTrue(pro.directives(step).contains("#PBS -J 2-8:3"), "an even step needs no list");
        assertTrue(pro.startsOnly(step.arrayIndices()));

        List<String> sparse = pro.directives(Requests.gpuArray(List.of(2, 5, 9), 2));
        assertTrue(sparse.contains("#PBS -J 2-9%2"), sparse.toString());
        assertFalse(pro.startsOnly(List.of(2, 5, 9)), "2-9 starts 3, 4, 6, 7 and 8 too");

        List<String> single = pro.directives(Requests.gpuArray(List.of(4), 0));
        assertTrue(single.contains("#PBS -J 4-5"), "-J needs two indices: " + single);
        assertFalse(pro.startsOnly(List.of(4)), "4-5 starts 5 too");

        assertTrue(pro.directives(Requests.gpuArray(List.of(0, 1, 2, 6, 7, 9), 0)).contains("#PBS -J 0-9"));
        assertFalse(pro.startsOnly(List.of(0, 1, 2, 6, 7, 9)));
        assertTrue(pro.directives(Requests.gpuArray(List.of(2, 6, 14), 0)).contains("#PBS -J 2-14:4"));
        assertFalse(pro.startsOnly(List.of(2, 6, 14)), "2-14:4 starts 10 too");
        assertTrue(pro.startsOnly(List.of(0, 1, 2, 3)));

        // the elements to run are the script's business, in its own numbering: never a -v of qsub's
        for (List<Integer> set : List.of(List.of(2, 5, 9), List.of(4), List.of(0, 1, 2, 6, 7, 9), List.of(2, 6, 14))) {
            assertTrue(pro.directives(Requests.gpuArray(set, 0)).stream().noneMatch(l -> l.contains("HWF_ARRAY_ONLY")
                    || l.startsWith("#PBS -v")), set.toString());
        }
        // Torque's -t takes any list: it starts exactly what it is given
        assertTrue(torque.startsOnly(List.of(2, 5, 9)));
        assertTrue(torque.startsOnly(List.of(4)));
    }

    private static String arrayLine(PbsAdapter a, List<Integer> indices, int limit) {
        return a.directives(Requests.gpuArray(indices, limit)).stream().filter(l -> l.startsWith("#PBS -t ")
                || l.startsWith("#PBS -J ")).findFirst().orElseThrow();
    }

    @Test
    void walltimeIsHoursMinutesSecondsWithoutADayField() {
        assertEquals("0:01:30", PbsAdapter.walltime(90));
        assertEquals("26:03:04", PbsAdapter.walltime(93_784));
        assertEquals("240:00:00", PbsAdapter.walltime(10 * 86_400));
    }

    @Test
    void arrayIndexIsPbsOwnIndex() {
        assertEquals("${PBS_ARRAY_INDEX:-0}", pro.arrayIndexExpression());
        assertEquals("${PBS_ARRAYID:-${SLURM_ARRAY_TASK_ID:-0}}", torque.arrayIndexExpression());
        assertEquals("pbs", pro.name());
        assertEquals("pbs", torque.name());
        assertEquals("torque", torque.flavor());
        assertThrows(IllegalArgumentException.class, () -> new PbsAdapter("openlava"));
    }

    @Test
    void passThroughDirectivesAreVerbatimAndLast() {
        JobRequest r = new JobRequest("j", "/w/t", 1, 1, 1, 0, 0, "cpu", null, null, 0, List.of(), 0,
                List.of("-m abe", "-M alice@example.org", "-W group_list=\"phys\""), Map.of());
        List<String> lines = pro.directives(r);
        assertEquals(List.of("#PBS -m abe", "#PBS -M alice@example.org", "#PBS -W group_list=\"phys\""),
                lines.subList(lines.size() - 3, lines.size()));
    }

    @Test
    void noValueCanStartANewLine() {
        for (PbsAdapter a : List.of(pro, torque)) {
            for (String evil : List.of("x\nrm -rf ~", "x\r\n#PBS -q high", "x\u2028y", "x\u0000")) {
                assertThrows(IllegalArgumentException.class, () -> a.directives(new JobRequest(evil, "/w/t", 1, 1, 1,
                        0, 0, null, null, null, 0, List.of(), 0, List.of(), Map.of())), "job name " + evil);
                assertThrows(IllegalArgumentException.class, () -> a.directives(new JobRequest("j", "/w/t", 1, 1, 1,
                        0, 0, evil, null, null, 0, List.of(), 0, List.of(), Map.of())), "queue " + evil);
                assertThrows(IllegalArgumentException.class, () -> a.directives(new JobRequest("j", "/w/t", 1, 1, 1,
                        0, 0, null, evil, null, 0, List.of(), 0, List.of(), Map.of())), "account " + evil);
                assertThrows(IllegalArgumentException.class, () -> a.directives(new JobRequest("j", "/w/t", 1, 1, 1,
                        0, 0, null, null, evil, 0, List.of(), 0, List.of(), Map.of())), "qos " + evil);
                assertThrows(IllegalArgumentException.class, () -> a.directives(new JobRequest("j", "/w/t", 1, 1, 1,
                        0, 0, null, null, null, 0, List.of(), 0, List.of("-m " + evil), Map.of())), "directive " + evil);
            }
        }
    }

    @Test
    void valuesAPbsLineCannotCarryAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> pro.directives(Requests.plain("two words", "/w/t", 1, 1, 1)));
        assertThrows(IllegalArgumentException.class, () -> pro.directives(Requests.plain("-x", "/w/t", 1, 1, 1)));
        assertThrows(IllegalArgumentException.class, () -> torque.directives(new JobRequest("j", "/w/t", 1, 1, 1, 0, 0,
                "cpu gpu", null, null, 0, List.of(), 0, List.of(), Map.of())));
        assertThrows(IllegalArgumentException.class, () -> torque.directives(new JobRequest("j", "/w/t", 1, 1, 1, 0, 0,
                null, null, null, 0, List.of(), 0, List.of(" "), Map.of())));
    }

    @Test
    void everyLineIsAPbsDirectiveOrAComment() {
        for (PbsAdapter a : List.of(pro, torque)) {
            for (String line : a.directives(Requests.mpiTask())) {
                assertTrue(line.startsWith("#PBS -") || line.startsWith("# hwf: "), line);
                assertEquals(1, line.lines().count(), line);
            }
        }
    }

    @Test
    void longJobNamesAreShortenedTheSameWayEveryTime() {
        PbsAdapter small = new PbsAdapter("pbspro", 24);
        String name = "hwf-lucid-dose-20261122-101500-1a2b-simulate-1";
        String shortName = small.schedulerName(name);
        assertEquals(24, shortName.length());
        assertEquals(shortName, small.schedulerName(name));
        assertTrue(shortName.startsWith("hwf-lucid-dose-"), shortName);
        assertTrue(shortName.matches("[A-Za-z0-9_.-]+-[0-9a-f]{8}"), shortName);
        assertEquals("#PBS -N " + shortName, small.directives(Requests.plain(name, "/w/t", 1, 1, 1)).get(0));
        String other = small.schedulerName("hwf-lucid-dose-20261122-101500-1a2b-simulate-2");
        assertTrue(!other.equals(shortName), "two names, one short name");
        assertEquals("hwf-short", small.schedulerName("hwf-short"));
        assertEquals(name, pro.schedulerName(name));
    }
}
