package dev.hwf.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * slurmctld stops for most of a minute in the middle of a followed run and comes back: hwf reads
 * "no answer" as "unknown, keep waiting", submits nothing twice, and the run ends SUCCEEDED.
 */
class SlurmOutageIT {
    @TempDir
    Path scratch;

    @AfterEach
    void controllerBack() throws Exception {
        startController(); // whatever happened, leave the cluster up for the next test
    }

    @Test
    void runSurvivesTheControllerGoingAwayAndComingBack() throws Exception {
        Hwf hwf = new Hwf(scratch, "1");
        hwf.env.put("HWF_SUBMIT_GRACE", "8");
        Path work = scratch.resolve("work");
        Path wf = hwf.workflow("outage.yaml", """
                name: outage
                tasks:
                  - name: before
                    command: echo before >> ../ran.log; sleep 15
                  - name: after
                    after: [before]
                    array: 2
                    command: echo "after $HWF_ARRAY_INDEX" >> ../ran.log
                """);
        Path out = scratch.resolve("submit.out");
        Process submit = hwf.start(out, "submit", wf.toString(), "--set", "scheduler=slurm",
                "--set", "site.workdir=" + work);
        try {
            String run = awaitRunId(out);
            awaitTaskState(hwf, run, "before", "RUNNING");
            stopController();
            Thread.sleep(45_000); // "before" ends meanwhile; "after" cannot be submitted
            JsonNode during = hwf.status(run);
            assertEquals("RUNNING", during.get("state").asText(), during.toString());
            startController();
            assertTrue(submit.waitFor(180, TimeUnit.SECONDS), "the followed run did not end after the outage");
            assertEquals(0, submit.exitValue(), Files.readString(out));
            JsonNode status = hwf.status(run);
            assertEquals("SUCCEEDED", status.get("state").asText());
            assertEquals(List.of("after 0", "after 1", "before"),
                    Files.readAllLines(work.resolve(run).resolve("ran.log")).stream().map(String::strip).sorted()
                            .toList(), "every element ran exactly once");
        } finally {
            submit.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }

    static String awaitRunId(Path out) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            String first = Files.exists(out) ? Files.readString(out).lines().findFirst().orElse("") : "";
            if (first.startsWith("run ") && first.contains(":")) {
                return first.substring(4, first.indexOf(':'));
            }
            Thread.sleep(200);
        }
        throw new AssertionError("submit printed no run id: " + Files.readString(out));
    }

    static void awaitTaskState(Hwf hwf, String run, String task, String state) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!Hwf.task(hwf.status(run), task).get("state").asText().equals(state)) {
            assertTrue(System.nanoTime() < deadline, task + " never reached " + state);
            Thread.sleep(300);
        }
    }

    static void stopController() throws Exception {
        assertEquals(0, sh("scontrol", "shutdown", "slurmctld"));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (sh("scontrol", "ping") == 0) {
            assertTrue(System.nanoTime() < deadline, "slurmctld did not stop");
            Thread.sleep(300);
        }
    }

    static void startController() throws Exception {
        assertEquals(0, sh("bash", Hwf.home().resolve("src/test/cluster/up.sh").toString()), "up.sh failed");
    }

    static int sh(String... cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .start();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            return -1;
        }
        return p.exitValue();
    }
}
