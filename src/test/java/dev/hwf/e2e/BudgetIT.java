package dev.hwf.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * GPU-hours in status --json and a GPU budget through bin/hwf, on local and on the local Slurm's
 * gpu partition: the GPU task that used the budget succeeds, the one after it is never submitted.
 */
class BudgetIT {
    @TempDir
    Path scratch;

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"local", "slurm"})
    void theBudgetStopsNewWork(String scheduler) throws Exception {
        Hwf hwf = new Hwf(scratch, "local".equals(scheduler) ? "0.3" : "1");
        Path work = Files.createDirectories(scratch.resolve("work"));
        Path wf = scratch.resolve("budget.yaml");
        Files.writeString(wf, """
                name: budget
                budget: { gpuHours: 0.0001 }
                defaults: { partition: gpu }
                tasks:
                  - name: first
                    gpus: 1
                    command: sleep 4
                  - name: second
                    after: [first]
                    gpus: 1
                    command: echo never
                """);
        Hwf.Result r = hwf.run("submit", wf.toString(), "--set", "scheduler=" + scheduler,
                "--set", "site.workdir=" + work);
        assertEquals(1, r.code(), r.all());
        String run = Hwf.runId(r);
        JsonNode status = hwf.status(run);
        JsonNode first = Hwf.task(status, "first");
        JsonNode second = Hwf.task(status, "second");
        assertEquals("SUCCEEDED", first.get("state").asText(), status.toString());
        assertTrue(first.get("gpuHours").asDouble() >= 0.0001, status.toString());
        assertEquals(first.get("gpuHours").asDouble(), first.get("coreHours").asDouble(), 1e-9, status.toString());
        assertEquals("CANCELLED", second.get("state").asText(), status.toString());
        assertTrue(second.get("reason").asText().startsWith("budget reached: ")
                && second.get("reason").asText().endsWith(" of 0.0001 GPU-hours"), status.toString());
        assertTrue(second.get("jobId").isNull(), "never submitted: " + status);
        assertEquals(first.get("gpuHours").asDouble(), status.get("gpuHours").asDouble(), 1e-9, status.toString());
    }
}
