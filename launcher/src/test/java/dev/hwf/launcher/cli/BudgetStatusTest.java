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
        return CliRun.out(tmp.resolve("journal.db"), expectedCode, args);
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

    @Test
    void aCampaignBudgetCountsEveryRunOfTheWorkflow() throws Exception {
        Path wf = tmp.resolve("camp.yaml");
        // one run of 2 GPUs for about 3 s uses about 0.0017 GPU-hours of the campaign's 0.0005
        Files.writeString(wf, """
                name: camp-demo
                budget: { gpuHours: 0.0005, per: campaign }
                tasks:
                  - name: train
                    gpus: 2
                    command: sleep 3; echo trained
                """);
        String work = "site.workdir=" + tmp.resolve("work");
        hwf(0, "submit", wf.toString(), "--set", work);
        // the same workflow as a run-level budget is not affected by the first run
        hwf(0, "submit", wf.toString(), "--set", work, "--set", "budget.per=run", "--set", "name=other-demo");
        hwf(1, "submit", wf.toString(), "--set", work);
        ObjectMapper json = new ObjectMapper();
        JsonNode runs = json.readTree(hwf(0, "runs", "--json"));
        String third = runs.get(0).get("run").asText();
        JsonNode train = json.readTree(hwf(0, "status", third, "--json")).get("tasks").get(0);
        assertEquals("CANCELLED", train.get("state").asText(), train.toString());
        assertTrue(train.get("reason").asText().matches(
                "campaign budget reached \\(2 runs of camp-demo\\): 0\\.00\\d+ of 0\\.0005 GPU-hours"), train.toString());
        assertTrue(!Files.exists(tmp.resolve("work").resolve(third).resolve("train").resolve("out.1.0.log")),
                "nothing of the third run was submitted");
    }
}
