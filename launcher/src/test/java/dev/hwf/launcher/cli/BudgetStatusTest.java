package dev.hwf.launcher.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Core- and GPU-hours in status --json, and a GPU-hour budget that stops new work, on local. */
class BudgetStatusTest {
    @TempDir
    Path tmp;

    private String hwf(int expectedCode, String... args) {
        CliRun.Result r = CliRun.hwf(tmp.resolve("journal.db"), args);
        assertEquals(expectedCode, r.code(), r.out() + r.err());
        return r.out();
    }

    @Test
    void usageIsShownAndTheBudgetCancelsWhatWasNotSubmitted() throws Exception {
        Path wf = tmp.resolve("wf.yaml");
        // 2 GPUs on 1 node for about 3 s is about 0.0017 GPU-hours, over the budget of 0.0005
        Files.writeString(wf, """
                name: budget-demo
                budget: { gpuHours: 0.0005 }
                tasks:
                  - name: first
                    gpus: 2
                    ntasks: 2
                    cpus: 3
                    command: sleep 3
                  - name: second
                    after: [first]
                    gpus: 1
                    command: echo never
                """);
        hwf(1, "submit", wf.toString(), "--set", "site.workdir=" + tmp.resolve("work"));
        ObjectMapper json = new ObjectMapper();
        String run = json.readTree(hwf(0, "runs", "--json")).get(0).get("run").asText();
        JsonNode status = json.readTree(hwf(0, "status", run, "--json"));
        JsonNode first = status.get("tasks").get(0);
        JsonNode second = status.get("tasks").get(1);
        assertEquals("SUCCEEDED", first.get("state").asText(), status.toString());
        double gpuHours = first.get("gpuHours").asDouble();
        double coreHours = first.get("coreHours").asDouble();
        assertTrue(gpuHours > 0.0005 && gpuHours < 0.01, status.toString());
        assertEquals(3 * gpuHours, coreHours, 0.0001, "6 cores against 2 GPUs: " + status);
        assertEquals("CANCELLED", second.get("state").asText(), status.toString());
        assertTrue(second.get("reason").asText().matches("budget reached: 0\\.00\\d+ of 0\\.0005 GPU-hours"),
                status.toString());
        assertEquals(0.0, second.get("gpuHours").asDouble(), status.toString());
        assertEquals(gpuHours, status.get("gpuHours").asDouble(), 1e-9, status.toString());
        assertEquals(coreHours, status.get("coreHours").asDouble(), 1e-9, status.toString());
        assertTrue(!Files.exists(tmp.resolve("work").resolve(run).resolve("second").resolve("out.1.0.log")));
    }
}
