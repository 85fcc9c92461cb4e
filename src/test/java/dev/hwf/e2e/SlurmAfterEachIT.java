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
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Element-wise dependants ({@code afterEach}) handed to the real local Slurm early, under
 * {@code aftercorr}: fit is in the queue, waiting element by element on sim's job, while sim still
 * runs; a sim element that fails has the {@code hwf poll} that sees it take back exactly its partner
 * (nothing left pending on a dependency that can never be met), the other elements run on; a sim
 * element retried has its partner follow the new job, and every element runs once.
 */
class SlurmAfterEachIT {
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

    private static String pipeline(String name, int retries, String simFails) {
        return """
                name: %s
                tasks:
                  - name: sim
                    array: 6
                    retries: %d
                    command: |
                      echo "sim $HWF_ARRAY_INDEX" >> ../ran.log; sleep 2
                      %s
                  - name: fit
                    array: 6
                    afterEach: [sim]
                    command: echo "fit $HWF_ARRAY_INDEX" >> ../ran.log
                """.formatted(name, retries, simFails);
    }

    /** The run's job elements in squeue, as "task-attempt|JOB_INDEX|state|reason" lines. */
    private static List<String> queued(String run) throws IOException, InterruptedException {
        return Hwf.queued(run, "%j|%i|%T|%r", "--array");
    }

    private Map<String, Integer> ranCount(String run) throws IOException {
        return Hwf.ranCount(work.resolve(run));
    }

    /** Submits the workflow detached (one pass), returning the run's id. */
    private String submitDetached(String yaml) {
        Path wf = hwf.workflow("each.yaml", yaml);
        Hwf.Result r = hwf.run("submit", wf.toString(), "--detach", "--set", "scheduler=slurm", "--set",
                "site.workdir=" + work);
        assertEquals(0, r.code(), r.all());
        return r.out().strip();
    }

    private static Map<String, Integer> onceEach(String... extra) {
        Map<String, Integer> m = new TreeMap<>();
        for (int i = 0; i < 6; i++) {
            m.put("sim " + i, 1);
            m.put("fit " + i, 1);
        }
        for (String e : extra) {
            m.merge(e, 1, Integer::sum);
        }
        return m;
    }

    private static JsonNode element(JsonNode status, String task, int index) {
        return Hwf.task(status, task).get("elements").get(index);
    }

    @Test
    void fitWaitsInTheQueueUnderAftercorrWhileSimRunsAndEveryElementRunsOnce() throws Exception {
        String run = submitDetached(pipeline("each-ok", 0, ""));

        // what a user checks: fit is in Slurm's queue, under aftercorr on sim's job, while sim has not ended
        JsonNode status = hwf.status(run);
        String sim = Hwf.task(status, "sim").get("jobId").asText();
        String fit = Hwf.task(status, "fit").get("jobId").asText();
        assertTrue(fit.matches("[0-9]+"), "fit was handed to Slurm in the submit's pass: " + status);
        assertTrue(List.of("QUEUED", "RUNNING").contains(Hwf.task(status, "sim").get("state").asText()), status
                .toString());
        String shown = Hwf.command("scontrol", "show", "job", fit);
        assertTrue(shown.contains("Dependency=aftercorr:" + sim), shown);
        assertTrue(queued(run).stream().anyMatch(l -> l.startsWith("fit-1|") && l.contains("|PENDING|")),
                "fit waits in the queue: " + queued(run));

        assertEquals("SUCCEEDED", hwf.pollUntilEnded(run, Duration.ofSeconds(150)));
        assertEquals(onceEach(), ranCount(run), "every element ran exactly once");
        assertEquals(1, Hwf.task(hwf.status(run), "fit").get("attempts").size(), "fit went out once");
    }

    @Test
    void aFailedSimElementTakesBackOnlyItsPartnerInThePollThatSawIt() throws Exception {
        String run = submitDetached(pipeline("each-fail", 0, "[ \"$HWF_ARRAY_INDEX\" != 2 ] || exit 3"));
        String fit = Hwf.task(hwf.status(run), "fit").get("jobId").asText();

        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        JsonNode status = hwf.status(run);
        while (!element(status, "sim", 2).get("state").asText().equals("FAILED")) {
            assertTrue(System.nanoTime() < deadline, "sim[2] never failed: " + status);
            Thread.sleep(500);
            Hwf.Result poll = hwf.run("poll");
            assertEquals(0, poll.code(), poll.all());
            status = hwf.status(run);
        }
        // the poll that saw sim[2] fail took fit[2] back: nothing waits on a dependency never to be met
        List<String> after = queued(run);
        assertEquals(List.of(), after.stream().filter(l -> l.contains("DependencyNeverSatisfied")
                || l.contains("|" + fit + "_2|")).toList(), "pending after the poll that saw sim[2] fail: " + after);
        assertEquals("CANCELLED", element(status, "fit", 2).get("state").asText());
        assertEquals("upstream sim[2] FAILED", element(status, "fit", 2).get("reason").asText());

        assertEquals("FAILED", hwf.pollUntilEnded(run, Duration.ofSeconds(150)));
        status = hwf.status(run);
        for (int i = 0; i < 6; i++) {
            if (i != 2) {
                assertEquals("SUCCEEDED", element(status, "fit", i).get("state").asText(), "fit[" + i + "]");
            }
        }
        Map<String, Integer> ran = onceEach();
        ran.remove("fit 2");
        assertEquals(ran, ranCount(run), "fit[2] never ran, the others once");
        assertEquals(List.of(), queued(run).stream().filter(l -> l.contains("PENDING")).toList());
    }

    @Test
    void aRetriedSimElementIsFollowedByItsPartnerAloneAndEachElementRunsOnce() throws Exception {
        Path wf = hwf.workflow("each.yaml", pipeline("each-retry", 1,
                "[ \"$HWF_ARRAY_INDEX\" != 2 ] || [ -f ../tried ] || { touch ../tried; exit 3; }"));
        Hwf.Result r = hwf.run(Duration.ofSeconds(180), "submit", wf.toString(), "--set", "scheduler=slurm",
                "--set", "site.workdir=" + work);
        assertEquals(0, r.code(), r.all());
        String run = Hwf.runId(r);
        assertEquals(onceEach("sim 2"), ranCount(run), "sim[2] ran twice, every other element once");
        JsonNode status = hwf.status(run);
        assertEquals("SUCCEEDED", status.get("state").asText());
        JsonNode attempts = Hwf.task(status, "fit").get("attempts");
        assertEquals(2, attempts.size(), "fit[2] was taken back once and followed sim[2]'s new job: " + attempts);
        assertEquals("[2]", attempts.get(1).get("elements").toString());
        assertEquals(List.of(), queued(run).stream().filter(l -> l.contains("PENDING")).toList());
    }
}
