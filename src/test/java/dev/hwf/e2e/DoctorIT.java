package dev.hwf.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code hwf doctor} through bin/hwf, as a user reads it, on the test set-up's real sites: the plain
 * local Slurm (this machine; no accounting), the same cluster through the test sshd
 * (root@127.0.0.1:2222), the production-like cluster through its own login
 * (hwfgpu@127.0.0.1:2223: slurmdbd, QOS limits), and sites broken on purpose: a task's partition
 * the cluster lacks, a known_hosts file without the host, and accounting whose slurmdbd does not
 * answer (the production-like cluster's slurm.conf with its AccountingStoragePort pointed at a
 * port nothing listens on); and Slurm's Torque front end on this machine.
 */
class DoctorIT {
    private static final Path REAL = Path.of(System.getenv().getOrDefault("HWF_REAL_CLUSTER_DIR",
            "/var/tmp/hwf-cluster-real"));
    private static final Path GPU_KEYS = REAL.resolve("login/ssh");
    private static final Duration LIMIT = Duration.ofSeconds(120);
    private static SshNode cpu;

    @TempDir
    Path scratch;

    Hwf hwf;

    @BeforeAll
    static void up() {
        cpu = SshNode.up();
        SshNode.run("login-up.sh");
    }

    @BeforeEach
    void setUp() {
        hwf = new Hwf(scratch, "1");
        hwf.env.put("SSH_AUTH_SOCK", "");
    }

    /** A workflow on the plain local Slurm; {@code tasks}: its task lines. */
    private Path localSlurm(String name, String tasks) {
        return hwf.workflow(name + ".yaml", "name: " + name + "\nscheduler: slurm\nsite:\n"
                + "  workdir: \"" + scratch.resolve("work") + "\"\n  gpuPartition: gpu\ntasks:\n" + tasks);
    }

    /** The line of one check in a site's block of the text output ("  OK    scheduler  ..."). */
    private static String line(String out, String site, String check) {
        boolean in = false;
        for (String l : out.split("\n")) {
            if (l.startsWith("site ") || l.equals("this machine")) {
                in = l.startsWith("site " + site + ":") || (site == null && l.equals("this machine"));
            } else if (in && l.matches("  (OK|WARN|FAIL)\\s+" + Pattern.quote(check) + " .*")) {
                return l;
            }
        }
        throw new AssertionError("no " + check + " line for site " + site + " in:\n" + out);
    }

    private static void assertLine(String out, String site, String check, String status, String contains) {
        String l = line(out, site, check);
        assertTrue(l.startsWith("  " + status + " "), "expected " + status + ": " + l);
        assertTrue(l.contains(contains), "expected '" + contains + "' in: " + l);
    }

    /** Runs 'hwf doctor ARGS', which must exit {@code code}. */
    private Hwf.Result doctor(int code, String... args) {
        List<String> all = new ArrayList<>(List.of("doctor"));
        all.addAll(List.of(args));
        Hwf.Result r = hwf.run(LIMIT, all.toArray(String[]::new));
        assertEquals(code, r.code(), r.all());
        return r;
    }

    @Test
    void thePlainLocalSlurmPassesWithAWarningForItsMissingAccounting() {
        Path wf = localSlurm("plain", "  - { name: sim, partition: cpu, command: 'true' }\n"
                + "  - { name: train, gpus: 1, command: 'true' }\n");
        Hwf.Result r = doctor(0, wf.toString());
        String out = r.out();
        assertTrue(out.startsWith("site default: slurm on this machine\n"), out);
        assertTrue(line(out, "default", "scheduler").matches("  OK\\s+scheduler\\s+Slurm \\S+ \\(sinfo, sbatch\\)"), out);
        assertLine(out, "default", "partitions", "OK", "cpu (default, up, 2 GPUs), gpu (up, 2 GPUs)");
        assertLine(out, "default", "gpuPartition", "OK", "gpu: 2 GPU(s)");
        assertLine(out, "default", "accounting", "WARN", "sacct: Slurm accounting storage is disabled (no slurmdbd)");
        assertTrue(line(out, "default", "accounting").contains("marked LOST"), "says what hwf loses without it");
        assertLine(out, "default", "limits", "OK", "array indices below ");
        assertLine(out, "default", "workdir", "OK", scratch.resolve("work") + " (made now): writable, mode 0700, "
                + "file system ");
        assertTrue(Files.isDirectory(scratch.resolve("work")));
        assertLine(out, null, "journal", "OK", hwf.journal + " not made yet");
        assertFalse(Files.exists(hwf.journal), "the doctor writes no journal");
        assertTrue(line(out, null, "java").matches("  OK\\s+java\\s+Java \\d+\\S* \\(.+\\) at /.*"), out);
        assertTrue(out.endsWith("\n0 FAIL, 1 WARN\n"), out);
    }

    @Test
    void theTestSshdAndTheProductionLikeClusterThroughTheirLogins() throws Exception {
        Path wf = hwf.workflow("two.yaml", "name: two\nsites:\n"
                + "  cpu:\n    scheduler: slurm\n    host: 127.0.0.1\n    port: 2222\n    user: root\n"
                + "    identityFile: " + cpu.key() + "\n    knownHosts: " + cpu.knownHosts() + "\n"
                + "    workdir: \"" + scratch.resolve("cpu-work") + "\"\n    gpuPartition: gpu\n"
                + "  gpu:\n    scheduler: slurm\n    host: 127.0.0.1\n    port: 2223\n    user: hwfgpu\n"
                + "    identityFile: " + GPU_KEYS.resolve("userkey") + "\n    knownHosts: "
                + GPU_KEYS.resolve("known_hosts") + "\n    workdir: hwf-doctor-" + scratch.getFileName()
                + "\n    gpuPartition: gpu\n"
                + "  laptop: { scheduler: local, workdir: \"" + scratch.resolve("laptop") + "\" }\n"
                + "tasks:\n  - { name: sim, site: cpu, partition: cpu, command: 'true' }\n"
                + "  - { name: train, site: gpu, gpus: 1, command: 'true' }\n"
                + "  - { name: report, site: laptop, command: 'true' }\n");
        Hwf.Result r = doctor(0, wf.toString());
        String out = r.out();
        // the fingerprint is the one ssh-keygen shows for the sshd's host key
        String fp = SshNode.tool("ssh-keygen", "-lf", cpu.key("hostkey_ed25519.pub").toString()).split(" ")[1];
        assertLine(out, "cpu", "ssh", "OK", "root@127.0.0.1:2222: host key ssh-ed25519 " + fp + " known in "
                + cpu.knownHosts() + "; logged in, home /root");
        assertLine(out, "cpu", "accounting", "WARN", "accounting storage is disabled");
        assertLine(out, "cpu", "workdir", "OK", scratch.resolve("cpu-work") + " (made now): writable, mode 0700");
        assertLine(out, "gpu", "ssh", "OK", "hwfgpu@127.0.0.1:2223: host key ssh-ed25519 SHA256:");
        assertLine(out, "gpu", "scheduler", "OK", "(sinfo, sbatch)");
        assertLine(out, "gpu", "partitions", "OK", "cpu (default, up, 2 GPUs), gpu (up, 2 GPUs)");
        assertLine(out, "gpu", "accounting", "OK", "sacct answers");
        // up-realistic.sh: MaxArraySize=101, QOS normal MaxSubmitJobsPerUser=20
        assertLine(out, "gpu", "limits", "OK", "array indices below 101; at most 20 live jobs (QOS normal); read with "
                + "scontrol, sacctmgr for user hwfgpu");
        assertLine(out, "gpu", "workdir", "OK", "/home/hwfgpu/hwf-doctor-" + scratch.getFileName() + " (made now)");
        assertLine(out, "laptop", "scheduler", "OK", "local");
        assertTrue(out.endsWith("\n0 FAIL, 1 WARN\n"), out);
    }

    @AfterEach
    void cleanUp() throws IOException {
        Files.deleteIfExists(Path.of("/home/hwfgpu/hwf-doctor-" + scratch.getFileName())); // hwfgpu's home keeps none
    }

    @Test
    void aTaskPartitionTheClusterLacksFails() {
        Path wf = localSlurm("nopart", "  - { name: sim, partition: cpu, command: 'true' }\n"
                + "  - { name: post, partition: bigmem, command: 'true' }\n");
        Hwf.Result r = doctor(1, wf.toString());
        assertLine(r.out(), "default", "taskPartition", "FAIL", "task post asks for partition bigmem, which this site "
                + "does not have (it has cpu, gpu); next: set task post's partition to one of cpu, gpu");
        assertTrue(r.out().endsWith("\n1 FAIL, 1 WARN\n"), r.out());
    }

    @Test
    void anUnknownHostKeyFailsWithItsFingerprintAndTheCommandToAddIt() throws Exception {
        Path empty = Files.writeString(scratch.resolve("known_hosts"), "");
        Path wf = hwf.workflow("unknown.yaml", "name: unknown\nscheduler: slurm\n"
                + cpu.siteYaml(scratch.resolve("w"), "").replace("knownHosts: " + cpu.knownHosts(), "knownHosts: " + empty)
                + "tasks:\n  - { name: a, command: 'true' }\n");
        Hwf.Result r = doctor(1, wf.toString());
        String fp = SshNode.tool("ssh-keygen", "-lf", cpu.key("hostkey_ed25519.pub").toString()).split(" ")[1];
        assertLine(r.out(), "default", "ssh", "FAIL", "the SSH host key of 127.0.0.1 port 2222 (ssh-ed25519 " + fp
                + ") is not in " + empty + "; hwf connects to known hosts only and did not log in; next: confirm the "
                + "fingerprint with the site's administrators, then add it: ssh-keyscan -p 2222 127.0.0.1 >> " + empty);
        // nothing else of that site can be checked; this machine's checks still run
        List<String> siteLines = new ArrayList<>();
        for (String l : r.out().split("\n")) {
            if (l.equals("this machine")) {
                break;
            }
            siteLines.add(l);
        }
        assertEquals(2, siteLines.size(), r.out());
        assertLine(r.out(), null, "java", "OK", "Java");
        assertFalse(Files.exists(scratch.resolve("w")), "no work directory made on a host hwf did not log in to");
    }

    @Test
    void accountingWhoseSlurmdbdDoesNotAnswerWarns() throws IOException {
        Path conf = Files.createDirectories(scratch.resolve("conf")).resolve("slurm.conf");
        Files.writeString(conf, Files.readString(REAL.resolve("slurm.conf"))
                .replaceAll("(?m)^AccountingStoragePort=.*$", "AccountingStoragePort=1"));
        hwf.env.put("SLURM_CONF", conf.toString());
        Path wf = localSlurm("deaddbd", "  - { name: sim, command: 'true' }\n");
        Hwf.Result r = doctor(0, wf.toString());
        assertLine(r.out(), "default", "accounting", "WARN", "sacct exited 1: sacct: error: ");
        assertLine(r.out(), "default", "accounting", "WARN", "Connection refused");
        assertLine(r.out(), "default", "accounting", "WARN", "next: is slurmdbd up?");
        // the production-like cluster's nodes: n3 alone has GPUs
        assertLine(r.out(), "default", "partitions", "OK", "cpu (default, up, 2 GPUs), gpu (up, 2 GPUs)");
    }

    @Test
    void theTorqueFrontEndOfThePlainCluster() {
        // Slurm's Torque wrappers (slurm-wlm-torque): qstat -Q and pbsnodes -a answer, qstat --version does not
        Path wf = hwf.workflow("torque.yaml", "name: torque\nscheduler: pbs\nsite:\n  flavor: torque\n"
                + "  workdir: \"" + scratch.resolve("work") + "\"\ntasks:\n  - { name: a, queue: cpu, command: 'true' }\n"
                + "  - { name: b, queue: long, command: 'true' }\n");
        Hwf.Result r = doctor(1, wf.toString());
        assertLine(r.out(), "default", "scheduler", "WARN", "qstat answers but does not tell its version");
        assertLine(r.out(), "default", "partitions", "OK", "cpu (enabled, started), gpu (enabled, started)");
        assertLine(r.out(), "default", "taskPartition", "FAIL", "task b asks for queue long, which this site does not "
                + "have (it has cpu, gpu); next: set task b's queue to one of cpu, gpu");
        assertLine(r.out(), "default", "accounting", "WARN", "Torque keeps no job history hwf reads (no qstat -x)");
        assertLine(r.out(), "default", "workdir", "OK", scratch.resolve("work") + " (made now)");
    }

    @Test
    void anOpenWorkDirectoryWarns() throws IOException {
        Path work = Files.createDirectories(scratch.resolve("work"));
        Files.setPosixFilePermissions(work, PosixFilePermissions.fromString("rwxr-xr-x"));
        Hwf.Result r = doctor(0, localSlurm("open", "  - { name: a, command: 'true' }\n").toString());
        assertLine(r.out(), "default", "workdir", "WARN", work + ": writable, mode 0755");
        assertLine(r.out(), "default", "workdir", "WARN", "next: chmod go-rwx " + work);
    }

    @Test
    void anInvalidWorkflowIsBadInputNamingFileLineAndKey() {
        Path wf = hwf.workflow("bad.yaml", "name: bad\nscheduler: slurm\ntasks:\n  - name: a\n    comand: x\n");
        Hwf.Result r = doctor(2, wf.toString());
        assertTrue(r.err().contains(wf + ":5:5: tasks.a.comand: unknown key \"comand\""), r.err());
        assertEquals("", r.out());
    }

    @Test
    void jsonAndTheDefaultSite() throws Exception {
        Path wf = localSlurm("json", "  - { name: a, partition: nosuch, command: 'true' }\n");
        Hwf.Result r = doctor(1, wf.toString(), "--json");
        JsonNode j = Hwf.JSON.readTree(r.out());
        assertFalse(j.get("ok").asBoolean());
        JsonNode site = j.get("sites").get(0);
        assertEquals("default", site.get("site").asText());
        assertEquals("slurm", site.get("scheduler").asText());
        List<String> names = new ArrayList<>();
        site.get("checks").forEach(c -> names.add(c.get("check").asText() + ":" + c.get("status").asText()));
        assertEquals(List.of("scheduler:OK", "partitions:OK", "taskPartition:FAIL", "gpuPartition:OK", "accounting:WARN",
                "limits:OK", "workdir:OK"), names);
        assertTrue(site.get("checks").get(0).get("fix").isNull());
        assertTrue(site.get("checks").get(2).get("fix").asText().startsWith("set task a's partition"));
        List<String> machine = new ArrayList<>();
        j.get("machine").forEach(c -> machine.add(c.get("check").asText()));
        assertEquals(List.of("journal", "java"), machine);

        // without a file: the local scheduler on this machine, its work directory under $HOME
        hwf.env.put("HOME", scratch.resolve("home").toString());
        Hwf.Result d = hwf.run(LIMIT, "doctor");
        assertEquals(0, d.code(), d.all());
        assertTrue(d.out().startsWith("site default: local on this machine\n"), d.out());
        assertLine(d.out(), "default", "workdir", "OK", scratch.resolve("home/.hwf/work") + " (made now)");
        assertTrue(d.out().endsWith("\nall checks OK\n"), d.out());
    }
}
