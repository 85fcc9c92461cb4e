package dev.hwf.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Service tasks through bin/hwf on local and on the local Slurm (src/test/cluster/up.sh): a
 * simulation array queries a model service started by the same run (workflows/service.yaml), a
 * service that ends early fails its dependants, and cancelling a run stops its service. Each test
 * and scheduler listens on a port of its own, on this machine only.
 */
class ServiceIT {
    @TempDir
    Path scratch;

    private static int port(String scheduler, int test) {
        return 18760 + 2 * test + ("local".equals(scheduler) ? 0 : 1);
    }

    private Hwf hwf(String scheduler) {
        return new Hwf(scratch, "local".equals(scheduler) ? "0.3" : "1");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"local", "slurm"})
    void theSimulationsQueryTheModelServiceOfTheSameRun(String scheduler) throws Exception {
        Hwf hwf = hwf(scheduler);
        Path work = scratch.resolve("work");
        int port = port(scheduler, 0);
        Hwf.Result r = hwf.run("submit", Hwf.home().resolve("workflows/service.yaml").toString(),
                "--set", "scheduler=" + scheduler, "--set", "site.workdir=" + work,
                "--set", "tasks.model.port=" + port);
        assertEquals(0, r.code(), r.all());
        String run = Hwf.runId(r);
        JsonNode status = hwf.status(run);
        assertEquals("SUCCEEDED", status.get("state").asText(), status.toString());
        JsonNode model = Hwf.task(status, "model");
        assertEquals("SUCCEEDED", model.get("state").asText(), model.toString());
        assertEquals("stopped by hwf: its dependants ended", model.get("reason").asText(), model.toString());
        String endpoint = model.get("endpoint").asText();
        assertTrue(endpoint.endsWith(":" + port), model.toString());
        assertTrue(r.out().contains("ready at " + endpoint), r.all());

        // every simulated dose was scored by the model: the simulations hold no formula of their own
        Path results = work.resolve(run).resolve("results");
        for (int i = 0; i < 4; i++) {
            List<String> lines = Files.readAllLines(results.resolve("sim-" + i + ".txt"));
            assertEquals(4, lines.size(), "element " + i + ": " + lines);
            for (String line : lines) {
                String[] f = line.split(" ");
                double dose = Double.parseDouble(f[0]);
                double expected = Math.exp(-(0.3 * dose + 0.03 * dose * dose));
                assertEquals(expected, Double.parseDouble(f[1]), 1e-6, "element " + i + ": " + line);
            }
            String out = Files.readString(work.resolve(run).resolve("simulate").resolve("out.1." + i + ".log"));
            assertTrue(out.contains("scored by the model at " + endpoint), out);
        }
        String modelOut = Files.readString(work.resolve(run).resolve("model").resolve("out.1.0.log"));
        assertTrue(modelOut.contains("model stopped after 16 predictions"), modelOut);
        if ("slurm".equals(scheduler)) {
            String script = Files.readString(work.resolve(run).resolve("model").resolve("job.1.sh"));
            assertTrue(script.contains("#SBATCH --partition=gpu") && script.contains("#SBATCH --gres=gpu:1"), script);
            assertTrue(java.util.regex.Pattern.compile("\\((CUDA devices [0-9]+|1 GPU granted by Slurm)\\) serving").matcher(modelOut).find(),
                    "Slurm gave the model one GPU (CUDA_VISIBLE_DEVICES): " + modelOut);
        }
        String analyse = Files.readString(work.resolve(run).resolve("analyse").resolve("out.1.0.log"));
        assertTrue(analyse.contains("first dose below 10% survival: 5.5 Gy"), analyse);
        assertClosedSoon(endpoint);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"local", "slurm"})
    void aServiceThatEndsEarlyFailsItsDependants(String scheduler) throws Exception {
        Hwf hwf = hwf(scheduler);
        Path wf = scratch.resolve("early.yaml");
        Files.writeString(wf, """
                name: early-end
                defaults: { partition: cpu }
                tasks:
                  - name: model
                    service: true
                    port: %d
                    command: |
                      timeout 4 python3 -m http.server "$HWF_SERVICE_PORT" --bind "$HWF_SERVICE_HOST"
                      exit 3
                  - name: simulate
                    after: [model]
                    array: 2
                    command: sleep 90
                  - name: analyse
                    after: [simulate]
                    command: echo never
                """.formatted(port(scheduler, 1)));
        long start = System.nanoTime();
        Hwf.Result r = hwf.run("submit", wf.toString(), "--set", "scheduler=" + scheduler,
                "--set", "site.workdir=" + scratch.resolve("work"));
        long seconds = (System.nanoTime() - start) / 1_000_000_000L;
        assertEquals(1, r.code(), r.all());
        assertTrue(seconds < 60, "the dependants were stopped, not waited for: " + seconds + " s");
        JsonNode status = hwf.status(Hwf.runId(r));
        JsonNode model = Hwf.task(status, "model");
        assertEquals("FAILED", model.get("state").asText(), model.toString());
        assertEquals("exit 3", model.get("reason").asText(), model.toString());
        JsonNode simulate = Hwf.task(status, "simulate");
        assertEquals("FAILED", simulate.get("state").asText(), simulate.toString());
        for (JsonNode e : simulate.get("elements")) {
            assertEquals("FAILED", e.get("state").asText(), simulate.toString());
            assertEquals("service model ended", e.get("reason").asText(), simulate.toString());
        }
        JsonNode analyse = Hwf.task(status, "analyse");
        assertEquals("CANCELLED", analyse.get("state").asText(), analyse.toString());
        assertFalse(Files.exists(scratch.resolve("work").resolve(Hwf.runId(r)).resolve("analyse").resolve("out.1.0.log")));
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"local", "slurm"})
    void cancellingTheRunStopsItsService(String scheduler) throws Exception {
        Hwf hwf = hwf(scheduler);
        Path wf = scratch.resolve("cancel.yaml");
        Files.writeString(wf, """
                name: cancel-service
                defaults: { partition: cpu }
                tasks:
                  - name: model
                    service: true
                    port: %d
                    command: exec python3 -m http.server "$HWF_SERVICE_PORT" --bind "$HWF_SERVICE_HOST"
                  - name: simulate
                    after: [model]
                    command: sleep 120
                """.formatted(port(scheduler, 2)));
        Hwf.Result r = hwf.run("submit", wf.toString(), "--set", "scheduler=" + scheduler,
                "--set", "site.workdir=" + scratch.resolve("work"), "--detach");
        assertEquals(0, r.code(), r.all());
        String run = r.out().strip();
        String endpoint = null;
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        while (System.nanoTime() < deadline) {
            assertEquals(0, hwf.run("poll").code());
            JsonNode status = hwf.status(run);
            JsonNode model = Hwf.task(status, "model");
            if (model.has("endpoint") && "RUNNING".equals(Hwf.task(status, "simulate").get("state").asText())) {
                endpoint = model.get("endpoint").asText();
                break;
            }
            Thread.sleep(500);
        }
        assertTrue(endpoint != null, "the service became ready and its dependant started");
        assertTrue(answers(endpoint), "the service answers at " + endpoint + " while the run goes on");
        Hwf.Result cancel = hwf.run("cancel", run);
        assertEquals(0, cancel.code(), cancel.all());
        JsonNode status = hwf.status(run);
        assertEquals("CANCELLED", Hwf.task(status, "model").get("state").asText(), status.toString());
        assertEquals("CANCELLED", Hwf.task(status, "simulate").get("state").asText(), status.toString());
        assertClosedSoon(endpoint);
    }

    /** Whether something accepts connections at host:port. */
    private static boolean answers(String endpoint) {
        int colon = endpoint.lastIndexOf(':');
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(endpoint.substring(0, colon), Integer.parseInt(endpoint.substring(colon + 1))), 1000);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** The service's port is closed within 20 s (its job was ended, not left behind). */
    private static void assertClosedSoon(String endpoint) throws InterruptedException {
        for (int i = 0; i < 40 && answers(endpoint); i++) {
            Thread.sleep(500);
        }
        assertFalse(answers(endpoint), "nothing listens at " + endpoint + " once the service was stopped");
    }
}
