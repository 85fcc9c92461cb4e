package dev.hwf.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The scenarios on the PBS adapter's Torque flavour, through the REAL {@code qsub}, {@code qstat -f}
 * and {@code qdel} of Slurm's Torque wrappers (slurm-wlm-torque) in front of the local Slurm that
 * src/test/cluster/up.sh starts: hwf writes {@code #PBS} headers, qsub hands the script to sbatch,
 * which reads them, and hwf follows the jobs with qstat -f.
 *
 * <p>What the wrappers cannot show, and how the scenarios still pass: their qstat -f prints no
 * exit_status (a finished job is just {@code C}) and knows no {@code -t}, so an array is one
 * job-level line; hwf then learns every outcome from the exit code files the job script writes,
 * which is exactly what those files are for. Every scenario of {@link SchedulerScenarios} runs here
 * unchanged, the array ones included.
 */
class TorqueSchedulerIT extends SchedulerScenarios {
    @Override
    String scheduler() {
        return "pbs";
    }

    @Override
    List<String> extraSets() {
        return List.of("site.flavor=torque");
    }

    @Override
    boolean dependantsWaitInTheQueue() {
        return true;
    }

    @Override
    String pollInterval() {
        return "1";
    }

    /**
     * The #PBS lines reach Slurm as written: the job name hwf gave, the queue, the walltime, the array
     * and its limit; each element's HWF_ARRAY_INDEX is its own index; qsub ran in the task directory
     * (its default output files are there).
     */
    @Test
    void pbsHeadersAreHonouredThroughQsub() throws IOException {
        Path wf = hwf.workflow("torque.yaml", """
                name: torque-headers
                site: { gpuPartition: gpu }
                defaults: { partition: cpu, walltime: "00:05:00", memory: 200M }
                tasks:
                  - name: prep
                    command: echo "$SLURM_JOB_NAME|$SLURM_JOB_PARTITION" > ../prep.txt
                  - name: train
                    after: [prep]
                    gpus: 1
                    array: 3
                    arrayLimit: 2
                    command: |
                      echo "$SLURM_JOB_NAME|$SLURM_JOB_PARTITION|$SLURM_ARRAY_JOB_ID|$SLURM_ARRAY_TASK_ID|$HWF_ARRAY_INDEX" > "../train-$HWF_ARRAY_INDEX.txt"
                      scontrol show job "$SLURM_JOB_ID" | tr ' ' '\\n' | grep -E '^(TimeLimit|ArrayTaskThrottle|MinMemoryNode)=' >> "../train-$HWF_ARRAY_INDEX.txt"
                """);
        Hwf.Result r = submit(wf);
        assertEquals(0, r.code(), r.all());
        String run = Hwf.runId(r);
        JsonNode status = hwf.status(run);
        assertEquals("pbs", status.get("scheduler").asText());
        Path runDir = work.resolve(run);
        assertEquals("hwf-" + run + "-prep-1|cpu", Files.readString(runDir.resolve("prep.txt")).strip());
        JsonNode train = Hwf.task(status, "train");
        assertEquals("SUCCEEDED", train.get("state").asText(), status.toString());
        String arrayJob = train.get("jobId").asText();
        Set<String> indices = new HashSet<>();
        for (int i = 0; i < 3; i++) {
            List<String> lines = Files.readAllLines(runDir.resolve("train-" + i + ".txt"));
            String[] f = lines.get(0).split("\\|");
            assertEquals("hwf-" + run + "-train-1", f[0], "job name");
            assertEquals("gpu", f[1], "element " + i + " ran outside the gpu queue");
            assertEquals(arrayJob, f[2], "element " + i + " is not part of the one array job");
            assertEquals(f[3], f[4], "HWF_ARRAY_INDEX differs from the scheduler's index");
            indices.add(f[4]);
            String detail = String.join(" ", lines);
            assertTrue(detail.contains("TimeLimit=00:05:00"), detail);
            assertTrue(detail.contains("ArrayTaskThrottle=2"), "arrayLimit not passed on: " + detail);
            assertTrue(detail.contains("MinMemoryNode=200M"), "memory not passed on: " + detail);
        }
        assertEquals(Set.of("0", "1", "2"), indices);
        try (Stream<Path> files = Files.list(taskDir(run, "train"))) {
            assertTrue(files.anyMatch(p -> p.getFileName().toString().startsWith("job.1.sh.o" + arrayJob)),
                    "qsub did not run in the task directory");
        }
        assertTrue(Files.readString(taskDir(run, "train").resolve("job.1.sh")).contains("#PBS -t 0-2%2\n"));
    }
}
