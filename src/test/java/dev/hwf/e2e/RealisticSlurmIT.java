package dev.hwf.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A new user's first campaign on a Slurm set up like a production one (src/test/cluster/
 * up-realistic.sh): three nodes, accounting through slurmdbd, QOS normal with
 * MaxSubmitJobsPerUser=20 and MaxJobsPerUser=6, MaxArraySize=101, memory enforced by cgroups.
 * Every run goes through bin/hwf with SLURM_CONF pointing at that cluster.
 */
class RealisticSlurmIT {
    static final Path CONF = Path.of(System.getProperty("hwf.realisticSlurmConf",
            "/var/tmp/hwf-cluster-real/slurm.conf"));

    @TempDir
    Path scratch;

    Hwf hwf;
    Path work;

    @BeforeEach
    void setUp() {
        assertTrue(Files.isRegularFile(CONF), "the realistic test cluster is not up: run src/test/cluster/up-realistic.sh"
                + " (bin/test does)");
        hwf = new Hwf(scratch, "1");
        hwf.env.put("SLURM_CONF", CONF.toString());
        work = scratch.resolve("work");
    }

    /** The lines of every file named like {@code prefix*} in the run's directory. */
    private List<String> lines(String run, String prefix) throws IOException {
        List<String> out = new ArrayList<>();
        try (var files = Files.list(work.resolve(run))) {
            for (Path p : files.filter(f -> f.getFileName().toString().startsWith(prefix)).toList()) {
                out.addAll(Files.readAllLines(p));
            }
        }
        return out;
    }

    /** Live jobs of this user on the realistic cluster, array elements one each (as the QOS counts them). */
    private int liveJobs() throws Exception {
        Process p = env(new ProcessBuilder("squeue", "--noheader", "--array", "--states=PENDING,RUNNING,CONFIGURING",
                "--format=%i")).redirectErrorStream(true).start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        return (int) out.lines().filter(l -> !l.isBlank()).count();
    }

    /** Polls a detached run to its end (bounded), sampling the live jobs after every pass; returns the most seen. */
    private int pollSampling(String run, Duration limit) throws Exception {
        int most = 0;
        long deadline = System.nanoTime() + limit.toNanos();
        String state = "RUNNING";
        while (state.equals("RUNNING")) {
            assertTrue(System.nanoTime() < deadline, "run " + run + " did not end within " + limit);
            Hwf.Result poll = hwf.run(Duration.ofSeconds(120), "poll");
            assertEquals(0, poll.code(), poll.all());
            most = Math.max(most, liveJobs());
            state = hwf.status(run).get("state").asText();
            Thread.sleep(500);
        }
        assertEquals("SUCCEEDED", state, hwf.status(run).toPrettyString());
        return most;
    }

    private ProcessBuilder env(ProcessBuilder pb) {
        pb.environment().put("SLURM_CONF", CONF.toString());
        return pb;
    }

    @Test
    void thirtyTasksAndAGatherUnderASubmitLimitOfTwentyAllSucceedOnceEach() throws Exception {
        StringBuilder yaml = new StringBuilder("name: fan\nscheduler: slurm\ndefaults: { memory: 50M }\ntasks:\n");
        for (int i = 1; i <= 30; i++) {
            yaml.append("  - name: t").append(i).append("\n    command: echo t").append(i).append(" >> ../ran-t")
                    .append(i).append('\n');
        }
        yaml.append("  - name: gather\n    after: [")
                .append(IntStream.rangeClosed(1, 30).mapToObj(i -> "t" + i).collect(Collectors.joining(", ")))
                .append("]\n    command: cat ../ran-t* | wc -l > ../gathered\n");
        Path wf = hwf.workflow("fan.yaml", yaml.toString());
        Hwf.Result r = hwf.run("submit", wf.toString(), "--detach", "--set", "site.workdir=" + work);
        assertEquals(0, r.code(), "a submit limit is no failure: " + r.all());
        String run = r.out().strip();
        JsonNode first = hwf.status(run);
        assertEquals("held: 20 of 20 jobs allowed (QOS normal)", Hwf.task(first, "t21").get("reason").asText(),
                "what holds the 21st task back, as discovered from sacctmgr");

        int most = pollSampling(run, Duration.ofMinutes(4));
        assertTrue(most <= 20, "hwf never has more live jobs than the QOS allows; saw " + most);
        List<String> ran = lines(run, "ran-t");
        assertEquals(30, ran.size(), "every task ran exactly once: " + ran);
        assertEquals(30, new TreeSet<>(ran).size());
        assertEquals("30", Files.readString(work.resolve(run).resolve("gathered")).strip());
        JsonNode end = hwf.status(run);
        for (JsonNode t : end.get("tasks")) {
            assertEquals(1, t.get("attempt").asInt(), t.toString());
        }
    }

    /** Runs a Slurm command against the realistic cluster; returns its stdout. */
    private String slurm(String... argv) throws Exception {
        Process p = env(new ProcessBuilder(argv)).redirectErrorStream(true).start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), String.join(" ", argv));
        assertEquals(0, p.exitValue(), String.join(" ", argv) + ": " + out);
        return out;
    }

    @Test
    void aRefusalForTheQosLimitIsBackPressureNotFailure() throws Exception {
        // 12 jobs hwf does not know of fill most of the user's 20: hwf sends, Slurm refuses the rest
        List<String> outside = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            outside.add(slurm("sbatch", "--parsable", "--hold", "--mem=10M", "--output=/dev/null", "--wrap", "true")
                    .strip());
        }
        try {
            StringBuilder yaml = new StringBuilder("name: crowded\nscheduler: slurm\ndefaults: { memory: 20M }\n"
                    + "tasks:\n");
            for (int i = 1; i <= 12; i++) {
                yaml.append("  - name: t").append(i).append("\n    command: echo t").append(i)
                        .append(" >> ../ran-t").append(i).append('\n');
            }
            Path wf = hwf.workflow("crowded.yaml", yaml.toString());
            Hwf.Result r = hwf.run("submit", wf.toString(), "--detach", "--set", "site.workdir=" + work);
            assertEquals(0, r.code(), "a refusal for a limit is no failure: " + r.all());
            String run = r.out().strip();
            JsonNode st = hwf.status(run);
            List<String> held = new ArrayList<>();
            for (JsonNode t : st.get("tasks")) {
                assertTrue(!t.get("state").asText().equals("FAILED"), t.toString());
                if (t.get("state").asText().equals("WAITING")) {
                    held.add(t.get("reason").asText());
                }
            }
            assertTrue(!held.isEmpty(), "Slurm refused some: " + st);
            assertEquals("held: the scheduler refused more jobs now: QOSMaxSubmitJobPerUserLimit", held.get(0));
        } finally {
            for (String id : outside) {
                slurm("scancel", id);
            }
        }
        String run = hwf.newestRun();
        pollSampling(run, Duration.ofMinutes(4));
        List<String> ran = lines(run, "ran-t");
        assertEquals(12, ran.size(), "each task ran once, the refused ones later: " + ran);
        assertEquals(12, new TreeSet<>(ran).size());
    }

    @Test
    void anArrayOf250UnderMaxArraySize101GoesOutInSeveralJobsEachElementOnce() throws Exception {
        Path wf = hwf.workflow("wide.yaml", """
                name: wide
                scheduler: slurm
                defaults: { memory: 20M }
                tasks:
                  - name: sim
                    array: 250
                    command: echo "$HWF_ARRAY_INDEX $SLURM_ARRAY_JOB_ID $SLURM_ARRAY_TASK_ID" > "../ran-$HWF_ARRAY_INDEX"
                """);
        Hwf.Result r = hwf.run("submit", wf.toString(), "--detach", "--set", "site.workdir=" + work);
        assertEquals(0, r.code(), r.all());
        String run = r.out().strip();
        int most = pollSampling(run, Duration.ofMinutes(8));
        assertTrue(most <= 20, "never more live elements than the QOS allows; saw " + most);
        List<String> ran = lines(run, "ran-");
        assertEquals(250, ran.size());
        Set<Integer> indices = new TreeSet<>();
        Set<String> jobs = new TreeSet<>();
        for (String line : ran) {
            String[] f = line.split(" ");
            indices.add(Integer.parseInt(f[0]));
            jobs.add(f[1]);
            assertTrue(Integer.parseInt(f[2]) < 101, "every scheduler index is below MaxArraySize: " + line);
        }
        assertEquals(IntStream.range(0, 250).boxed().collect(Collectors.toCollection(TreeSet::new)), indices,
                "each element ran once, as itself");
        JsonNode sim = Hwf.task(hwf.status(run), "sim");
        assertEquals(jobs.size(), sim.get("attempts").size(), "status lists every array job: " + sim.get("attempts"));
        assertTrue(jobs.size() > 3, "held to 20 at a time, the array went out in many jobs: " + jobs);
    }

    @Test
    void anElementWisePipelineAcrossMaxArraySizeAndTheSubmitLimitRunsEachElementOnceAfterItsOwnPartner()
            throws Exception {
        // 105 elements: past MaxArraySize 101, so the late elements go out at an offset (fit[101..104]
        // once stayed WAITING for good here). Under the submit limit fit's lowest WAITING elements,
        // whose partners have already SUCCEEDED, take the free places first, so here hwf releases fit
        // itself; SlurmAfterEachIT shows the hand-over under aftercorr
        Path wf = hwf.workflow("pairs.yaml", """
                name: pairs
                scheduler: slurm
                defaults: { memory: 20M }
                tasks:
                  - name: sim
                    array: 105
                    command: sleep 1; date +%s.%N > "../sim-end-$HWF_ARRAY_INDEX"
                  - name: fit
                    array: 105
                    afterEach: [sim]
                    command: echo "$HWF_ARRAY_INDEX $(date +%s.%N) $SLURM_ARRAY_TASK_ID" > "../fit-$HWF_ARRAY_INDEX"
                """);
        Hwf.Result r = hwf.run("submit", wf.toString(), "--detach", "--set", "site.workdir=" + work);
        assertEquals(0, r.code(), r.all());
        String run = r.out().strip();
        int most = pollSampling(run, Duration.ofMinutes(8));
        assertTrue(most <= 20, "never more live elements than the QOS allows; saw " + most);

        java.util.Map<Integer, Double> simEnd = new java.util.HashMap<>();
        for (int i = 0; i < 105; i++) {
            simEnd.put(i, Double.parseDouble(Files.readString(work.resolve(run).resolve("sim-end-" + i)).strip()));
        }
        List<String> fits = lines(run, "fit-");
        assertEquals(105, fits.size(), "each fit element ran once");
        Set<Integer> indices = new TreeSet<>();
        for (String line : fits) {
            String[] f = line.split(" ");
            int i = Integer.parseInt(f[0]);
            indices.add(i);
            assertTrue(Double.parseDouble(f[1]) >= simEnd.get(i), "fit[" + i + "] started after sim[" + i + "] ended");
            assertTrue(Integer.parseInt(f[2]) < 101, "every scheduler index is below MaxArraySize: " + line);
        }
        assertEquals(105, indices.size());
    }

    @Test
    void aTaskOverItsMemoryEndsFailedWithOutOfMemory() throws Exception {
        Path wf = hwf.workflow("oom.yaml", """
                name: oom
                scheduler: slurm
                tasks:
                  - name: hog
                    memory: 100M
                    command: python3 -c "a = bytearray(600 * 1024 * 1024); import time; time.sleep(5)"
                  - name: after
                    after: [hog]
                    command: "true"
                """);
        Hwf.Result r = hwf.run("submit", wf.toString(), "--set", "site.workdir=" + work);
        assertEquals(1, r.code(), r.all());
        JsonNode hog = Hwf.task(hwf.status(Hwf.runId(r)), "hog");
        assertEquals("FAILED", hog.get("state").asText());
        assertEquals("OUT_OF_MEMORY", hog.get("reason").asText(), hog.toString());
        assertEquals("CANCELLED", Hwf.task(hwf.status(Hwf.runId(r)), "after").get("state").asText());
    }
}
