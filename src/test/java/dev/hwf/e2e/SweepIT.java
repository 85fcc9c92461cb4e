package dev.hwf.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A parameter sweep through bin/hwf on local and on the local Slurm (src/test/cluster/up.sh):
 * each element's output shows the parameters status --json says it had.
 */
class SweepIT {
    @TempDir
    Path scratch;

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"local", "slurm"})
    void eachElementSeesTheParametersStatusShows(String scheduler) throws Exception {
        Hwf hwf = new Hwf(scratch, "local".equals(scheduler) ? "0.3" : "1");
        Path work = scratch.resolve("work");
        Files.createDirectories(work);
        Path wf = scratch.resolve("sweep.yaml");
        Files.writeString(wf, """
                name: sweep
                defaults: { partition: cpu }
                tasks:
                  - name: train
                    matrix:
                      lr: [0.5, "1e-4 x"]
                    command: echo "lr=[$lr] params=[$HWF_PARAMS] index=$HWF_ARRAY_INDEX"
                """);
        Hwf.Result r = hwf.run("submit", wf.toString(), "--set", "scheduler=" + scheduler,
                "--set", "site.workdir=" + work);
        assertEquals(0, r.code(), r.all());
        String run = Hwf.runId(r);
        JsonNode train = Hwf.task(hwf.status(run), "train");
        assertEquals("SUCCEEDED", train.get("state").asText(), train.toString());
        JsonNode elements = train.get("elements");
        assertEquals(2, elements.size(), train.toString());
        for (int i = 0; i < 2; i++) {
            String lr = elements.get(i).get("params").get("lr").asText();
            assertEquals(i == 0 ? "0.5" : "1e-4 x", lr, train.toString());
            String out = Files.readString(work.resolve(run).resolve("train").resolve("out.1." + i + ".log"));
            assertEquals("lr=[" + lr + "] params=[lr=" + lr + "] index=" + i + "\n", out);
        }
    }
}
