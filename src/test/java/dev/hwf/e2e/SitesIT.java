package dev.hwf.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One workflow across three sites, as a user reaches them (SPEC section 7): the plain Slurm through
 * its login node (sshd-up.sh: root@127.0.0.1:2222), the production-like Slurm through a login node
 * of its own (login-up.sh: hwfgpu@127.0.0.1:2223, whose sessions get that cluster's SLURM_CONF),
 * and this machine as the laptop ({@code scheduler: local}). Simulate on the one cluster, train on
 * the other's GPU partition, report on the laptop, with files staged both ways and their checksums
 * checked; hwf killed during a copy; a login down; a drained partition under {@code place: soonest};
 * a job pending on a partition that is down, withdrawn after {@code replaceAfter} and run on the other.
 */
class SitesIT {
    private static final Path REAL = Path.of(System.getenv().getOrDefault("HWF_REAL_CLUSTER_DIR",
            "/var/tmp/hwf-cluster-real"));
    private static final Path GPU_KEYS = REAL.resolve("login/ssh");
    private static final Path GPU_HOME = Path.of("/home/hwfgpu");
    private static SshNode cpu;

    @TempDir
    Path scratch;

    Hwf hwf;
    Path cpuWork;
    Path laptopWork;
    String gpuWork;

    @BeforeAll
    static void up() {
        cpu = SshNode.up();
        script("login-up.sh");
    }

    @BeforeEach
    void setUp() throws IOException {
        hwf = new Hwf(scratch, "1");
        hwf.env.put("SSH_AUTH_SOCK", "");
        cpuWork = Files.createDirectories(scratch.resolve("cpu-work"));
        laptopWork = Files.createDirectories(scratch.resolve("laptop-work"));
        gpuWork = "hwf-sites-" + scratch.getFileName(); // in hwfgpu's home, as a relative workdir reads
    }

    @AfterEach
    void loginsUp() {
        script("login-up.sh"); // whatever a test did to a login, the next finds it up
        sconf("update", "partitionname=gpu", "state=up");
        Path gpuDir = GPU_HOME.resolve(gpuWork); // hwfgpu's home keeps no test's work
        if (Files.exists(gpuDir)) {
            try (Stream<Path> s = Files.walk(gpuDir)) {
                s.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            } catch (IOException e) {
                // left for the next run's clean-up; nothing a test asserts
            }
        }
    }

    private static void script(String name) {
        SshNode.run(name);
    }

    /** scontrol on the production-like cluster. */
    private static void sconf(String... args) {
        try {
            ProcessBuilder pb = new ProcessBuilder(Stream.concat(Stream.of("scontrol"), Stream.of(args)).toList())
                    .redirectErrorStream(true);
            pb.environment().put("SLURM_CONF", REAL.resolve("slurm.conf").toString());
            Process p = pb.start();
            p.getInputStream().readAllBytes();
            assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private String sites() {
        return sites("");
    }

    /** The three sites; {@code gpuExtra}: more keys of site gpu, each line indented by four spaces. */
    private String sites(String gpuExtra) {
        return "sites:\n"
                + "  cpu:\n"
                + "    scheduler: slurm\n"
                + "    host: 127.0.0.1\n"
                + "    port: 2222\n"
                + "    user: root\n"
                + "    identityFile: " + cpu.key() + "\n"
                + "    knownHosts: " + cpu.knownHosts() + "\n"
                + "    workdir: \"" + cpuWork + "\"\n"
                + "    gpuPartition: gpu\n"
                + "    cost: { coreHour: 0.01 }\n"
                + "  gpu:\n"
                + "    scheduler: slurm\n"
                + "    host: 127.0.0.1\n"
                + "    port: 2223\n"
                + "    user: hwfgpu\n"
                + "    identityFile: " + GPU_KEYS.resolve("userkey") + "\n"
                + "    knownHosts: " + GPU_KEYS.resolve("known_hosts") + "\n"
                + "    workdir: " + gpuWork + "\n"
                + "    gpuPartition: gpu\n"
                + "    cost: { coreHour: 0.02, gpuHour: 1.5 }\n"
                + gpuExtra
                + "  laptop: { scheduler: local, workdir: \"" + laptopWork + "\" }\n"
                + "defaultSite: cpu\n";
    }

    /** Simulate on cpu (3 doses), train on gpu from them, report on the laptop from the model. */
    private Path campaign(String name, String trainSite, long doseBytes) {
        return campaign(name, trainSite, doseBytes, "");
    }

    private Path campaign(String name, String trainSite, long doseBytes, String gpuExtra) {
        return hwf.workflow(name + ".yaml", "name: " + name + "\n" + sites(gpuExtra) + """
                tasks:
                  - name: simulate
                    array: 3
                    partition: cpu
                    memory: 50M
                    outputs: ["dose-*.csv"]
                    command: head -c %d /dev/urandom > "dose-$HWF_ARRAY_INDEX.csv"
                  - name: train
                    site: %s
                    after: [simulate]
                    inputs: [{ from: simulate, path: "dose-*.csv" }]
                    outputs: [model.pt]
                    gpus: 1
                    memory: 100M
                    command: cat "$HWF_INPUT_SIMULATE"/dose-*.csv | sha256sum > model.pt
                  - name: report
                    site: laptop
                    after: [train]
                    inputs: [{ from: train, path: model.pt }]
                    command: cp "$HWF_INPUT_TRAIN/model.pt" final.txt
                """.formatted(doseBytes, trainSite));
    }

    private static String sha256(Path p) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(p)));
    }

    private static List<Path> partials(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(p -> p.getFileName().toString().startsWith(".hwf-partial.")).toList();
        }
    }

    /** Every dose on cpu arrived on gpu byte for byte, the model came back to the laptop, and nothing partial is left. */
    private void assertStagedBothWays(String run) throws Exception {
        Path sim = cpuWork.resolve(run).resolve("simulate");
        Path train = GPU_HOME.resolve(gpuWork).resolve(run).resolve("train");
        Path report = laptopWork.resolve(run).resolve("report");
        for (int i = 0; i < 3; i++) {
            assertEquals(sha256(sim.resolve("dose-" + i + ".csv")), sha256(train.resolve("dose-" + i + ".csv")),
                    "dose " + i + " on gpu");
        }
        assertEquals(sha256(train.resolve("model.pt")), sha256(report.resolve("model.pt")), "the model on the laptop");
        assertEquals(Files.readString(train.resolve("model.pt")), Files.readString(report.resolve("final.txt")));
        for (Path dir : List.of(train, report)) {
            assertEquals(List.of(), partials(dir), "no partial file under " + dir);
        }
    }

    @Test
    void simulateOnOneClusterTrainOnTheOthersGpuPartitionReportOnTheLaptop() throws Exception {
        Hwf.Result submit = hwf.run(Duration.ofSeconds(300), "submit", campaign("campaign", "gpu", 300_000).toString());
        assertEquals(0, submit.code(), submit.all());
        String run = Hwf.runId(submit);
        JsonNode status = hwf.status(run);
        assertEquals("SUCCEEDED", status.get("state").asText(), status.toString());
        assertEquals("cpu", Hwf.task(status, "simulate").get("site").asText());
        assertEquals("gpu", Hwf.task(status, "train").get("site").asText());
        assertEquals("laptop", Hwf.task(status, "report").get("site").asText());
        JsonNode staging = Hwf.task(status, "train").get("staging");
        assertEquals(900_000, staging.get("bytesTotal").asLong(), status.toString());
        assertEquals(900_000, staging.get("bytesDone").asLong());
        assertEquals(1, staging.get("tries").asInt());
        assertTrue(staging.get("error").isNull());
        assertEquals(68, Hwf.task(status, "report").get("staging").get("bytesTotal").asLong(),
                "the model: sha256sum's line of its stdin, 64 hex digits, two spaces, '-' and a newline");
        assertStagedBothWays(run);
        // the train job ran on the production-like cluster's GPU partition, as hwfgpu
        Path train = GPU_HOME.resolve(gpuWork).resolve(run).resolve("train");
        assertTrue(Files.readString(train.resolve("job.1.sh")).contains("#SBATCH --partition=gpu"),
                "the site's GPU partition in the script");
        assertEquals("hwfgpu", Files.getOwner(train.resolve("model.pt")).getName());
        Hwf.Result table = hwf.run("status", run);
        assertTrue(table.out().contains("SITE"), table.out());
        // hwf logs reads each log on the site its attempt ran on (none of them is in the default site's
        // work directory but simulate's): train's over gpu's SSH connection, report's on the laptop
        for (String task : List.of("simulate", "train", "report")) {
            for (String stream : List.of("--element=0", "--stderr")) {
                Hwf.Result log = hwf.run("logs", run, task, stream);
                assertEquals(0, log.code(), task + " " + stream + ": " + log.all());
            }
        }
        // the report keeps each file moved, with its checksum, and the bytes moved
        Hwf.Result report = hwf.run("report", run, "--json", "-");
        assertEquals(0, report.code(), report.all());
        JsonNode sites = Hwf.JSON.readTree(report.out()).get("sites");
        assertEquals(900_068, sites.get("bytesMoved").asLong(), sites.toString());
        assertEquals(4, sites.get("copies").size());
        Path sim = cpuWork.resolve(run).resolve("simulate");
        for (JsonNode c : sites.get("copies")) {
            if (c.get("task").asText().equals("train")) {
                assertEquals(sha256(sim.resolve(c.get("path").asText())), c.get("sha256").asText(), c.toString());
                assertEquals("cpu", c.get("fromSite").asText());
                assertEquals("gpu", c.get("toSite").asText());
            }
        }
        assertEquals("gpu", sites.get("tasks").get("train").asText());
    }

    @Test
    void aSiteThatReachesTheOtherPullsItsInputsStraightFromItsLogin() throws Exception {
        // gpu's login reaches cpu's by its own ssh (login-up.sh gives hwfgpu a key): the doses go
        // from one login to the other, not through this machine; the model still comes back through it
        Hwf.Result submit = hwf.run(Duration.ofSeconds(300), "submit",
                campaign("direct", "gpu", 300_000, "    reaches: [cpu]\n").toString());
        assertEquals(0, submit.code(), submit.all());
        String run = Hwf.runId(submit);
        JsonNode status = hwf.status(run);
        assertEquals("SUCCEEDED", status.get("state").asText(), status.toString());
        JsonNode staging = Hwf.task(status, "train").get("staging");
        assertEquals(900_000, staging.get("bytesDone").asLong(), status.toString());
        assertEquals("from cpu directly, by ssh from gpu's login node to root@127.0.0.1:2222",
                staging.get("route").asText(), staging.toString());
        assertEquals("from gpu through this machine", Hwf.task(status, "report").get("staging").get("route").asText(),
                status.toString());
        assertStagedBothWays(run);
        Path train = GPU_HOME.resolve(gpuWork).resolve(run).resolve("train");
        assertEquals("hwfgpu", Files.getOwner(train.resolve("dose-0.csv")).getName());
        assertEquals("rw-------", java.nio.file.attribute.PosixFilePermissions.toString(
                Files.getPosixFilePermissions(train.resolve("dose-0.csv"))), "private, as the site's files are");
        // the report's copies name both sites and the source's checksum, as for a streamed copy
        JsonNode sites = Hwf.JSON.readTree(hwf.run("report", run, "--json", "-").out()).get("sites");
        Path sim = cpuWork.resolve(run).resolve("simulate");
        for (JsonNode c : sites.get("copies")) {
            if (c.get("task").asText().equals("train")) {
                assertEquals(sha256(sim.resolve(c.get("path").asText())), c.get("sha256").asText(), c.toString());
            }
        }
    }

    @Test
    void killedDuringACopyTheNextPollFinishesItWithNothingCorrupt() throws Exception {
        hwf.env.put("HWF_CRASH_POINT", "during-copy");
        Hwf.Result submit = hwf.run(Duration.ofSeconds(300), "submit", campaign("killed", "gpu", 2_000_000).toString());
        assertTrue(submit.code() != 0, "hwf stopped dead during the copy:\n" + submit.all());
        hwf.env.remove("HWF_CRASH_POINT");
        String run = hwf.newestRun();
        JsonNode mid = hwf.status(run);
        assertEquals("STAGING", Hwf.task(mid, "train").get("state").asText(), mid.toString());
        Path train = GPU_HOME.resolve(gpuWork).resolve(run).resolve("train");
        assertEquals(1, partials(train).size(), "a half-written file under its temporary name only");
        assertEquals("SUCCEEDED", hwf.pollUntilEnded(run, Duration.ofSeconds(240)));
        assertStagedBothWays(run);
    }

    @Test
    void aLoginDownHoldsItsTasksWithTheReasonAndTheRunFinishesWhenItIsBack() throws Exception {
        Hwf.Result submit = hwf.run(Duration.ofSeconds(120), "submit", "--detach",
                campaign("down", "gpu", 1000).toString());
        assertEquals(0, submit.code(), submit.all());
        String run = submit.out().strip();
        script("login-down.sh");
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        JsonNode status = hwf.status(run);
        while (!Hwf.task(status, "train").get("reason").asText("").contains("site gpu cannot be reached")
                && System.nanoTime() < deadline) {
            Thread.sleep(1000);
            hwf.run("poll");
            status = hwf.status(run);
        }
        assertEquals("WAITING", Hwf.task(status, "train").get("state").asText(), status.toString());
        assertTrue(Hwf.task(status, "train").get("reason").asText().contains("site gpu cannot be reached"),
                status.toString());
        assertEquals("SUCCEEDED", Hwf.task(status, "simulate").get("state").asText(), "the other site went on");
        script("login-up.sh");
        assertEquals("SUCCEEDED", hwf.pollUntilEnded(run, Duration.ofSeconds(240)));
        assertStagedBothWays(run);
    }

    @Test
    void soonestTakesTheOtherClusterWhileAPartitionIsDrainedAndSaysWhy() throws Exception {
        sconf("update", "partitionname=gpu", "state=drain");
        Hwf.Result submit = hwf.run(Duration.ofSeconds(300), "submit", campaign("soonest", "[gpu, cpu]\n    place: soonest",
                1000).toString());
        assertEquals(0, submit.code(), submit.all());
        String run = Hwf.runId(submit);
        JsonNode status = hwf.status(run);
        JsonNode train = Hwf.task(status, "train");
        assertEquals("cpu", train.get("site").asText(), status.toString());
        String placed = train.get("attempts").get(0).get("placed").asText();
        assertTrue(placed.startsWith("placed on cpu: est. start") && placed.contains("gpu refused it (Required partition"
                + " not available (inactive or drain))"), placed);
        assertTrue(train.get("staging") == null, "simulate ran on cpu too: nothing to copy for train");
    }

    /** The run's jobs live in either cluster's queue now (squeue of both), by name. */
    private static List<String> liveJobs(String run) throws Exception {
        List<String> out = new java.util.ArrayList<>();
        for (boolean real : new boolean[] {false, true}) {
            ProcessBuilder pb = new ProcessBuilder("squeue", "--noheader", "--format=%j|%T").redirectErrorStream(true);
            if (real) {
                pb.environment().put("SLURM_CONF", REAL.resolve("slurm.conf").toString());
            }
            Process p = pb.start();
            String text = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            assertTrue(p.waitFor(30, TimeUnit.SECONDS));
            String site = real ? "gpu:" : "cpu:";
            text.lines().filter(l -> l.startsWith("hwf-" + run + "-")).forEach(l -> out.add(site + l));
        }
        return out;
    }

    @Test
    void replaceAfterWithdrawsAJobPendingOnADownPartitionAndTheOtherClusterRunsIt() throws Exception {
        sconf("update", "partitionname=gpu", "state=down"); // jobs are taken, and wait: none starts there
        Path wf = hwf.workflow("replace.yaml", "name: replace\n" + sites() + """
                tasks:
                  - name: train
                    site: [gpu, cpu]
                    replaceAfter: 5s
                    gpus: 1
                    memory: 100M
                    command: echo trained > model.pt
                """);
        Hwf.Result submit = hwf.run(Duration.ofSeconds(120), "submit", "--detach", wf.toString());
        assertEquals(0, submit.code(), submit.all());
        String run = submit.out().strip();
        long deadline = System.nanoTime() + Duration.ofSeconds(180).toNanos();
        String state = hwf.status(run).get("state").asText();
        for (int polls = 0; state.equals("RUNNING") && polls < 120 && System.nanoTime() < deadline; polls++) {
            List<String> live = liveJobs(run);
            assertTrue(live.size() <= 1, "never two live jobs for the one element: " + live);
            Thread.sleep(1000);
            Hwf.Result poll = hwf.run(Duration.ofSeconds(120), "poll");
            assertEquals(0, poll.code(), poll.all());
            state = hwf.status(run).get("state").asText();
        }
        JsonNode status = hwf.status(run);
        assertEquals("SUCCEEDED", state, status.toString());
        JsonNode train = Hwf.task(status, "train");
        assertEquals("cpu", train.get("site").asText(), status.toString());
        JsonNode attempts = train.get("attempts");
        assertEquals(2, attempts.size(), attempts.toString());
        assertEquals("gpu", attempts.get(0).get("site").asText());
        assertTrue(attempts.get(0).has("withdrawn"), attempts.toString());
        String placed = attempts.get(1).get("placed").asText();
        assertTrue(placed.startsWith("withdrawn from gpu after ") && placed.contains("; placed on cpu (first)"),
                placed);
        assertEquals(List.of(), liveJobs(run), "the withdrawn job is gone from the GPU cluster");
        assertEquals("trained", Files.readString(cpuWork.resolve(run).resolve("train").resolve("model.pt")).strip());
    }
}
