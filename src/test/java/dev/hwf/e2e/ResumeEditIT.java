package dev.hwf.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Fix and continue, as a user does it on the local Slurm: a chain a → b → c whose b exits 3. The
 * user fixes b in the file and resumes the run with it; only b and c run, a keeps its one attempt.
 * A change to a reruns all three; a bad edit changes nothing; {@code submit --reuse} after a
 * SUCCEEDED run submits only what changed and what depends on it; over SSH too, the reused task's
 * directory points at where it ran.
 */
class ResumeEditIT {
    private static final String CHAIN = """
            name: chain
            scheduler: slurm
            %s
            defaults: { partition: cpu, memory: 50M }
            tasks:
              - name: a
                command: echo "a ran" >> ../a.log
              - name: b
                after: [a]
                command: exit 3
              - name: c
                after: [b]
                array: 2
                command: echo "c $HWF_ARRAY_INDEX ran" >> ../c.log
            """;

    @TempDir
    Path scratch;

    Hwf hwf;
    Path work;

    @BeforeEach
    void setUp() {
        hwf = new Hwf(scratch, "1");
        hwf.env.put("SSH_AUTH_SOCK", "");
        work = scratch.resolve("work");
    }

    private static List<Integer> attempts(JsonNode status, String task) {
        List<Integer> out = new java.util.ArrayList<>();
        Hwf.task(status, task).get("attempts").forEach(a -> out.add(a.get("version").asInt()));
        return out;
    }

    @Test
    void fixingTheFailedTaskRunsItAndWhatFollowsOnly() throws Exception {
        String site = "site: { workdir: \"" + work + "\" }";
        Path wf = hwf.workflow("chain.yaml", CHAIN.formatted(site));
        Hwf.Result first = hwf.run("submit", wf.toString());
        assertEquals(1, first.code(), first.all());
        String run = Hwf.runId(first);
        Path runDir = work.resolve(run);

        Hwf.Result bad = hwf.run("resume", run, "--file", hwf.workflow("bad.yaml", CHAIN.formatted(site)
                .replace("exit 3", "true").replace("memory: 50M", "memory: lots")).toString());
        assertEquals(2, bad.code(), bad.all());
        assertTrue(bad.err().contains("bad.yaml:4") && bad.err().contains("defaults.memory"), bad.err());
        assertEquals(1, hwf.status(run).get("version").asInt(), "a bad edit changes nothing");

        Path fixed = hwf.workflow("fixed.yaml", CHAIN.formatted(site).replace("exit 3", "echo fixed"));
        Hwf.Result plan = hwf.run("resume", run, "--file", fixed.toString(), "--dry-run");
        assertEquals(0, plan.code(), plan.all());
        // c runs, or runs again where the scheduler held it queued under b (then cancelled when b failed)
        assertTrue(plan.out().matches("(?s).*\\n  a +kept +unchanged\\n  b +runs again +definition changed\\n"
                + "  c +runs( again)? +upstream changed\\n.*"), plan.out());
        Hwf.Result resumed = hwf.run("resume", run, "--file", fixed.toString());
        assertEquals(0, resumed.code(), resumed.all());
        JsonNode status = hwf.status(run);
        assertEquals("SUCCEEDED", status.get("state").asText());
        assertEquals(2, status.get("version").asInt());
        assertEquals(List.of(1), attempts(status, "a"), "a keeps its single attempt");
        assertEquals(List.of(1, 2), attempts(status, "b"), "b failed under version 1, ran under version 2");
        List<Integer> c = attempts(status, "c");
        assertEquals(2, c.get(c.size() - 1), "c ran under version 2: " + c);
        assertEquals(List.of("a ran"), Files.readAllLines(runDir.resolve("a.log")));
        assertEquals(2, Files.readAllLines(runDir.resolve("c.log")).size());

        Path changedA = hwf.workflow("changed-a.yaml", Files.readString(fixed).replace("a ran", "A ran"));
        Hwf.Result again = hwf.run("resume", run, "--file", changedA.toString());
        assertEquals(0, again.code(), again.all());
        assertEquals(List.of("a ran", "A ran"), Files.readAllLines(runDir.resolve("a.log")), "a ran again");
        assertEquals(4, Files.readAllLines(runDir.resolve("c.log")).size(), "and so did c's two elements");
        assertEquals(List.of(1, 3), attempts(hwf.status(run), "a"));

        // a SUCCEEDED run, a new run of the same workflow with c changed: only c is submitted
        Path changedC = hwf.workflow("changed-c.yaml", Files.readString(changedA).replace("c $HWF", "C $HWF"));
        Hwf.Result reuse = hwf.run("submit", changedC.toString(), "--reuse");
        assertEquals(0, reuse.code(), reuse.all());
        String next = Hwf.runId(reuse);
        JsonNode s = hwf.status(next);
        assertEquals(run, Hwf.task(s, "a").get("reusedFrom").asText(), s.toPrettyString());
        assertEquals(run, Hwf.task(s, "b").get("reusedFrom").asText());
        assertTrue(Hwf.task(s, "c").path("reusedFrom").isMissingNode(), "c changed, so it ran");
        assertTrue(Files.isSymbolicLink(work.resolve(next).resolve("a")), "a's directory points at where it ran");
        assertEquals(List.of("C 0 ran", "C 1 ran"), Files.readAllLines(work.resolve(next).resolve("c.log"))
                .stream().sorted().toList(), "only c ran in the new run");
        Hwf.Result logs = hwf.run("logs", next, "b");
        assertEquals(0, logs.code(), logs.all());
        assertTrue(logs.out().contains("fixed"), "the reused task's output is found: " + logs.all());
    }

    @Test
    void overSshAReusedTasksDirectoryIsLinkedOnTheCluster() throws Exception {
        SshNode node = SshNode.up();
        String text = CHAIN.formatted(node.siteYaml(work, "")).replace("exit 3", "echo b-out");
        Path wf = hwf.workflow("ssh.yaml", text);
        Hwf.Result first = hwf.run("submit", wf.toString());
        assertEquals(0, first.code(), first.all());
        Path changed = hwf.workflow("ssh2.yaml", text.replace("c $HWF", "C $HWF"));
        Hwf.Result reuse = hwf.run("submit", changed.toString(), "--reuse", Hwf.runId(first));
        assertEquals(0, reuse.code(), reuse.all());
        Path b = work.resolve(Hwf.runId(reuse)).resolve("b");
        assertTrue(Files.isSymbolicLink(b), "linked by SFTP");
        assertEquals(work.resolve(Hwf.runId(first)).resolve("b"), Files.readSymbolicLink(b));
        Hwf.Result logs = hwf.run("logs", Hwf.runId(reuse), "b");
        assertTrue(logs.out().contains("b-out"), logs.all());
    }
}
