package dev.hwf.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hwf.api.Command;
import dev.hwf.launcher.ExitCodes;
import dev.hwf.launcher.HwfException;
import dev.hwf.launcher.exec.CommandResult;
import dev.hwf.launcher.exec.SiteFiles.TaskDirScan;
import dev.hwf.launcher.exec.TransportException;
import dev.hwf.launcher.ssh.SftpFiles;
import dev.hwf.launcher.ssh.SshCommandRunner;
import dev.hwf.launcher.ssh.SshConnection;
import dev.hwf.launcher.ssh.SshRefusedException;
import dev.hwf.launcher.ssh.SshTarget;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * hwf's SSH transport against the real sshd of src/test/cluster/sshd-up.sh (127.0.0.1:2222):
 * hostile argv as remote command lines, the channel cap on one connection, SFTP files in the
 * remote home and under odd paths, ed25519/ECDSA/RSA-SHA2 keys, encrypted keys through ssh-agent
 * or HWF_SSH_PASSPHRASE, known_hosts (hashed, [host]:port, unknown, changed), refusals and
 * reconnection after the connection is killed or sshd restarts.
 */
class SshTransportIT {
    private static final Duration T = Duration.ofSeconds(30);
    private static SshNode node;

    @TempDir
    Path tmp;

    private final List<SshConnection> open = new ArrayList<>();

    @BeforeAll
    static void up() {
        node = SshNode.up();
    }

    @AfterEach
    void close() {
        open.forEach(SshConnection::close);
        node.script("sshd-up.sh"); // whatever a test did to sshd, the next one finds it up
    }

    private SshConnection connect(Path key, Path knownHosts, Map<String, String> env) {
        SshTarget t = new SshTarget(SshNode.HOST, SshNode.HOST, SshNode.PORT, "root",
                key == null ? List.of() : List.of(key), true, knownHosts);
        SshConnection c = new SshConnection(t, env);
        open.add(c);
        return c;
    }

    private SshConnection connect() {
        return connect(node.key(), node.knownHosts(), Map.of());
    }

    private static CommandResult run(SshConnection c, String... argv) {
        return new SshCommandRunner(c).run(Command.of(argv), T);
    }

    @Test
    void hostileArgumentsReachTheRemoteCommandUnchanged() throws Exception {
        Path canary = tmp.resolve("canary");
        List<String> args = List.of("plain", "", " ", "two words", "it's", "\"double\"", "$(touch " + canary + ")",
                "`touch " + canary + "`", "a; touch " + canary, "x && touch " + canary, "*", "~", "$HOME", "\\",
                "new\nline", "tab\there", "-n", "=true", "!", "{a,b}", "a|b", ">" + canary, "héllo ✓", "'", "'\\''");
        Path input = Files.createDirectories(tmp.resolve("it's a dir")).resolve("in put");
        Files.writeString(input, "through stdin\n");
        StringBuilder big = new StringBuilder();
        for (int i = 1; i <= 100_000; i++) {
            big.append(i).append('\n');
        }
        // the persistent remote shell (default) and one exec channel per command
        for (Map<String, String> mode : List.of(Map.<String, String>of(), Map.of(SshConnection.MODE_ENV, "exec"))) {
            SshConnection c = connect(node.key(), node.knownHosts(), mode);
            CommandResult r = new SshCommandRunner(c).run(Command.of(Stream.concat(Stream.of("printf", "%s\\0"),
                    args.stream()).toList()), T);
            assertEquals(0, r.exitCode(), mode + r.stderr());
            List<String> got = Arrays.asList(r.stdout().split("\0", -1));
            assertEquals(args, got.subList(0, got.size() - 1), mode.toString());
            assertFalse(Files.exists(canary), "a value was run on the remote side " + mode);

            assertEquals(new CommandResult(7, "out\n", "err\n"), run(c, "sh", "-c", "echo out; echo err >&2; exit 7"));
            assertEquals(new CommandResult(0, "no newline", ""), run(c, "printf", "%s", "no newline"));
            assertEquals(new CommandResult(0, big.toString(), ""), run(c, "seq", "1", "100000"), "large output");
            assertEquals("root@127.0.0.1:2222", new SshCommandRunner(c).where());
            CommandResult cat = new SshCommandRunner(c).run(new Command(List.of("cat"), input.toString()), T);
            assertEquals("through stdin\n", cat.stdout());
            assertEquals("", run(c, "cat").stdout(), "a command's stdin is empty, never hwf's");
            assertEquals(new CommandResult(0, "/\n", ""), run(c, "sh", "-c", "cd / && pwd"));
            assertEquals(run(c, "pwd"), run(c, "pwd"), "one command changed the next one's directory");
            c.close();
        }
    }

    @Test
    void aCommandPastItsTimeoutIsAbandonedAndTheConnectionGoesOn() {
        for (Map<String, String> mode : List.of(Map.<String, String>of(), Map.of(SshConnection.MODE_ENV, "exec"))) {
            SshConnection c = connect(node.key(), node.knownHosts(), mode);
            long t0 = System.nanoTime();
            TransportException e = assertThrows(TransportException.class,
                    () -> new SshCommandRunner(c).run(Command.of("sleep", "20"), Duration.ofSeconds(1)));
            assertTrue(e.getMessage().contains("did not finish within 1 s"), e.getMessage());
            assertTrue(System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(10));
            assertEquals("still here\n", run(c, "echo", "still here").stdout());
        }
    }

    @Test
    void manyConcurrentCommandsShareOneConnectionAtMostEightChannelsAtOnce() throws Exception {
        int before = node.accepted();
        SshConnection c = connect();
        Path gate = Files.createDirectories(tmp.resolve("running"));
        String script = "touch \"$1/$$\"; n=$(ls \"$1\" | wc -l); sleep 0.4; rm \"$1/$$\"; echo \"$n\"";
        ExecutorService pool = Executors.newFixedThreadPool(24);
        try {
            List<Future<CommandResult>> results = new ArrayList<>();
            for (int i = 0; i < 24; i++) {
                results.add(pool.submit(() -> run(c, "sh", "-c", script, "sh", gate.toString())));
            }
            int most = 0;
            for (Future<CommandResult> f : results) {
                CommandResult r = f.get(120, TimeUnit.SECONDS);
                assertEquals(0, r.exitCode(), r.stderr());
                most = Math.max(most, Integer.parseInt(r.stdout().strip()));
            }
            assertTrue(most <= SshConnection.MAX_CHANNELS, most + " commands ran at once");
            assertTrue(most >= 2, "commands did not run in parallel");
        } finally {
            pool.shutdownNow();
        }
        assertEquals(1, node.accepted() - before, "24 commands must share one SSH connection");
    }

    @Test
    void filesLiveInTheRemoteHomeAndOddPathsMeanThemselves() throws Exception {
        SshConnection c = connect();
        SftpFiles files = new SftpFiles(c);
        String remoteHome = run(c, "sh", "-c", "printf %s \"$HOME\"").stdout();
        String localHome = System.getProperty("user.home");
        System.setProperty("user.home", tmp.toString()); // a local home that differs from the cluster's
        try {
            assertEquals(remoteHome + "/.hwf/work", files.resolve("~/.hwf/work"));
            assertEquals(remoteHome, files.resolve("~"));
            assertEquals(remoteHome + "/rel/b", files.resolve("rel/a/../b"));
            assertEquals("/abs/x", files.resolve("/abs/./x/"));
        } finally {
            System.setProperty("user.home", localHome);
        }

        String dir = tmp + "/we*ird ?d\\ir 'q' $(x) [y]/run/task";
        files.mkdirs(dir);
        assertTrue(Files.isDirectory(Path.of(dir)), dir);
        files.write(dir + "/job.1.sh", "echo one\n", true);
        files.write(dir + "/job.1.sh", "echo two\n", true); // replaces, atomically
        files.write(dir + "/notes.txt", "plain\n", false);
        Path script = Path.of(dir, "job.1.sh");
        assertEquals("echo two\n", Files.readString(script));
        assertTrue(Files.getPosixFilePermissions(script).contains(PosixFilePermission.OWNER_EXECUTE));
        assertFalse(Files.getPosixFilePermissions(Path.of(dir, "notes.txt")).contains(
                PosixFilePermission.OWNER_EXECUTE));
        try (Stream<Path> s = Files.list(Path.of(dir))) {
            assertEquals(Set.of("job.1.sh", "notes.txt"), Set.copyOf(s.map(p -> p.getFileName().toString()).toList()));
        }

        Files.writeString(Path.of(dir, "exit.1.0"), "0\n");
        Files.writeString(Path.of(dir, "exit.1.1"), "3\n");
        Files.writeString(Path.of(dir, "exit.2.0"), ""); // being written: look again later
        Files.writeString(Path.of(dir, "exit.x.y"), "9\n");
        Files.writeString(Path.of(dir, "out.1.0.log"), "hello\n");
        Files.writeString(Path.of(dir, "out.2.0.log"), "");
        TaskDirScan scan = files.scan(dir);
        assertEquals(Map.of("1.0", 0, "1.1", 3), scan.exitCodes());
        assertEquals(Set.of("1.0", "2.0"), scan.started());
        Files.writeString(Path.of(dir, "exit.2.0"), "137\n");
        assertEquals(Map.of("1.0", 0, "1.1", 3, "2.0", 137), files.scan(dir).exitCodes());
        // a service's ready file: host:port, read once it is there
        assertEquals(Map.of(), scan.ready());
        Files.writeString(Path.of(dir, "ready.1.0"), "node-7:8080\n");
        Files.writeString(Path.of(dir, "ready.2.0"), ""); // not yet
        assertEquals(Map.of("1.0", "node-7:8080"), files.scan(dir).ready());

        assertEquals(new TaskDirScan(Map.of(), Set.of()), files.scan(tmp + "/no/such/dir"));

        // listing and deleting, as hwf does with the pilots' directory
        files.mkdirs(dir + "/sub");
        assertEquals(Set.of("job.1.sh", "notes.txt", "exit.1.0", "exit.1.1", "exit.2.0", "exit.x.y", "out.1.0.log",
                "out.2.0.log", "ready.1.0", "ready.2.0", "sub"), Set.copyOf(files.list(dir)));
        assertEquals(List.of(), files.list(tmp + "/no/such/dir"));
        files.delete(dir + "/notes.txt");
        files.delete(dir + "/notes.txt"); // gone already: nothing to do
        assertFalse(Files.exists(Path.of(dir, "notes.txt")));
        HwfException bad = assertThrows(HwfException.class, () -> files.mkdirs(dir + "/job.1.sh/sub"));
        assertEquals(ExitCodes.BAD_INPUT, bad.exitCode());
        assertTrue(bad.getMessage().contains("site.workdir"), bad.getMessage());
    }

    @Test
    void ed25519EcdsaAndRsaKeysLogIn() throws Exception {
        for (String key : List.of("userkey", "userkey_ecdsa", "userkey_rsa")) {
            int before = node.accepted();
            SshConnection c = connect(node.key(key), node.knownHosts(), Map.of());
            assertEquals("ok\n", run(c, "echo", "ok").stdout(), key);
            assertEquals(1, node.accepted() - before);
            c.close();
        }
        List<String> log = Files.readAllLines(node.dir.resolve("sshd.log"));
        String last = log.stream().filter(l -> l.contains("Accepted publickey")).reduce((a, b) -> b).orElse("");
        // OpenSSH 9.2 takes no SHA-1 RSA signatures: an accepted RSA key signed with rsa-sha2-*
        assertTrue(last.contains(" RSA SHA256:"), last);
    }

    @Test
    void encryptedKeyOpensThroughTheAgentOrThePassphraseVariable() throws Exception {
        Path enc = node.key("userkey_enc");
        SshRefusedException locked = assertThrows(SshRefusedException.class,
                () -> run(connect(enc, node.knownHosts(), Map.of()), "true"));
        assertTrue(locked.getMessage().contains(enc + " is encrypted"), locked.getMessage());
        assertTrue(locked.getMessage().contains("HWF_SSH_PASSPHRASE"), locked.getMessage());

        Map<String, String> withPassphrase = Map.of("HWF_SSH_PASSPHRASE", node.passphrase());
        assertEquals("ok\n", run(connect(enc, node.knownHosts(), withPassphrase), "echo", "ok").stdout());

        SshRefusedException wrong = assertThrows(SshRefusedException.class,
                () -> run(connect(enc, node.knownHosts(), Map.of("HWF_SSH_PASSPHRASE", "not it")), "true"));
        assertTrue(wrong.getMessage().contains("does not open " + enc), wrong.getMessage());

        Path sock = tmp.resolve("agent.sock");
        Process agent = new ProcessBuilder("ssh-agent", "-D", "-a", sock.toString())
                .redirectErrorStream(true).redirectOutput(tmp.resolve("agent.log").toFile()).start();
        try {
            for (int i = 0; i < 100 && !Files.exists(sock); i++) {
                Thread.sleep(50);
            }
            assertTrue(Files.exists(sock), "ssh-agent did not start");
            Path askpass = tmp.resolve("askpass.sh");
            Files.writeString(askpass, "#!/bin/sh\ncat " + node.dir.resolve("userkey_enc.passphrase") + "\n");
            askpass.toFile().setExecutable(true);
            ProcessBuilder add = new ProcessBuilder("ssh-add", enc.toString()).redirectErrorStream(true);
            add.environment().putAll(Map.of("SSH_AUTH_SOCK", sock.toString(), "SSH_ASKPASS", askpass.toString(),
                    "SSH_ASKPASS_REQUIRE", "force", "DISPLAY", ":0"));
            add.redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
            Process p = add.start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(p.waitFor(20, TimeUnit.SECONDS));
            assertEquals(0, p.exitValue(), "ssh-add: " + out);

            Map<String, String> withAgent = Map.of("SSH_AUTH_SOCK", sock.toString());
            assertEquals("agent\n", run(connect(enc, node.knownHosts(), withAgent), "echo", "agent").stdout());
            assertEquals("agent only\n", run(connect(null, node.knownHosts(), withAgent), "echo", "agent only")
                    .stdout());
        } finally {
            agent.destroy();
            agent.waitFor(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void knownHostsHashedAndPortFormsAreUnderstood() throws Exception {
        Path hashed = tmp.resolve("hashed_known_hosts");
        Files.copy(node.knownHosts(), hashed);
        SshNode.tool("ssh-keygen", "-q", "-H", "-f", hashed.toString());
        assertFalse(Files.readString(hashed).contains("127.0.0.1"), "ssh-keygen -H left names in clear");
        assertEquals("ok\n", run(connect(node.key(), hashed, Map.of()), "echo", "ok").stdout());

        // only the RSA host key known: hwf asks for it (rsa-sha2-*) and accepts it
        Path rsaOnly = tmp.resolve("rsa_known_hosts");
        Files.write(rsaOnly, Files.readAllLines(node.knownHosts()).stream().filter(l -> l.contains("ssh-rsa")).toList());
        assertEquals("ok\n", run(connect(node.key(), rsaOnly, Map.of()), "echo", "ok").stdout());
    }

    @Test
    void unknownAndChangedHostKeysAreRefusedWithWhatToDo() throws Exception {
        String fingerprint = SshNode.tool("ssh-keygen", "-l", "-f", node.dir.resolve("hostkey_ed25519.pub").toString())
                .split(" ")[1];
        // a port 22 entry does not vouch for port 2222
        Path plain = tmp.resolve("plain_known_hosts");
        Files.write(plain, Files.readAllLines(node.knownHosts()).stream()
                .map(l -> l.replace("[127.0.0.1]:2222", "127.0.0.1")).toList());
        for (Path kh : List.of(plain, tmp.resolve("absent_known_hosts"))) {
            String before = Files.exists(kh) ? Files.readString(kh) : null;
            SshRefusedException e = assertThrows(SshRefusedException.class,
                    () -> run(connect(node.key(), kh, Map.of()), "true"));
            assertTrue(e.getMessage().contains("is not in " + kh), e.getMessage());
            assertTrue(e.getMessage().contains("ssh-keyscan -p 2222 127.0.0.1 >> " + kh), e.getMessage());
            assertTrue(e.getMessage().contains(fingerprint), e.getMessage());
            assertEquals(before, Files.exists(kh) ? Files.readString(kh) : null, "known_hosts was written to");
        }

        Path other = tmp.resolve("otherkey");
        SshNode.tool("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", other.toString());
        Path changed = tmp.resolve("changed_known_hosts");
        Files.writeString(changed, "[127.0.0.1]:2222 " + Files.readString(Path.of(other + ".pub")));
        SshRefusedException e = assertThrows(SshRefusedException.class,
                () -> run(connect(node.key(), changed, Map.of()), "true"));
        assertTrue(e.getMessage().contains("has CHANGED"), e.getMessage());
        assertTrue(e.getMessage().contains(fingerprint), e.getMessage());
        assertTrue(e.getMessage().contains("ssh-keygen -R '[127.0.0.1]:2222' -f " + changed), e.getMessage());
        assertEquals(ExitCodes.UNREACHABLE, e.exitCode());
    }

    @Test
    void aKeyTheServerDoesNotKnowIsRefusedWithWhatToDo() throws Exception {
        Path stranger = tmp.resolve("stranger");
        SshNode.tool("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", stranger.toString());
        SshRefusedException e = assertThrows(SshRefusedException.class,
                () -> run(connect(stranger, node.knownHosts(), Map.of()), "true"));
        assertTrue(e.getMessage().contains("root@127.0.0.1 port 2222 did not accept"), e.getMessage());
        assertTrue(e.getMessage().contains(stranger.toString()), e.getMessage());
        assertTrue(e.getMessage().contains("authorized_keys"), e.getMessage());

        SshRefusedException missing = assertThrows(SshRefusedException.class,
                () -> run(connect(tmp.resolve("nope"), node.knownHosts(), Map.of()), "true"));
        assertTrue(missing.getMessage().contains(tmp.resolve("nope") + " does not exist"), missing.getMessage());
    }

    @Test
    void aClosedPortSaysHostPortUserAndWhatToCheck() {
        SshTarget t = new SshTarget("127.0.0.1", "127.0.0.1", 2299, "root", List.of(node.key()), true,
                node.knownHosts());
        SshConnection c = new SshConnection(t, Map.of());
        open.add(c);
        TransportException e = assertThrows(TransportException.class, () -> run(c, "true"));
        assertFalse(e instanceof SshRefusedException);
        assertTrue(e.getMessage().contains("root@127.0.0.1 port 2299"), e.getMessage());
        assertTrue(e.getMessage().contains("Is sshd running"), e.getMessage());
        assertEquals(ExitCodes.UNREACHABLE, e.exitCode());
    }

    @Test
    void killedConnectionIsReplacedOnNextUse() throws Exception {
        SshConnection c = connect();
        SftpFiles files = new SftpFiles(c);
        assertEquals("1\n", run(c, "echo", "1").stdout());
        files.mkdirs(tmp + "/k");
        int opened = SshConnection.opened();
        assertTrue(node.killSessions() >= 1, "no session to kill");
        assertEquals("2\n", run(c, "echo", "2").stdout());
        files.write(tmp + "/k/after-kill", "x", false);
        assertEquals("x", Files.readString(tmp.resolve("k/after-kill")));
        assertEquals(opened + 1, SshConnection.opened());

        node.killSessions();
        files.write(tmp + "/k/sftp-first", "y", false); // SFTP notices the drop first this time
        assertEquals("y", Files.readString(tmp.resolve("k/sftp-first")));
        assertEquals("3\n", run(c, "echo", "3").stdout());
        assertEquals(opened + 2, SshConnection.opened());
    }

    /**
     * A command that must not run twice (a submission) is never sent again once its line may have
     * reached a remote shell: after the connection is killed it either ran once or is reported
     * with an unknown outcome (hwf then looks the job up by name); a query is simply sent again.
     */
    @Test
    void aSubmissionIsNeverSentTwiceWhenItsShellDies() throws Exception {
        SshConnection c = connect();
        SshCommandRunner runner = new SshCommandRunner(c);
        Path ran = tmp.resolve("ran-once.log");
        Command append = Command.of("sh", "-c", "echo x >> \"$1\"", "append", ran.toString());
        for (int i = 0; i < 3; i++) {
            assertEquals("up\n", run(c, "echo", "up").stdout()); // a live shell is idle now
            assertTrue(node.killSessions() >= 1, "no session to kill");
            long before = Files.exists(ran) ? Files.readAllLines(ran).size() : 0;
            try {
                assertEquals(0, runner.runOnce(append, T).exitCode());
                assertEquals(before + 1, Files.readAllLines(ran).size(), "it ran once");
            } catch (TransportException e) {
                assertTrue(e.getMessage().contains("outcome is unknown"), e.getMessage());
                long after = Files.exists(ran) ? Files.readAllLines(ran).size() : 0;
                assertTrue(after - before <= 1, "it ran " + (after - before) + " times");
            }
        }
    }

    @Test
    void sshdDownIsUnknownUntilItIsBack() throws Exception {
        SshConnection c = connect();
        assertEquals("up\n", run(c, "echo", "up").stdout());
        node.down();
        long t0 = System.nanoTime();
        TransportException e = assertThrows(TransportException.class, () -> run(c, "true"));
        assertFalse(e instanceof SshRefusedException);
        assertTrue(e.getMessage().contains("tries to reconnect failed"), e.getMessage());
        assertTrue(System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(20), "reconnecting is not bounded");
        TransportException fast = assertThrows(TransportException.class, () -> run(c, "true"));
        assertNotNull(fast.getMessage());
        node.script("sshd-up.sh");
        String got = null;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (got == null && System.nanoTime() < deadline) {
            try {
                got = run(c, "echo", "back").stdout();
            } catch (TransportException again) {
                Thread.sleep(500); // cool-down: at most 30 s between tries
            }
        }
        assertEquals("back\n", got);
    }
}
