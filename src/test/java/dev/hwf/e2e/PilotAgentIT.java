package dev.hwf.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Pilot mode on the realistic cluster (three nodes). First the agents alone: a Slurm job starts
 * {@code hwf agent} once per node with srun, as a pilot job does, and they take packed elements
 * from a directory the nodes share. Then through {@code bin/hwf}, as a user runs it: a packed task
 * and its dependant in two pilot jobs; a run whose hwf is killed with kill -9 and one of whose
 * pilots is cancelled with scancel, finished by hwf poll; and a web server as a packed service
 * whose packed dependants fetch from it in other slots.
 */
class PilotAgentIT {
    @TempDir
    Path scratch;

    Path pilot;
    Path out;

    @BeforeEach
    void setUp() throws IOException {
        assertTrue(Files.isRegularFile(RealisticSlurmIT.CONF), "the realistic test cluster is not up: run "
                + "src/test/cluster/up-realistic.sh (bin/test does)");
        pilot = scratch.resolve("pilot");
        out = Files.createDirectories(scratch.resolve("out"));
    }

    /** An element: records which agent ran it, then its exit code file, as a job script would. */
    private Path elementScript(String work) throws IOException {
        Path s = scratch.resolve("element.sh");
        Files.writeString(s, """
                echo "$HWF_PILOT_AGENT" >>%1$s/$HWF_PILOT_INDEX
                %2$s
                printf '0\\n' >%1$s/.exit.$HWF_PILOT_INDEX && mv %1$s/.exit.$HWF_PILOT_INDEX %1$s/exit.$HWF_PILOT_INDEX
                """.formatted(out, work));
        return s;
    }

    /** Queues {@code n} elements in bundles of {@code per}, written as hwf writes them (tab-separated lines). */
    private void queue(int n, int per, Path script) throws IOException {
        Path q = Files.createDirectories(pilot.resolve("queue"));
        for (int b = 0; b < n; b += per) {
            StringBuilder sb = new StringBuilder();
            for (int i = b; i < Math.min(n, b + per); i++) {
                sb.append(i).append("\t1\t0\t").append(script).append('\n');
            }
            Files.writeString(q.resolve(String.format("b%06d.todo", b)), sb.toString());
        }
    }

    /** A pilot job's script: one agent per node, each named for the job and its node. */
    private Path pilotJob(int nodes, int cores, int idleSeconds) throws IOException {
        Path s = scratch.resolve("pilot.sh");
        Files.writeString(s, """
                #!/bin/bash
                #SBATCH --nodes=%1$d
                #SBATCH --ntasks-per-node=1
                #SBATCH --cpus-per-task=%2$d
                #SBATCH --mem=400M
                #SBATCH --output=%3$s/pilot.log
                srun --nodes=%1$d --ntasks=%1$d --ntasks-per-node=1 bash -c \\
                    'exec "$0" agent "$1" --name "$SLURM_JOB_ID-$SLURMD_NODENAME" --cores %2$d --idle %4$d' \\
                    %5$s %6$s
                """.formatted(nodes, cores, scratch, idleSeconds, Hwf.home().resolve("bin/hwf"), pilot));
        return s;
    }

    private Process slurm(String... argv) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(argv).redirectErrorStream(true);
        pb.environment().put("SLURM_CONF", RealisticSlurmIT.CONF.toString());
        Process p = pb.start();
        p.getOutputStream().close();
        return p;
    }

    /** Which agent ran each element, and how often. */
    private Map<Integer, List<String>> ran() throws IOException {
        Map<Integer, List<String>> byIndex = new HashMap<>();
        try (var files = Files.list(out)) {
            for (Path f : files.toList()) {
                String name = f.getFileName().toString();
                if (name.matches("\\d+")) {
                    byIndex.put(Integer.parseInt(name), Files.readAllLines(f));
                }
            }
        }
        return byIndex;
    }

    @Test
    void agentsOnThreeNodesOfOneJobRunEveryElementOnce() throws Exception {
        queue(600, 20, elementScript("sleep 0.02"));
        Files.writeString(pilot.resolve("stop"), ""); // all the work is queued: the agents end once it has run
        Process job = slurm("sbatch", "--wait", pilotJob(3, 1, 30).toString());
        assertTrue(job.waitFor(240, TimeUnit.SECONDS), "the pilot job did not end within 240 s");
        String said = new String(job.getInputStream().readAllBytes());
        assertEquals(0, job.exitValue(), said + read(scratch.resolve("pilot.log")));

        Map<Integer, List<String>> ran = ran();
        assertEquals(600, ran.size(), "every element ran");
        Set<String> agents = new HashSet<>();
        for (Map.Entry<Integer, List<String>> e : ran.entrySet()) {
            assertEquals(1, e.getValue().size(), "element " + e.getKey() + " ran once: " + e.getValue());
            agents.add(e.getValue().get(0));
        }
        String jobId = said.replaceAll("(?s).*Submitted batch job (\\d+).*", "$1");
        assertEquals(Set.of(jobId + "-n1", jobId + "-n2", jobId + "-n3"), agents,
                "one agent per node took work: " + said);
        try (var q = Files.list(pilot.resolve("queue"))) {
            assertEquals(List.of(), q.toList(), "nothing left in the queue");
        }
    }

    @Test
    void aPilotCancelledMidRunLeavesEveryUnfinishedElementInItsClaimedBundles() throws Exception {
        int n = 200;
        queue(n, 10, elementScript("sleep 0.3"));
        Process submit = slurm("sbatch", "--parsable", pilotJob(1, 2, 60).toString());
        assertTrue(submit.waitFor(60, TimeUnit.SECONDS));
        String jobId = new String(submit.getInputStream().readAllBytes()).strip();
        assertTrue(jobId.matches("\\d+"), jobId);
        // let it run some elements, then cancel it as walltime or a node failure would end it
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (ran().size() < 20) {
            assertTrue(System.nanoTime() < deadline, "the pilot ran nothing within 120 s: "
                    + read(scratch.resolve("pilot.log")));
            Thread.sleep(200);
        }
        assertTrue(slurm("scancel", jobId).waitFor(30, TimeUnit.SECONDS));
        deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (true) {
            Process q = slurm("squeue", "--noheader", "--jobs=" + jobId, "--format=%i");
            assertTrue(q.waitFor(30, TimeUnit.SECONDS));
            if (new String(q.getInputStream().readAllBytes()).isBlank()) {
                break;
            }
            assertTrue(System.nanoTime() < deadline, "job " + jobId + " still listed 60 s after scancel");
            Thread.sleep(500);
        }

        // what hwf will read to hand work back: each element has ended (its exit code file), or
        // lies in a bundle the dead agent claimed, or is still queued; none is lost, none in two places
        Set<Integer> ended = new HashSet<>();
        try (var files = Files.list(out)) {
            files.map(f -> f.getFileName().toString()).filter(f -> f.startsWith("exit."))
                    .forEach(f -> ended.add(Integer.parseInt(f.substring(5))));
        }
        List<Integer> unfinished = new ArrayList<>();
        Path mine = pilot.resolve("taken").resolve(jobId + "-n1");
        try (var bundles = Files.list(mine)) {
            for (Path b : bundles.filter(f -> f.toString().endsWith(".todo")).toList()) {
                for (String line : Files.readAllLines(b)) {
                    int i = Integer.parseInt(line.split("\t")[0]);
                    if (!ended.contains(i)) {
                        unfinished.add(i);
                    }
                }
            }
        }
        List<Integer> queued = new ArrayList<>();
        try (var q = Files.list(pilot.resolve("queue"))) {
            for (Path b : q.toList()) {
                for (String line : Files.readAllLines(b)) {
                    queued.add(Integer.parseInt(line.split("\t")[0]));
                }
            }
        }
        assertTrue(ended.size() >= 20 && ended.size() < n, "cancelled mid-run: " + ended.size() + " ended");
        Set<Integer> all = new HashSet<>(ended);
        all.addAll(unfinished);
        all.addAll(queued);
        assertEquals(n, all.size(), "no element lost");
        assertEquals(n, ended.size() + unfinished.size() + queued.size(), "none in two places");
        for (Map.Entry<Integer, List<String>> e : ran().entrySet()) {
            assertEquals(1, e.getValue().size(), "element " + e.getKey() + " started once: " + e.getValue());
        }
    }

    /** A workflow of two one-node pilot jobs of 2 cores and a packed task of N elements running COMMAND. */
    private static final String PACKED = """
            name: packed
            scheduler: slurm
            pilot: { jobs: 2, cpus: 2, memory: 400M, idle: 60 }
            tasks:
              - name: score
                pilot: true
                array: %d
                command: %s
            """;

    private Hwf hwfOnTheCluster() {
        Hwf hwf = new Hwf(scratch, "1");
        hwf.env.put("SLURM_CONF", RealisticSlurmIT.CONF.toString());
        return hwf;
    }

    /** As a user runs it: a packed task and a dependant, through bin/hwf, on the realistic cluster. */
    @Test
    void aPackedTaskAndADependantRunThroughHwfInTwoPilotJobs() throws Exception {
        Hwf hwf = hwfOnTheCluster();
        Path work = scratch.resolve("work");
        Path wf = hwf.workflow("packed.yaml", PACKED.formatted(2000,
                "echo \"$HWF_ARRAY_INDEX $HWF_PILOT_AGENT\" > \"ran.$HWF_ARRAY_INDEX\"") + """
                  - name: gather
                    after: [score]
                    memory: 50M
                    command: cat ../score/ran.* | wc -l > count
                """);
        Hwf.Result r = hwf.run(java.time.Duration.ofMinutes(6), "submit", wf.toString(), "--set",
                "site.workdir=" + work);
        assertEquals(0, r.code(), r.all());
        String run = hwf.newestRun();
        Path score = work.resolve(run).resolve("score");
        Set<String> agents = new HashSet<>();
        var status = hwf.status(run);
        var elements = Hwf.task(status, "score").get("elements");
        for (int i = 0; i < 2000; i++) {
            List<String> lines = Files.readAllLines(score.resolve("ran." + i));
            assertEquals(1, lines.size(), "element " + i + ": " + lines);
            String agent = lines.get(0).split(" ")[1];
            agents.add(agent.replaceAll("-.*", ""));
            assertEquals(agent, elements.get(i).get("pilot").asText(), "status says which pilot ran element " + i);
        }
        Hwf.Result table = hwf.run("status", run);
        assertTrue(table.out().matches("(?s).*\\nscore in pilots: p0-a1-\\S+ took [0-9,]+ elements, p1-a1-\\S+ took "
                + "[0-9,]+ elements\\n.*"), table.out());
        assertEquals(Set.of("p0", "p1"), agents, "both pilot jobs took work");
        assertEquals("2000", Files.readString(work.resolve(run).resolve("gather").resolve("count")).strip());
        assertEquals("SUCCEEDED", status.get("state").asText(), status.toPrettyString());
        assertEquals("SUCCEEDED", Hwf.task(status, "pilot").get("state").asText());
        // one array job for the pilots (none replaced): the 2,000 elements needed no job of their own
        assertEquals(1, Hwf.task(status, "pilot").get("attempt").asInt());
        for (var attempt : Hwf.task(status, "score").get("attempts")) {
            assertTrue(attempt.get("jobId").asText().startsWith("pilot:"), attempt.toString());
        }
    }

    /**
     * The failure case, as a user would meet it: hwf is killed with kill -9 while the
     * pilots run, then one pilot job is cancelled with scancel, then hwf poll finishes the run.
     * Every element ran; none ran twice but those the cancelled pilot's slots held when it went.
     */
    @Test
    void hwfKilledAndAPilotCancelledMidRunLoseNoElementAndRunNoneTwiceButTheCancelledPilotsOwn() throws Exception {
        Hwf hwf = hwfOnTheCluster();
        Path work = scratch.resolve("work");
        int n = 3000;
        Path wf = hwf.workflow("packed.yaml", PACKED.formatted(n,
                "sleep 0.02; echo \"$HWF_PILOT_AGENT\" >> \"ran.$HWF_ARRAY_INDEX\""));
        Process submit = hwf.start(scratch.resolve("submit.out"), "submit", wf.toString(), "--set",
                "site.workdir=" + work);
        try {
            String run = awaitRan(work, 300, submit);
            submit.destroyForcibly(); // kill -9, while the pilots run
            assertTrue(submit.waitFor(30, TimeUnit.SECONDS));
            String pilotJob = Hwf.task(hwf.status(run), "pilot").get("jobId").asText();
            awaitRan(work, 1000, null);
            Process cancel = slurm("scancel", pilotJob + "_0");
            assertTrue(cancel.waitFor(30, TimeUnit.SECONDS));
            assertEquals(0, cancel.exitValue(), "scancel " + pilotJob + "_0");

            assertEquals("SUCCEEDED", hwf.pollUntilEnded(run, java.time.Duration.ofMinutes(5)), hwf.status(run)
                    .toPrettyString());
            Path score = work.resolve(run).resolve("score");
            int twice = 0;
            for (int i = 0; i < n; i++) {
                List<String> lines = Files.readAllLines(score.resolve("ran." + i));
                assertTrue(lines.size() == 1 || lines.size() == 2, "element " + i + ": " + lines);
                if (lines.size() == 2) {
                    twice++;
                    assertTrue(lines.get(0).startsWith("p0-a1-"), "only an element the cancelled pilot held ran "
                            + "again: " + i + " " + lines);
                }
            }
            assertTrue(twice <= 2, "at most the cancelled pilot's 2 slots' elements ran twice: " + twice);
            // the cancel mattered: elements of bundles the cancelled pilot had claimed ran elsewhere
            int handedBack = 0;
            try (var agents = Files.list(work.resolve(run).resolve("pilot").resolve("taken"))) {
                for (Path agent : agents.filter(a -> a.getFileName().toString().startsWith("p0-a1-")).toList()) {
                    try (var bundles = Files.list(agent)) {
                        for (Path b : bundles.filter(f -> f.toString().endsWith(".todo")).toList()) {
                            for (String line : Files.readAllLines(b)) {
                                List<String> ran = Files.readAllLines(score.resolve("ran." + line.split("\t")[0]));
                                handedBack += ran.get(ran.size() - 1).startsWith("p0-a1-") ? 0 : 1;
                            }
                        }
                    }
                }
            }
            assertTrue(handedBack > 0, "some elements the cancelled pilot had claimed ran in another pilot");
            var status = hwf.status(run);
            int succeeded = 0;
            for (var e : Hwf.task(status, "score").get("elements")) {
                succeeded += e.get("state").asText().equals("SUCCEEDED") ? 1 : 0;
            }
            assertEquals(n, succeeded, "every element SUCCEEDED in the journal");
        } finally {
            submit.destroyForcibly();
            slurm("scancel", "--name=" + "packed", "--quiet").waitFor(30, TimeUnit.SECONDS);
        }
    }

    /**
     * A web server as a packed service in one pilot's slot, on the realistic cluster, and 40
     * packed elements in the other slots fetching a page from it at HWF_SERVICE_WEB_URL; once
     * they have ended, its agent stops it and the pilots end.
     */
    @Test
    void aPackedServiceServesPackedDependantsAndIsStoppedByItsAgent() throws Exception {
        Hwf hwf = hwfOnTheCluster();
        Path work = scratch.resolve("work");
        Path wf = hwf.workflow("served.yaml", """
                name: served
                scheduler: slurm
                pilot: { jobs: 2, cpus: 2, memory: 400M, idle: 60 }
                tasks:
                  - name: web
                    pilot: true
                    service: true
                    port: 18779
                    command: exec python3 -m http.server "$HWF_SERVICE_PORT" --bind "$HWF_SERVICE_HOST"
                  - name: fetch
                    after: [web]
                    pilot: true
                    array: 40
                    command: >-
                      python3 -c 'import os, urllib.request as u;
                      print(u.urlopen("http://" + os.environ["HWF_SERVICE_WEB_URL"] + "/").status)' > "got.$HWF_ARRAY_INDEX"
                """);
        Hwf.Result r = hwf.run(java.time.Duration.ofMinutes(4), "submit", wf.toString(), "--set",
                "site.workdir=" + work);
        assertEquals(0, r.code(), r.all());
        String run = hwf.newestRun();
        for (int i = 0; i < 40; i++) {
            assertEquals("200", Files.readString(work.resolve(run).resolve("fetch/got." + i)).strip(), "element " + i);
        }
        var status = hwf.status(run);
        var web = Hwf.task(status, "web");
        assertEquals("SUCCEEDED", web.get("state").asText(), status.toPrettyString());
        assertTrue(web.get("jobId").asText().startsWith("pilot:"), "the service ran in a pilot's slot: " + web);
        assertTrue(web.get("endpoint").asText().endsWith(":18779"), web.toString());
        assertEquals("SUCCEEDED", Hwf.task(status, "pilot").get("state").asText(), "its agent stopped it; the pilots "
                + "ended");
    }

    /**
     * Waits (bounded) until {@code count} elements of the newest run have written their file;
     * returns the run id. While {@code hwf} is given, it must still be running.
     */
    private String awaitRan(Path work, int count, Process hwf) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(180);
        while (true) {
            assertTrue(System.nanoTime() < deadline, "fewer than " + count + " elements ran in 180 s");
            if (hwf != null) {
                assertTrue(hwf.isAlive(), "hwf ended before the test killed it: "
                        + read(scratch.resolve("submit.out")));
            }
            if (Files.isDirectory(work)) {
                try (var runs = Files.list(work)) {
                    for (Path run : runs.toList()) {
                        Path score = run.resolve("score");
                        if (Files.isDirectory(score)) {
                            try (var files = Files.list(score)) {
                                if (files.filter(f -> f.getFileName().toString().startsWith("ran.")).count() >= count) {
                                    return run.getFileName().toString();
                                }
                            }
                        }
                    }
                }
            }
            Thread.sleep(200);
        }
    }

    private static String read(Path p) {
        try {
            return Files.readString(p);
        } catch (IOException e) {
            return "(no " + p + ")";
        }
    }
}
