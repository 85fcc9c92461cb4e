package dev.hwf.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The SSH login node that src/test/cluster/sshd-up.sh runs on 127.0.0.1:2222: its keys and
 * known_hosts file, its log (one "Accepted publickey" line per connection), and ways to drop
 * connections. Every call is bounded in time.
 */
final class SshNode {
    static final String HOST = "127.0.0.1";
    static final int PORT = 2222;

    final Path dir = Path.of(System.getenv().getOrDefault("HWF_CLUSTER_DIR", "/var/tmp/hwf-cluster"), "ssh");

    /** Runs sshd-up.sh (idempotent: leaves a healthy sshd alone) and checks the files it makes. */
    static SshNode up() {
        SshNode n = new SshNode();
        n.script("sshd-up.sh");
        assertTrue(Files.isRegularFile(n.key()), "sshd-up.sh made no " + n.key());
        return n;
    }

    Path key() {
        return dir.resolve("userkey");
    }

    Path key(String name) {
        return dir.resolve(name);
    }

    Path knownHosts() {
        return dir.resolve("known_hosts");
    }

    String passphrase() throws IOException {
        return Files.readString(dir.resolve("userkey_enc.passphrase"));
    }

    /** Connections sshd has accepted since it first logged. */
    int accepted() throws IOException {
        Path log = dir.resolve("sshd.log");
        if (!Files.exists(log)) {
            return 0;
        }
        return (int) Files.readAllLines(log, StandardCharsets.UTF_8).stream()
                .filter(l -> l.contains("Accepted publickey")).count();
    }

    long masterPid() throws IOException {
        return Long.parseLong(Files.readString(dir.resolve("sshd.pid")).strip());
    }

    /** Kills the per-connection sshd processes: every open SSH connection drops at once. */
    int killSessions() throws Exception {
        List<Long> children = new ArrayList<>();
        ProcessHandle.of(masterPid()).orElseThrow().children().forEach(c -> children.add(c.pid()));
        for (long pid : children) {
            ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
        }
        return children.size();
    }

    /** sshd-down.sh: the listener and every connection go away. */
    void down() {
        script("sshd-down.sh");
    }

    void script(String name) {
        run(name);
    }

    /** Runs one of src/test/cluster's scripts (bounded: 60 s), which must exit 0. */
    static void run(String name) {
        Path script = Hwf.home().resolve("src/test/cluster").resolve(name);
        try {
            Process p = new ProcessBuilder("bash", script.toString()).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(p.waitFor(60, TimeUnit.SECONDS), name + " ran past 60 s");
            assertEquals(0, p.exitValue(), name + " failed:\n" + out);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The site: keys of a workflow that logs in to this node as root with the test key. */
    String siteYaml(Path workdir, String extra) {
        return "site:\n"
                + "  host: " + HOST + "\n"
                + "  port: " + PORT + "\n"
                + "  user: root\n"
                + "  identityFile: " + key() + "\n"
                + "  knownHosts: " + knownHosts() + "\n"
                + "  workdir: \"" + workdir + "\"\n"
                + extra;
    }

    /** Runs ssh-keygen or another OpenSSH tool; returns its stdout. */
    static String tool(String... argv) throws Exception {
        Process p = new ProcessBuilder(argv).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(30, TimeUnit.SECONDS), String.join(" ", argv) + " ran past 30 s");
        assertEquals(0, p.exitValue(), String.join(" ", argv) + " failed");
        return out;
    }
}
