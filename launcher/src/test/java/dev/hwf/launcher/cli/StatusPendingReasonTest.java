package dev.hwf.launcher.cli;

import static dev.hwf.launcher.engine.support.FixtureRunner.fixture;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hwf.launcher.engine.support.PassHarness;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code hwf status} of a held Slurm array (output captured from Slurm 22.05,
 * {@code fixtures/slurm/squeue-pending-reasons}, array 55952 held with {@code sbatch --hold}): the
 * table's REASON says why its elements wait and that it cannot clear by itself; {@code --json} has
 * {@code pendingReason} on the task and on each queued element; once they run, neither speaks of it.
 */
class StatusPendingReasonTest {
    @TempDir
    Path tmp;

    @Test
    void aHeldArraySaysWhyItWaits() {
        try (PassHarness h = new PassHarness(tmp)) {
            String run = h.start("name: hold\nscheduler: slurm\ntasks:\n  - name: sim\n    array: 3\n"
                    + "    command: ./sim\n");
            h.runner.on("sbatch", fixture("slurm/sbatch-parsable-array").withJobId("39", "55952"));
            h.pass();
            h.runner.on("squeue", fixture("slurm/squeue-pending-reasons"));
            h.passAfter(Duration.ofSeconds(10));

            String table = StatusView.table(h.journal.openSnapshot(run), Terminal.PLAIN, h.journal.mostTries(run));
            String row = table.lines().filter(l -> l.startsWith("sim ")).findFirst().orElseThrow();
            assertTrue(row.contains("QUEUED") && row.contains("3 queued: JobHeldUser, cannot clear by itself"), table);

            Map<String, Object> task = task(h, run);
            Map<String, Object> why = Map.of("text", "JobHeldUser", "clearsByItself", false, "block", "HELD");
            assertEquals(why, task.get("pendingReason"));
            for (Object el : (List<?>) task.get("elements")) {
                assertEquals(why, ((Map<?, ?>) el).get("pendingReason"));
            }

            h.runner.on("squeue", fixture("slurm/squeue-qos-held-array").withJobId("51", "55952"));
            h.passAfter(Duration.ofSeconds(10)); // elements 0-2 run now
            table = StatusView.table(h.journal.openSnapshot(run), Terminal.PLAIN, h.journal.mostTries(run));
            assertFalse(table.contains("queued:"), table);
            assertFalse(task(h, run).containsKey("pendingReason"));
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> task(PassHarness h, String run) {
        List<Object> tasks = (List<Object>) StatusView.statusObject(h.journal.snapshot(run)).get("tasks");
        return (Map<String, Object>) tasks.get(0);
    }
}
