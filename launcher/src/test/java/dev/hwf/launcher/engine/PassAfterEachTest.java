package dev.hwf.launcher.engine;

import static dev.hwf.launcher.engine.support.FixtureRunner.output;
import static dev.hwf.launcher.engine.support.PassHarness.element;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.hwf.api.JobState;
import dev.hwf.launcher.journal.RunSnapshot;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * An element-wise pipeline on Slurm, pass by pass: element i of fit goes once element i of sim has
 * SUCCEEDED, not once all of sim has; a failed sim element cancels only its partner in fit, and the
 * partner's partner in report; the others run on.
 */
class PassAfterEachTest extends PassTestCase {
    @Test
    void elementIGoesOnceElementISucceededAndAFailureCancelsOnlyItsPartners() {
        h.start("""
                name: each
                scheduler: slurm
                tasks:
                  - { name: sim, array: 3, command: ./sim }
                  - { name: fit, array: 3, afterEach: [sim], command: ./fit }
                  - { name: report, array: 3, afterEach: [fit], command: ./report }
                """);
        h.runner.on("sbatch", output(0, "7001\n", ""));
        h.pass();
        assertEquals(1, h.runner.sent("sbatch").size(), "only sim: fit waits element by element");

        // sim[0] succeeded, sim[1] failed; sim[2] still runs
        h.files.exitFile(h.dir("sim"), 1, 0, 0);
        h.files.exitFile(h.dir("sim"), 1, 1, 3);
        h.runner.on("squeue", output(0, "7001_2|RUNNING|None\n", ""));
        h.runner.on("sbatch", output(0, "7002\n", ""));
        RunSnapshot s = h.passAfter(Duration.ofSeconds(5));
        List<String> fit = h.runner.sent("sbatch").get(1);
        assertEquals(h.sbatch("fit", 1), fit);
        assertEquals("#SBATCH --array=0", h.files.jobScript(h.dir("fit"), 1).lines()
                .filter(l -> l.startsWith("#SBATCH --array")).findFirst().orElseThrow());
        assertEquals(List.of("upstream sim[1] FAILED"), h.reasons("fit", 1, "CANCELLED"));
        assertEquals(List.of("upstream fit[1] CANCELLED"), h.reasons("report", 1, "CANCELLED"));
        assertEquals(List.of(), h.reasons("fit", 2, "CANCELLED"));
        assertEquals(JobState.RUNNING, element(s, "sim", 2).state());

        // sim[2] and fit[0] succeed: fit[2] and report[0] go
        h.files.exitFile(h.dir("sim"), 1, 2, 0);
        h.files.exitFile(h.dir("fit"), 1, 0, 0);
        h.runner.on("squeue", output(0, "", ""));
        h.runner.on("sbatch", output(0, "7003\n", "")).then(output(0, "7004\n", ""));
        s = h.passAfter(Duration.ofSeconds(5));
        assertEquals(4, h.runner.sent("sbatch").size());
        assertEquals(JobState.QUEUED, element(s, "fit", 2).state());
        assertEquals(JobState.QUEUED, element(s, "report", 0).state());
    }
}
