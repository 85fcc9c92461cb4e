package dev.hwf.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Dependants handed to the real local Slurm early (site.dependencies: scheduler, the default):
 * right after a detached submit the whole chain is in squeue, its dependants pending on their
 * Dependency; when the head fails, the {@code hwf poll} that sees it leaves no job of the run
 * pending in squeue; when the head is retried, its dependants follow the new job and each task
 * runs once.
 */
class SlurmDependencyIT {
    @TempDir
    Path scratch;

    private Hwf hwf;
    private Path work;

    @BeforeEach
    void setUp() throws IOException {
        hwf = new Hwf(scratch, "1");
        work = scratch.resolve("work");
        Files.createDirectories(work);
    }

    private Hwf.Result submitDetached(Path wf) {
        return hwf.run("submit", wf.toString(), "--detach", "--set", "scheduler=slurm", "--set",
                "site.workdir=" + work);
    }

    /** The run's jobs in squeue, as "task|state|reason" lines. */
    private static List<String> queued(String run) throws IOException, InterruptedException {
        return Hwf.queued(run, "%j|%T|%r");
    }

    private Map<String, Integer> ranCount(String run) throws IOException {
        return Hwf.ranCount(work.resolve(run));
    }

    @Test
    void aFailedHeadLeavesNothingOfTheRunPendingAfterThePollThatSawIt() throws Exception {
        Path wf = hwf.workflow("fail.yaml", """
                name: deps-fail
                tasks:
                  - name: a
                    command: sleep 3; exit 3
                  - name: b
                    after: [a]
                    array: 3
                    command: touch ../b-ran
                  - name: c
                    after: [b]
                    command: touch ../c-ran
                """);
        Hwf.Result r = submitDetached(wf);
        assertEquals(0, r.code(), r.all());
        String run = r.out().strip();
        List<String> first = queued(run);
        // (Slurm gives a just-submitted job its Dependency reason at its next scheduling cycle)
        assertTrue(first.stream().anyMatch(l -> l.startsWith("b-1|PENDING|"))
                && first.stream().anyMatch(l -> l.startsWith("c-1|PENDING|")),
                "the dependants wait in the queue: " + first);

        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        JsonNode status = hwf.status(run);
        while (!Hwf.task(status, "a").get("state").asText().equals("FAILED")) {
            assertTrue(System.nanoTime() < deadline, "a never failed: " + status);
            Thread.sleep(500);
            Hwf.Result poll = hwf.run("poll");
            assertEquals(0, poll.code(), poll.all());
            status = hwf.status(run);
            if (Hwf.task(status, "a").get("state").asText().equals("FAILED")) {
                // the pass that saw a fail took every dependant back
                assertEquals(List.of(), queued(run).stream().filter(l -> l.contains("PENDING")).toList(),
                        "pending after the pass that saw a fail");
            }
        }
        assertEquals("FAILED", status.get("state").asText());
        JsonNode b = Hwf.task(status, "b");
        assertEquals("CANCELLED", b.get("state").asText());
        assertTrue(b.get("reason").asText().endsWith("upstream a FAILED"), b.toString());
        assertEquals("upstream b CANCELLED", Hwf.task(status, "c").get("reason").asText());
        assertTrue(!b.get("jobId").isNull(), "b was handed to Slurm early: " + b);
        Path runDir = work.resolve(run);
        assertTrue(!Files.exists(runDir.resolve("b-ran")) && !Files.exists(runDir.resolve("c-ran")), "nothing ran");
    }

    private static final String RETRIED_HEAD = """
            name: deps-retry
            tasks:
              - name: a
                retries: 1
                command: |
                  echo "a $HWF_ATTEMPT" >> ../ran.log; sleep 2
                  [ -f ../tried ] || { touch ../tried; exit 4; }
              - name: b
                after: [a]
                array: 2
                command: echo "b $HWF_ARRAY_INDEX" >> ../ran.log
              - name: c
                after: [b]
                command: echo "c" >> ../ran.log
            """;

    private static final Map<String, Integer> RETRIED_ONCE_EACH = Map.of("a 1", 1, "a 2", 1, "b 0", 1, "b 1", 1,
            "c", 1);

    @Test
    void killedBetweenTakingDependantsBackAndRecordingItLosesNothingAndLeavesNothingPending() throws Exception {
        Path wf = hwf.workflow("retry.yaml", RETRIED_HEAD);
        hwf.env.put("HWF_CRASH_POINT", "after-cancel-dependants");
        Hwf.Result r = hwf.run(Duration.ofSeconds(180), "submit", wf.toString(), "--set", "scheduler=slurm",
                "--set", "site.workdir=" + work);
        hwf.env.remove("HWF_CRASH_POINT");
        assertEquals(137, r.code(), r.all());
        String run = Hwf.runId(r);
        assertEquals("SUCCEEDED", hwf.pollUntilEnded(run, Duration.ofSeconds(120)));
        assertEquals(RETRIED_ONCE_EACH, ranCount(run), "every element ran exactly once");
        assertEquals(List.of(), queued(run).stream().filter(l -> l.contains("PENDING")).toList());
    }

    @Test
    void aRetriedHeadIsFollowedByItsDependantsAndEachTaskRunsOnce() throws Exception {
        Path wf = hwf.workflow("retry.yaml", RETRIED_HEAD);
        Hwf.Result r = hwf.run(Duration.ofSeconds(180), "submit", wf.toString(), "--set", "scheduler=slurm",
                "--set", "site.workdir=" + work);
        assertEquals(0, r.code(), r.all());
        String run = Hwf.runId(r);
        assertEquals(RETRIED_ONCE_EACH, ranCount(run));
        JsonNode status = hwf.status(run);
        assertEquals("SUCCEEDED", status.get("state").asText());
        JsonNode b = Hwf.task(status, "b");
        assertEquals(2, b.get("attempts").size(), "b was taken back once and followed a's new job: " + b);
        assertEquals(List.of(), queued(run).stream().filter(l -> l.contains("PENDING")).toList());
    }
}
