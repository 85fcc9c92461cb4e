package dev.hwf.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A shared cluster, with a second real user on it ({@value #PEER}, made here when missing): on the
 * local scheduler, on the local Slurm and over SSH, that user can read nothing of a run (the
 * journal, the run and task directories, the job script, the logs, the exit code files), while a
 * file the test leaves open beside them proves the user can reach the place. A secret given as
 * {@code {fromEnv: VAR}} reaches the job (it writes the value's digest, which the test compares)
 * and its bytes are in no file under the journal's and the work directory's place, in none of
 * hwf's output (run with --verbose) and in no report.
 */
class SharedClusterIT {
    static final String PEER = "hwfpeer";
    static final String VAR = "HWF_IT_SECRET";

    @TempDir
    Path scratch;

    Hwf hwf;
    String secret;

    @BeforeAll
    static void peer() throws Exception {
        if (sh("id", "-u", PEER) != 0) {
            assertEquals(0, sh("useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin", PEER),
                    "useradd " + PEER);
        }
    }

    @BeforeEach
    void setUp() throws Exception {
        // reachable by anyone, so what the peer cannot read is closed by hwf's own modes
        Files.setPosixFilePermissions(scratch, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path control = scratch.resolve("control");
        Files.writeString(control, "open\n");
        Files.setPosixFilePermissions(control, PosixFilePermissions.fromString("rw-r--r--"));
        assertTrue(peerReads(control), "the peer user reaches this place at all");
        hwf = new Hwf(scratch, "1");
        hwf.env.put("SSH_AUTH_SOCK", "");
        secret = "hwf-it-" + UUID.randomUUID() + " with 'quotes' and $(no expansion)";
        hwf.env.put(VAR, secret);
    }

    private static String tasks(String defaults) {
        return defaults + """
                tasks:
                  - name: use
                    array: 2
                    env: { TOKEN: { fromEnv: HWF_IT_SECRET }, PLAIN: visible }
                    command: printf %s "$TOKEN" | sha256sum | cut -d' ' -f1 > "digest.$HWF_ARRAY_INDEX"
                """;
    }

    @Test
    void onTheLocalSchedulerTheRunIsPrivateAndTheSecretReachesOnlyTheJob() throws Exception {
        Path open = Files.createDirectories(scratch.resolve("open-work"));
        Files.setPosixFilePermissions(open, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path wf = hwf.workflow("s.yaml", "name: s\nscheduler: local\nsite: { workdir: \"" + open + "\" }\n"
                + tasks(""));
        Hwf.Result r = hwf.run("-v", "submit", wf.toString());
        assertEquals(0, r.code(), r.all());
        assertEquals(1, r.err().split("the work directory " + open + " can be read by any user", -1).length - 1,
                "one warning, naming the path and the fix:\n" + r.err());
        assertTrue(r.err().contains("chmod 700 " + open), r.err());
        checkRun(Hwf.runId(r), open);
    }

    @Test
    void onSlurmTheSecretGoesThroughSbatchsEnvironment() throws Exception {
        Path work = scratch.resolve("work"); // hwf makes it
        Path wf = hwf.workflow("s.yaml", "name: s\nscheduler: slurm\nsite: { workdir: \"" + work + "\" }\n"
                + tasks("defaults: { partition: cpu, memory: 50M }\n"));
        Hwf.Result r = hwf.run("-v", "submit", wf.toString());
        assertEquals(0, r.code(), r.all());
        assertFalse(peerReads(work), "the work directory hwf made");
        checkRun(Hwf.runId(r), work);
    }

    @Test
    void overSshTheSecretTravelsInTheRemoteShellsInputOnly() throws Exception {
        SshNode node = SshNode.up();
        Path work = scratch.resolve("cluster-work");
        for (String mode : List.of("shell", "exec")) { // a long-lived remote shell, and a channel per command
            hwf.env.put("HWF_SSH_COMMANDS", mode);
            Path wf = hwf.workflow("s.yaml", "name: s\nscheduler: slurm\n" + node.siteYaml(work, "")
                    + tasks("defaults: { partition: cpu, memory: 50M }\n"));
            Hwf.Result r = hwf.run("-v", "submit", wf.toString());
            assertEquals(0, r.code(), mode + ": " + r.all());
            checkRun(Hwf.runId(r), work);
        }
    }

    /**
     * cron's environment lacks the variable: the elements wait with a reason that names it, and go
     * once a poll has it again; resume and retries read it anew at their submission.
     */
    @Test
    void aSecretMissingAtASubmissionHoldsTheElementsWaiting() throws Exception {
        Path wf = hwf.workflow("s.yaml", "name: s\nscheduler: local\n" + tasks("").replace("tasks:\n",
                "tasks:\n  - { name: first, command: sleep 2 }\n").replace("    array: 2\n",
                "    array: 2\n    after: [first]\n"));
        Hwf.Result detached = hwf.run("submit", "--detach", wf.toString());
        assertEquals(0, detached.code(), detached.all());
        String run = detached.out().strip();
        hwf.env.remove(VAR);
        Hwf.Result check = hwf.run("validate", wf.toString());
        assertEquals(2, check.code(), check.all());
        assertTrue(check.err().contains(VAR + " is not set here"), check.err());
        JsonNode use = null;
        for (int i = 0; i < 40; i++) {
            assertEquals(0, hwf.run("poll").code());
            use = Hwf.task(hwf.status(run), "use");
            if (use.get("elements").get(0).path("reason").asText().contains("secret")) {
                break;
            }
            Thread.sleep(250);
        }
        assertEquals("WAITING", use.get("state").asText(), use.toPrettyString());
        assertEquals("secret " + VAR + " not set", use.get("elements").get(0).get("reason").asText());
        hwf.env.put(VAR, secret);
        assertEquals("SUCCEEDED", hwf.pollUntilEnded(run, java.time.Duration.ofSeconds(60)));
        checkRun(run, Path.of(System.getenv().getOrDefault("HOME", "/root"), ".hwf/work"));
    }

    /** What a user on a shared cluster checks once a run has ended. */
    private void checkRun(String run, Path work) throws Exception {
        JsonNode status = hwf.status(run);
        assertEquals("SUCCEEDED", status.get("state").asText(), status.toPrettyString());
        JsonNode env = Hwf.task(status, "use").get("env");
        assertEquals("<from $" + VAR + ">", env.get("TOKEN").asText(), status.toPrettyString());
        assertEquals("visible", env.get("PLAIN").asText());
        Path task = work.resolve(run).resolve("use");
        String digest = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                .digest(secret.getBytes(StandardCharsets.UTF_8)));
        for (int i = 0; i < 2; i++) {
            assertEquals(digest, Files.readString(task.resolve("digest." + i)).strip(), "element " + i
                    + " received the secret");
        }
        Path report = scratch.resolve("report-" + run + ".html");
        Hwf.Result html = hwf.run("report", run, "--html", report.toString());
        assertEquals(0, html.code(), html.all());
        assertTrue(Files.readString(report).contains("TOKEN=&lt;from $" + VAR + "&gt;"), "the report shows the"
                + " reference");
        assertFalse(peerReads(report), "a new report is private too");
        Hwf.Result json = hwf.run("report", run, "--json", "-");
        assertEquals(0, json.code(), json.all());
        assertFalse(json.out().contains(secret) || html.err().contains(secret));
        assertTrue(json.out().contains("\"TOKEN\" : \"<from $" + VAR + ">\""), json.out());

        List<Path> mustNotRead = new ArrayList<>(List.of(hwf.journal, work.resolve(run), task,
                task.resolve("job.1.sh"), task.resolve("exit.1.0"), task.resolve("out.1.0.log"),
                task.resolve("err.1.1.log"), task.resolve("digest.0")));
        for (Path p : mustNotRead) {
            assertTrue(Files.exists(p), p + " exists");
            assertFalse(peerReads(p), PEER + " read " + p);
        }
        for (String name : List.of("job.1.sh", "exit.1.0", "out.1.0.log", "err.1.0.log")) {
            String mode = PosixFilePermissions.toString(Files.getPosixFilePermissions(task.resolve(name)));
            assertTrue(mode.endsWith("------"), name + " is " + mode);
        }
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(task)));
        List<Path> holding = filesHolding(secret.getBytes(StandardCharsets.UTF_8), scratch, work.resolve(run));
        assertEquals(List.of(), holding, "the secret's bytes are in no file hwf wrote, no log and no report");
    }

    /** Files under the roots whose bytes contain the needle. */
    static List<Path> filesHolding(byte[] needle, Path... roots) throws IOException {
        List<Path> found = new ArrayList<>();
        for (Path root : roots) {
            if (!Files.exists(root)) {
                continue;
            }
            try (Stream<Path> all = Files.walk(root)) {
                for (Path p : all.filter(Files::isRegularFile).toList()) {
                    byte[] b = Files.readAllBytes(p);
                    for (int i = 0; i + needle.length <= b.length; i++) {
                        if (java.util.Arrays.equals(b, i, i + needle.length, needle, 0, needle.length)) {
                            found.add(p);
                            break;
                        }
                    }
                }
            }
        }
        return found;
    }

    /** Whether the peer user can read the file (cat) or list the directory (ls). */
    static boolean peerReads(Path p) throws Exception {
        return sh("runuser", "-u", PEER, "--", Files.isDirectory(p) ? "ls" : "cat", "--", p.toString()) == 0;
    }

    static int sh(String... argv) throws Exception {
        Process p = new ProcessBuilder(argv).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError(String.join(" ", argv) + " ran past 30 s");
        }
        return p.exitValue();
    }
}
