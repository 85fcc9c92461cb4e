package dev.hwf.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import org.junit.jupiter.api.Test;

/** The scenarios on the {@code local} scheduler, and the README's first command. */
class LocalSchedulerIT extends SchedulerScenarios {
    @Override
    String scheduler() {
        return "local";
    }

    @Override
    String pollInterval() {
        return "0.3";
    }

    @Test
    void readmeExampleWorkflowRunsToSucceeded() throws Exception {
        Hwf.Result r = submit(Hwf.home().resolve("workflows/hybrid.yaml"));
        assertEquals(0, r.code(), r.all());
        String run = Hwf.runId(r);
        assertTrue(r.out().contains("train"), "no progress shown:\n" + r.out());
        JsonNode status = hwf.status(run);
        assertEquals("SUCCEEDED", status.get("state").asText());
        JsonNode train = Hwf.task(status, "train");
        assertEquals(4, train.get("elements").size());
        for (JsonNode e : train.get("elements")) {
            assertEquals("SUCCEEDED", e.get("state").asText());
        }
        String summary = Files.readString(work.resolve(run).resolve("data/summary.txt"));
        assertEquals(4, summary.lines().count(), summary);
    }
}
