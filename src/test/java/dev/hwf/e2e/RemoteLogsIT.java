package dev.hwf.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code hwf logs} and {@code hwf report} for a run on a remote site: the workflow names the SSH
 * login node of src/test/cluster/sshd-up.sh in front of the local Slurm, so logs are read over
 * SFTP (one SSH connection per {@code hwf logs}), and the report shows the cluster's paths as
 * text rather than file:// links.
 */
class RemoteLogsIT {
    private static SshNode node;

    @TempDir
    Path scratch;

    @BeforeAll
    static void up() {
        node = SshNode.up();
    }

    @Test
    void logsAreReadOverSshAndTheReportNamesTheClustersPaths() throws Exception {
        Hwf hwf = new Hwf(scratch, "1");
        hwf.env.put("SSH_AUTH_SOCK", "");
        Path work = Files.createDirectories(scratch.resolve("cluster work"));
        Path wf = hwf.workflow("remote-logs.yaml", "name: remote-logs\nscheduler: slurm\n" + node.siteYaml(work, "")
                + """
                tasks:
                  - name: hello
                    command: echo "hello from $(hostname -s) as $HWF_TASK"; echo "a warning" >&2
                  - name: shards
                    after: [hello]
                    array: 2
                    command: seq 1 100000 | sed "s/^/shard $HWF_ARRAY_INDEX line /"   # 2 MB: read in chunks
                """);
        Hwf.Result r = hwf.run("submit", wf.toString());
        assertEquals(0, r.code(), r.all());
        String run = Hwf.runId(r);

        int before = node.accepted();
        Hwf.Result out = hwf.run("logs", run, "hello");
        assertEquals(0, out.code(), out.all());
        assertTrue(out.out().startsWith("hello from ") && out.out().endsWith(" as hello\n"), out.all());
        assertEquals(1, node.accepted() - before, "hwf logs read the file over one SSH connection");
        assertEquals("a warning\n", hwf.run("logs", run, "hello", "--stderr").out());
        Hwf.Result shard = hwf.run("logs", run, "shards", "--element", "1");
        assertEquals(100000, shard.out().lines().count(), shard.err());
        assertTrue(shard.out().endsWith("shard 1 line 100000\n"));
        assertEquals(Files.readString(work.resolve(run).resolve("shards/out.1.1.log")), shard.out(), "byte for byte");

        Files.delete(work.resolve(run).resolve("shards/out.1.0.log"));
        Hwf.Result missing = hwf.run("logs", run, "shards");
        assertEquals(2, missing.code(), missing.all());
        assertTrue(missing.err().contains("no log " + work.resolve(run) + "/shards/out.1.0.log"), missing.err());
        assertTrue(missing.err().contains("out.1.1.log"), "names the logs there are: " + missing.err());

        Path html = scratch.resolve("remote.html");
        Path json = scratch.resolve("remote.json");
        Hwf.Result rep = hwf.run("report", run, "--html", html.toString(), "--json", json.toString());
        assertEquals(0, rep.code(), rep.all());
        JsonNode data = Hwf.JSON.readTree(json.toFile());
        assertEquals("127.0.0.1", data.get("host").asText());
        assertEquals(3, data.get("totals").get("elements").asInt());
        String page = Files.readString(html);
        assertFalse(page.contains("file://"), "a cluster's logs are not links on this machine");
        assertTrue(page.contains(work.resolve(run) + "/shards/err.1.1.log"), "the cluster's path as text");
    }
}
