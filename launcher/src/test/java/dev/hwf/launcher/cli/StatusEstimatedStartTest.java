package dev.hwf.launcher.cli;

import static dev.hwf.launcher.engine.support.FixtureRunner.fixture;
import static dev.hwf.launcher.engine.support.FixtureRunner.output;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hwf.launcher.engine.support.PassHarness;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code hwf status} of a job PBS Pro holds queued with a start estimate (output captured from
 * OpenPBS 23.06.06, {@code fixtures/pbspro/openpbs/estimated-start}): "est. start" in the table's
 * REASON and {@code estimatedStart} on the attempt in {@code --json}; once it runs the table no
 * longer speaks of it.
 */
class StatusEstimatedStartTest {
    @TempDir
    Path tmp;

    @Test
    void aQueuedPbsProJobShowsTheStartItsSchedulerEstimates() {
        try (PassHarness h = new PassHarness(tmp)) {
            queuedThenRunning(h);
        }
    }

    private static void queuedThenRunning(PassHarness h) {
        String run = h.start("name: est\nscheduler: pbs\ntasks:\n  - name: sim\n    array: 3\n    command: ./sim\n");
        h.runner.on("sh", output(0, "89[].pbsvm\n", ""));
        h.pass();
        h.runner.on("qstat", fixture("pbspro/openpbs/estimated-start"));
        h.passAfter(Duration.ofSeconds(10));

        LocalDateTime start = LocalDateTime.of(2026, 12, 5, 13, 31, 49);
        String table = StatusView.table(h.journal.openSnapshot(run), Terminal.PLAIN, h.journal.mostTries(run));
        String row = table.lines().filter(l -> l.startsWith("sim ")).findFirst().orElseThrow();
        assertTrue(row.contains("QUEUED") && row.contains("est. start 2026-12-05 13:31, "), table);

        Map<String, Object> task = task(h, run);
        Map<?, ?> attempt = (Map<?, ?>) ((List<?>) task.get("attempts")).get(0);
        assertEquals(start.atZone(ZoneId.systemDefault()).toInstant().toString(), attempt.get("estimatedStart"));

        // running now: the estimate stays on the attempt, the table no longer speaks of it
        h.runner.on("qstat", output(0, """
                {"timestamp":1796472200,"pbs_version":"23.06.06","pbs_server":"pbsvm","Jobs":{
                "89[].pbsvm":{"job_state":"B"},"89[0].pbsvm":{"job_state":"R"},
                "89[1].pbsvm":{"job_state":"R"},"89[2].pbsvm":{"job_state":"R"}}}
                """, ""));
        h.passAfter(Duration.ofSeconds(10));
        table = StatusView.table(h.journal.openSnapshot(run), Terminal.PLAIN, h.journal.mostTries(run));
        assertFalse(table.contains("est. start"), table);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> task(PassHarness h, String run) {
        List<Object> tasks = (List<Object>) StatusView.statusObject(h.journal.snapshot(run)).get("tasks");
        return (Map<String, Object>) tasks.get(0);
    }
}
