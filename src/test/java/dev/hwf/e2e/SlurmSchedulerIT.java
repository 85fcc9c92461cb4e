package dev.hwf.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The scenarios on the real local Slurm that src/test/cluster/up.sh starts, and the GPU array:
 * one sbatch job on the gpu partition whose elements each get a GPU.
 */
class SlurmSchedulerIT extends SchedulerScenarios {
    @Override
    String scheduler() {
        return "slurm";
    }

    @Override
    boolean dependantsWaitInTheQueue() {
        return true;
    }

    @Override
    String pollInterval() {
        return "1";
    }

    @Test
    void detachExitsOneWhenTheRunWasRefusedBeforeItReturned() throws Exception {
        Path wf = hwf.workflow("refused.yaml", """
                name: refused
                tasks:
                  - name: a
                    partition: nosuch
                    command: "true"
                  - name: b
                    after: [a]
                    command: "true"
                """);
        Hwf.Result r = submit(wf, "--detach");
        assertEquals(1, r.code(), "a run that already FAILED is no success: " + r.all());
        String run = r.out().strip();
        assertTrue(run.matches("refused-\\d{8}-\\d{6}-[0-9a-f]{4}"), "stdout is still the run id alone: " + r.all());
        assertTrue(r.err().contains("FAILED") && r.err().contains("task a") && r.err().contains("submit rejected"),
                r.all());
        assertEquals("FAILED", Hwf.task(hwf.status(run), "a").get("state").asText());
        assertEquals("FAILED", hwf.pollUntilEnded(run, java.time.Duration.ofSeconds(60)), "b is cancelled, the run FAILED");
    }

    @Test
    void gpuArrayIsOneJobOnTheGpuPartition() throws Exception {
        Path wf = hwf.workflow("gpu.yaml", """
                name: gpu-array
                site: { gpuPartition: gpu }
                defaults: { partition: cpu }
                tasks:
                  - name: prep
                    command: echo "$SLURM_JOB_PARTITION" > ../prep.txt
                  - name: train
                    after: [prep]
                    gpus: 1
                    array: 4
                    arrayLimit: 2
                    command: |
                      echo "$SLURM_JOB_PARTITION $SLURM_ARRAY_JOB_ID $SLURM_ARRAY_TASK_ID $HWF_ARRAY_INDEX" > "../train-$HWF_ARRAY_INDEX.txt"
                      scontrol show job "$SLURM_JOB_ID" | tr ' ' '\\n' | grep -E '^(TresPerNode|ArrayTaskThrottle)=' >> "../train-$HWF_ARRAY_INDEX.txt"
                """);
        Hwf.Result r = submit(wf);
        assertEquals(0, r.code(), r.all());
        String run = Hwf.runId(r);
        JsonNode train = Hwf.task(hwf.status(run), "train");
        assertEquals("SUCCEEDED", train.get("state").asText());
        String arrayJob = train.get("jobId").asText();
        assertEquals(1, train.get("attempt").asInt());
        Path runDir = work.resolve(run);
        assertEquals("cpu", Files.readString(runDir.resolve("prep.txt")).strip());
        Set<String> indices = new HashSet<>();
        for (int i = 0; i < 4; i++) {
            String[] lines = Files.readString(runDir.resolve("train-" + i + ".txt")).strip().split("\n");
            String[] f = lines[0].split(" ");
            assertEquals("gpu", f[0], "element " + i + " ran outside the gpu partition");
            assertEquals(arrayJob, f[1], "element " + i + " is not part of the one array job");
            assertEquals(f[2], f[3], "HWF_ARRAY_INDEX differs from Slurm's index");
            indices.add(f[3]);
            String detail = String.join(" ", lines);
            assertTrue(detail.contains("gpu:1") || detail.contains("gpu=1"), "no GPU granted: " + detail);
            assertTrue(detail.contains("ArrayTaskThrottle=2"), "arrayLimit not passed on: " + detail);
        }
        assertEquals(Set.of("0", "1", "2", "3"), indices);
        for (JsonNode e : train.get("elements")) {
            assertEquals(arrayJob, e.get("jobId").asText());
        }
    }
}
