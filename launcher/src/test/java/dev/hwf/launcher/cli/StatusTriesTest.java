package dev.hwf.launcher.cli;

import static dev.hwf.launcher.engine.support.FixtureRunner.fixture;
import static dev.hwf.launcher.engine.support.FixtureRunner.output;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hwf.launcher.engine.support.PassHarness;
import dev.hwf.launcher.journal.RunSnapshot;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What {@code hwf status} says an element's tries are: how many times it ran, not how many times
 * hwf submitted its task. A submission refused for a limit and the chunks of an array larger than
 * the site's array size raise the attempt number (hwf's submissions, kept as {@code attempt}), never
 * the tries ({@code tries}, and the table's TRIES column).
 */
class StatusTriesTest {
    @TempDir
    Path tmp;

    private PassHarness h;

    @BeforeEach
    void open() {
        h = new PassHarness(tmp);
    }

    @AfterEach
    void close() {
        h.close();
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> task(RunSnapshot snap, String name) {
        for (Object t : (List<Object>) StatusView.statusObject(snap).get("tasks")) {
            if (name.equals(((Map<String, Object>) t).get("name"))) {
                return (Map<String, Object>) t;
            }
        }
        throw new AssertionError("no task " + name);
    }

    /** The TRIES cell of a task's row in the table. */
    private String triesCell(String runId, String name) {
        String table = StatusView.table(h.journal.openSnapshot(runId), Terminal.PLAIN, h.journal.mostTries(runId));
        List<String> lines = table.lines().toList();
        int header = lines.indexOf(lines.stream().filter(l -> l.startsWith("TASK")).findFirst().orElseThrow());
        assertTrue(lines.get(header).contains("TRIES"), lines.get(header));
        int col = lines.get(header).indexOf("TRIES");
        String row = lines.stream().filter(l -> l.startsWith(name + " ")).findFirst().orElseThrow();
        return row.substring(col).split("\\s+")[0];
    }

    @Test
    void aSubmissionRefusedForALimitIsNoTry() {
        String run = h.start("name: lim\nscheduler: slurm\ntasks:\n  - name: t\n    command: ./t\n");
        h.runner.on("sbatch", fixture("slurm/sbatch-qos-submit-limit"));
        h.pass();
        h.runner.on("sbatch", output(0, "7001\n", ""));
        h.passAfter(Duration.ofMinutes(10));
        h.files.exitFile(h.dir("t"), 2, 0, 0);
        h.runner.on("squeue", output(0, "", ""));
        h.passAfter(Duration.ofSeconds(10));
        Map<String, Object> t = task(h.journal.snapshot(run), "t");
        assertEquals("SUCCEEDED", t.get("state"));
        assertEquals(2, t.get("attempt"), "hwf submitted it twice");
        assertEquals(1, t.get("tries"), "it ran once");
        assertEquals("1", triesCell(run, "t"));
    }

    @Test
    void theChunksOfALargeArrayAndARetryOfOneElement() {
        String run = h.startWithLimits("name: big\nscheduler: slurm\ntasks:\n  - name: sim\n    array: 150\n"
                + "    retries: 1\n    command: ./sim\n", 101, null, null);
        h.runner.on("sbatch", output(0, "401\n", "")).then(output(0, "402\n", ""));
        h.pass();
        assertEquals("1", triesCell(run, "sim"), "two chunks: every element once");
        h.files.exitFile(h.dir("sim"), 2, 140, 1);
        h.runner.on("squeue", output(0, "401_[0-100]|PENDING|Priority\n402_[0-38]|PENDING|Priority\n", ""));
        h.runner.on("sbatch", output(0, "403\n", ""));
        h.passAfter(Duration.ofSeconds(10));
        for (int i = 0; i < 150; i++) {
            h.files.exitFile(h.dir("sim"), i == 140 ? 3 : 1 + i / 101, i, 0);
        }
        h.runner.on("squeue", output(0, "", ""));
        h.passAfter(Duration.ofSeconds(10));
        Map<String, Object> sim = task(h.journal.snapshot(run), "sim");
        assertEquals("SUCCEEDED", sim.get("state"));
        assertEquals(3, sim.get("attempt"), "three submissions: two chunks and a retry");
        assertEquals(2, sim.get("tries"), "element 140 ran twice; no element more");
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> elements = (List<Map<String, Object>>) sim.get("elements");
        assertEquals(2, elements.get(140).get("tries"));
        assertEquals(1, elements.get(139).get("tries"));
        assertEquals(1, elements.get(141).get("tries"));
        assertEquals("2", triesCell(run, "sim"));
    }
}
