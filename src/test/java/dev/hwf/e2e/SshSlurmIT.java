package dev.hwf.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * bin/hwf submitting over SSH to the local Slurm, as from a laptop to a login node: the workflow's
 * site names root@127.0.0.1:2222 (the sshd of src/test/cluster/sshd-up.sh) with the test key and
 * known_hosts; the "cluster's" work directory is a temp dir. A GPU array runs to SUCCEEDED on one
 * SSH connection; an unknown host key and a wrong key are refused with exit 3 and nothing is
 * submitted; a run survives its connection being killed and sshd restarting; ssh config aliases
 * work, and a poll over several runs logs in once; a service's ready file comes back over SFTP and
 * its dependants reach it.
 */
class SshSlurmIT {
    private static SshNode node;

    @TempDir
    Path scratch;

    Hwf hwf;
    Path work;

    @BeforeAll
    static void up() {
        node = SshNode.up();
    }

    @BeforeEach
    void setUp() throws IOException {
        hwf = new Hwf(scratch, "1");
        hwf.env.put("SSH_AUTH_SOCK", ""); // the developer's agent must not stand in for the test's keys
        work = Files.createDirectories(scratch.resolve("cluster-work"));
    }

    @AfterEach
    void sshdUp() {
        node.script("sshd-up.sh"); // whatever a test did to sshd, the next one finds it up
    }

    private Path workflow(String name, String site, String tasks) {
        return hwf.workflow(name + ".yaml", "name: " + name + "\nscheduler: slurm\n" + site + tasks);
    }

    /**
     * Pilot mode over SSH, as from a laptop: hwf writes the bundles and reads the outcomes by SFTP,
     * copies the agent's jars into the pilot task's directory on the cluster, and the pilot jobs run
     * the agent from there with the nodes' java; every element runs once, then the dependant.
     */
    @Test
    void packedElementsRunInPilotsOverSshOnOneConnection() throws Exception {
        Path wf = workflow("ssh-pilot", node.siteYaml(work, ""), """
                pilot: { jobs: 2, cpus: 1, memory: 400M, idle: 30, partition: cpu }
                tasks:
                  - name: score
                    pilot: true
                    array: 300
                    command: echo "$HWF_PILOT_AGENT" >> "ran.$HWF_ARRAY_INDEX"
                  - name: gather
                    after: [score]
                    partition: cpu
                    memory: 50M
                    command: cat ../score/ran.* | wc -l > count
                """);
        int before = node.accepted();
        Hwf.Result r = hwf.run("-v", "submit", wf.toString());
        assertEquals(0, r.code(), r.all());
        assertEquals(1, node.accepted() - before, "one hwf process, one SSH connection:\n" + r.err());
        String run = Hwf.runId(r);
        Path runDir = work.resolve(run);
        Set<String> agents = new HashSet<>();
        for (int i = 0; i < 300; i++) {
            List<String> lines = Files.readAllLines(runDir.resolve("score/ran." + i));
            assertEquals(1, lines.size(), "element " + i + " ran once: " + lines);
            agents.add(lines.get(0).replaceAll("-.*", ""));
        }
        assertEquals(Set.of("p0", "p1"), agents, "both pilot jobs took work");
        assertEquals("300", Files.readString(runDir.resolve("gather/count")).strip());
        try (var jars = Files.list(runDir.resolve("pilot/agent"))) {
            List<String> names = jars.map(p -> p.getFileName().toString()).sorted().toList();
            assertTrue(names.size() == 4 && names.stream().allMatch(n -> n.endsWith(".jar")), "the agent's jars, "
                    + "copied by SFTP: " + names);
        }
        String pilotJob = Files.readString(runDir.resolve("pilot/job.1.sh"));
        assertTrue(pilotJob.contains("-cp \"$PWD\"/agent/") && pilotJob.contains("exec java "), "the pilot job runs "
                + "the agent from the copied jars with the nodes' java: " + pilotJob);
        JsonNode status = hwf.status(run);
        assertEquals("SUCCEEDED", status.get("state").asText(), status.toPrettyString());
        assertEquals(1, Hwf.task(status, "pilot").get("attempt").asInt());
    }

    @Test
    void gpuArrayOverSshRunsToSucceededOnOneConnection() throws Exception {
        Path wf = workflow("ssh-gpu", node.siteYaml(work, "  gpuPartition: gpu\n"), """
                defaults: { partition: cpu }
                tasks:
                  - name: prep
                    command: echo "$SLURM_JOB_PARTITION $SSH_CONNECTION" > ../prep.txt
                  - name: train
                    after: [prep]
                    gpus: 1
                    array: 4
                    arrayLimit: 2
                    command: |
                      echo "$SLURM_JOB_PARTITION $SLURM_ARRAY_JOB_ID $SLURM_ARRAY_TASK_ID $HWF_ARRAY_INDEX" > "../train-$HWF_ARRAY_INDEX.txt"
                      scontrol show job "$SLURM_JOB_ID" | tr ' ' '\\n' | grep -E '^(TresPerNode|ArrayTaskThrottle)=' >> "../train-$HWF_ARRAY_INDEX.txt"
                """);
        int before = node.accepted();
        Hwf.Result r = hwf.run("-v", "submit", wf.toString());
        assertEquals(0, r.code(), r.all());
        assertEquals(1, node.accepted() - before, "one hwf process, one SSH connection:\n" + r.err());
        assertTrue(r.err().contains("(1 SSH connection(s) opened by this hwf process)"), r.err());
        assertFalse(r.err().contains("(2 SSH connection(s)"), r.err());
        assertTrue(r.err().contains("closed the connection to root@127.0.0.1 port 2222"), r.err());

        String run = Hwf.runId(r);
        assertTrue(r.out().contains("work directory " + work + "/" + run), r.out());
        JsonNode status = hwf.status(run);
        assertEquals("SUCCEEDED", status.get("state").asText());
        JsonNode train = Hwf.task(status, "train");
        String arrayJob = train.get("jobId").asText();
        Path runDir = work.resolve(run);
        // the job ran under a shell started over SSH: sbatch carried SSH_CONNECTION into the job
        assertTrue(Files.readString(runDir.resolve("prep.txt")).startsWith("cpu 127.0.0.1 "),
                Files.readString(runDir.resolve("prep.txt")));
        Set<String> indices = new HashSet<>();
        for (int i = 0; i < 4; i++) {
            String[] lines = Files.readString(runDir.resolve("train-" + i + ".txt")).strip().split("\n");
            String[] f = lines[0].split(" ");
            assertEquals("gpu", f[0], "element " + i + " ran outside the gpu partition");
            assertEquals(arrayJob, f[1], "element " + i + " is not part of the one array job");
            assertEquals(f[2], f[3]);
            indices.add(f[3]);
            String detail = String.join(" ", lines);
            assertTrue(detail.contains("gpu:1") || detail.contains("gpu=1"), "no GPU granted: " + detail);
            assertTrue(detail.contains("ArrayTaskThrottle=2"), detail);
        }
        assertEquals(Set.of("0", "1", "2", "3"), indices);
        // scripts and exit codes went by SFTP into the cluster's work directory
        assertTrue(Files.isExecutable(runDir.resolve("train/job.1.sh")));
        for (int i = 0; i < 4; i++) {
            assertEquals("0", Files.readString(runDir.resolve("train/exit.1." + i)).strip());
        }
    }

    @Test
    void aServiceOverSshIsFoundByItsDependantsAndStoppedAfterThem() throws Exception {
        Path wf = workflow("ssh-service", node.siteYaml(work, "  gpuPartition: gpu\n"), """
                defaults: { partition: cpu }
                tasks:
                  - name: model
                    service: true
                    port: 18771
                    gpus: 1
                    command: |
                      exec python3 -c '
                      import http.server, os
                      class H(http.server.BaseHTTPRequestHandler):
                          def do_GET(self):
                              self.send_response(200); self.end_headers(); self.wfile.write(b"score " + self.path.encode())
                          def log_message(self, *a): pass
                      http.server.HTTPServer((os.environ["HWF_SERVICE_HOST"], int(os.environ["HWF_SERVICE_PORT"])), H).serve_forever()
                      '
                  - name: sim
                    after: [model]
                    array: 2
                    command: |
                      python3 -c 'import os, urllib.request as u; print(u.urlopen("http://" + os.environ["HWF_SERVICE_MODEL_URL"] + "/x" + os.environ["HWF_ARRAY_INDEX"]).read().decode())' > "../sim-$HWF_ARRAY_INDEX.txt"
                """);
        int before = node.accepted();
        Hwf.Result r = hwf.run("submit", wf.toString());
        assertEquals(0, r.code(), r.all());
        assertEquals(1, node.accepted() - before, "one SSH connection for the whole run");
        String run = Hwf.runId(r);
        JsonNode model = Hwf.task(hwf.status(run), "model");
        assertEquals("SUCCEEDED", model.get("state").asText(), model.toString());
        assertEquals("stopped by hwf: its dependants ended", model.get("reason").asText());
        assertTrue(model.get("endpoint").asText().endsWith(":18771"), model.toString());
        // the ready file came back over SFTP; the dependants reached the service at its endpoint
        assertEquals(model.get("endpoint").asText(), Files.readString(work.resolve(run).resolve("model/ready.1.0")).strip());
        for (int i = 0; i < 2; i++) {
            assertEquals("score /x" + i, Files.readString(work.resolve(run).resolve("sim-" + i + ".txt")).strip());
        }
    }

    @Test
    void unknownHostKeyIsRefusedWithExit3AndNothingSubmitted() throws Exception {
        Path empty = Files.writeString(scratch.resolve("known_hosts"), "");
        String site = node.siteYaml(work, "").replace("knownHosts: " + node.knownHosts(), "knownHosts: " + empty);
        Path wf = workflow("ssh-unknown", site, "tasks:\n  - name: t\n    command: touch ../ran\n");
        int before = node.accepted();
        Hwf.Result r = hwf.run("submit", wf.toString());
        assertEquals(3, r.code(), r.all());
        String fingerprint = SshNode.tool("ssh-keygen", "-l", "-f", node.dir.resolve("hostkey_ed25519.pub").toString())
                .split(" ")[1];
        assertTrue(r.err().contains("is not in " + empty), r.err());
        assertTrue(r.err().contains(fingerprint), r.err());
        assertTrue(r.err().contains("ssh-keyscan -p 2222 127.0.0.1 >> " + empty), r.err());
        assertEquals("", Files.readString(empty), "hwf wrote to known_hosts");
        assertEquals(0, node.accepted() - before, "logged in with an unverified host key");
        assertNothingRecorded();
    }

    @Test
    void wrongKeyIsRefusedWithExit3AndNothingSubmitted() throws Exception {
        Path stranger = scratch.resolve("stranger");
        SshNode.tool("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", stranger.toString());
        String site = node.siteYaml(work, "").replace("identityFile: " + node.key(), "identityFile: " + stranger);
        Path wf = workflow("ssh-wrong-key", site, "tasks:\n  - name: t\n    command: touch ../ran\n");
        Hwf.Result r = hwf.run("submit", wf.toString());
        assertEquals(3, r.code(), r.all());
        assertTrue(r.err().contains("root@127.0.0.1 port 2222 did not accept"), r.err());
        assertTrue(r.err().contains(stranger.toString()), r.err());
        assertTrue(r.err().contains("authorized_keys"), r.err());
        assertNothingRecorded();

        Hwf.Result closed = hwf.run("submit", wf.toString(), "--set", "site.port=2299");
        assertEquals(3, closed.code(), closed.all());
        assertTrue(closed.err().contains("root@127.0.0.1 port 2299"), closed.err());
        assertTrue(closed.err().contains("Is sshd running"), closed.err());
        assertNothingRecorded();
    }

    private void assertNothingRecorded() throws IOException {
        Hwf.Result runs = hwf.run("runs", "--json");
        assertEquals("[]", runs.out().strip(), "a refused run left a run in the journal");
        try (Stream<Path> s = Files.list(work)) {
            assertEquals(List.of(), s.toList(), "a refused run left files on the cluster");
        }
    }

    @Test
    void runSurvivesItsConnectionKilledAndSshdRestarting() throws Exception {
        Path wf = workflow("ssh-drop", node.siteYaml(work, ""), """
                tasks:
                  - name: long
                    command: echo long >> ../ran.log; sleep 10
                  - name: after
                    after: [long]
                    array: 2
                    command: echo "after $HWF_ARRAY_INDEX" >> ../ran.log
                """);
        int before = node.accepted();
        Path out = scratch.resolve("submit.out");
        Process submit = hwf.start(out, "-v", "submit", wf.toString());
        try {
            String run = awaitRunId(out);
            awaitTaskState(run, "long", "RUNNING");
            assertTrue(node.killSessions() >= 1, "no SSH session to kill");
            Thread.sleep(2_500);
            node.down(); // listener and sessions gone for a few seconds
            Thread.sleep(4_000);
            node.script("sshd-up.sh");
            assertTrue(submit.waitFor(180, TimeUnit.SECONDS), "the followed run did not end:\n" + Files.readString(out));
            String log = Files.readString(out);
            assertEquals(0, submit.exitValue(), log);
            assertTrue(log.contains("dropped; reconnecting"), log);
            assertTrue(node.accepted() - before >= 2, "no reconnection:\n" + log);
            JsonNode status = hwf.status(run);
            assertEquals("SUCCEEDED", status.get("state").asText(), status.toString());
            assertEquals(1, Hwf.task(status, "long").get("attempt").asInt(), "a dropped connection caused a retry");
            assertEquals(1, Hwf.task(status, "after").get("attempt").asInt());
            assertEquals(List.of("after 0", "after 1", "long"), Files.readAllLines(work.resolve(run).resolve("ran.log"))
                    .stream().map(String::strip).sorted().toList(), "a task ran twice or not at all");
        } finally {
            submit.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void sshConfigAliasAndOneConnectionPerPollForSeveralRuns() throws Exception {
        Path config = Files.writeString(scratch.resolve("ssh_config"), """
                Host hwf-test-login
                    HostName 127.0.0.1
                    Port 2222
                    User root
                    IdentityFile %s
                    UserKnownHostsFile %s
                """.formatted(node.key(), node.knownHosts()));
        hwf.env.put("HWF_SSH_CONFIG", config.toString());
        String site = "site:\n  host: hwf-test-login\n  workdir: \"" + work + "\"\n";
        Path a = workflow("alias-a", site, "tasks:\n  - name: t\n    command: echo a > ../a.txt\n");
        Path b = workflow("alias-b", site, "tasks:\n  - name: t\n    array: 2\n    command: echo b > ../b-$HWF_ARRAY_INDEX.txt\n");

        int before = node.accepted();
        Hwf.Result render = hwf.run("render", a.toString(), "--out", scratch.resolve("rendered").toString());
        assertEquals(0, render.code(), render.all());
        assertEquals(0, node.accepted() - before, "render with an absolute workdir needs no connection");

        Hwf.Result ra = hwf.run("submit", a.toString(), "--detach");
        Hwf.Result rb = hwf.run("submit", b.toString(), "--detach");
        assertEquals(0, ra.code(), ra.all());
        assertEquals(0, rb.code(), rb.all());
        String runA = ra.out().strip();
        String runB = rb.out().strip();
        assertEquals(2, node.accepted() - before);

        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        String sa = "RUNNING";
        String sb = "RUNNING";
        while ((sa.equals("RUNNING") || sb.equals("RUNNING")) && System.nanoTime() < deadline) {
            Thread.sleep(1_000);
            int beforePoll = node.accepted();
            Hwf.Result poll = hwf.run(Duration.ofSeconds(60), "poll");
            assertEquals(0, poll.code(), poll.all());
            assertEquals(1, node.accepted() - beforePoll, "one poll, two runs on one host, one connection");
            sa = hwf.status(runA).get("state").asText();
            sb = hwf.status(runB).get("state").asText();
        }
        assertEquals("SUCCEEDED", sa);
        assertEquals("SUCCEEDED", sb);
        assertEquals("a", Files.readString(work.resolve(runA).resolve("a.txt")).strip());
        assertEquals("b", Files.readString(work.resolve(runB).resolve("b-1.txt")).strip());
    }

    private static String awaitRunId(Path out) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            for (String line : Files.readAllLines(out)) {
                if (line.startsWith("run ") && line.contains(":")) {
                    return line.substring(4, line.indexOf(':'));
                }
            }
            Thread.sleep(200);
        }
        throw new AssertionError("no run id printed:\n" + Files.readString(out));
    }

    private void awaitTaskState(String run, String task, String state) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            if (Files.exists(hwf.journal) && Hwf.task(hwf.status(run), task).get("state").asText().equals(state)) {
                return;
            }
            Thread.sleep(300);
        }
        throw new AssertionError(task + " never reached " + state + ": " + hwf.status(run));
    }
}
