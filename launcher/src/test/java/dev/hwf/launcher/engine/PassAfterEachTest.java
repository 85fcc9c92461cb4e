package dev.hwf.launcher.engine;

import static dev.hwf.launcher.engine.support.FixtureRunner.output;
import static dev.hwf.launcher.engine.support.PassHarness.element;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.hwf.api.JobState;
import dev.hwf.launcher.journal.RunSnapshot;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * An element-wise pipeline on Slurm, pass by pass. Released by hwf ({@code site.dependencies: hwf}):
 * element i of fit goes once element i of sim has SUCCEEDED, not once all of sim has; a failed sim
 * element cancels only its partner in fit, and the partner's partner in report; the others run on.
 * Handed to Slurm early (the default): fit goes in the pass that submitted sim, under
 * {@code aftercorr} on sim's job, one array job per group of partners' jobs at their offset; a
 * failed sim element takes back exactly its partners' job elements, a retried one has them follow
 * its new job, and hwf killed between the cancel and its record loses nothing.
 */
class PassAfterEachTest extends PassTestCase {
    @Test
    void elementIGoesOnceElementISucceededAndAFailureCancelsOnlyItsPartners() {
        h.start("""
                name: each
                scheduler: slurm
                site: {dependencies: hwf}
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

    private static final String SIM = "7001";
    private static final String FIT = "7002";
    private static final String REPORT = "7003";

    private static final String EARLY = """
            name: corr
            scheduler: slurm
            tasks:
              - { name: sim, array: 3, retries: %d, command: ./sim }
              - { name: fit, array: 3, afterEach: [sim], command: ./fit }
              - { name: report, array: 3, afterEach: [fit], command: ./report }
            """;

    private String arrayLine(String task, int attempt) {
        return h.files.jobScript(h.dir(task), attempt).lines().filter(l -> l.startsWith("#SBATCH --array"))
                .findFirst().orElseThrow();
    }

    /** Pass 1: sim, fit under aftercorr on sim, report under aftercorr on fit, all in one pass. */
    private void submitPipeline(int retries) {
        h.start(EARLY.formatted(retries));
        h.runner.on("sbatch", output(0, SIM + "\n", "")).then(output(0, FIT + "\n", ""))
                .then(output(0, REPORT + "\n", ""));
        RunSnapshot s = h.pass();
        assertEquals(List.of(h.sbatch("sim", 1), h.sbatch("fit", 1, "aftercorr:" + SIM),
                h.sbatch("report", 1, "aftercorr:" + FIT)), h.runner.sent());
        assertEquals(List.of(SIM, FIT, REPORT), List.of(s.task("sim").jobId(), s.task("fit").jobId(),
                s.task("report").jobId()));
    }

    /** sim[1] wrote exit 3; Slurm lists it FAILED, its partners pending; a scancel is answered. */
    private void simElementFailed() {
        h.files.exitFile(h.dir("sim"), 1, 1, 3);
        h.runner.on("squeue", output(0, SIM + "_0|RUNNING|None\n" + SIM + "_1|FAILED|NonZeroExitCode\n" + SIM
                + "_2|RUNNING|None\n" + FIT + "_0|PENDING|Dependency\n" + FIT + "_1|PENDING|DependencyNeverSatisfied\n"
                + FIT + "_2|PENDING|Dependency\n" + REPORT + "_0|PENDING|Dependency\n" + REPORT
                + "_1|PENDING|Dependency\n" + REPORT + "_2|PENDING|Dependency\n", ""));
        h.runner.on("scancel", output(0, "", ""));
    }

    @Test
    void handedToSlurmEarlyEachElementWaitsForItsPartnerUnderAftercorrAndAllRunOnce() {
        submitPipeline(0);
        assertEquals(arrayLine("sim", 1), arrayLine("fit", 1), "the same scheduler indices pair up");
        for (String t : List.of("sim", "fit", "report")) {
            for (int i = 0; i < 3; i++) {
                h.files.exitFile(h.dir(t), 1, i, 0);
            }
        }
        h.runner.on("squeue", output(0, "", ""));
        RunSnapshot s = h.passAfter(Duration.ofSeconds(5));
        assertEquals("SUCCEEDED", s.run().state());
        assertEquals(3, h.runner.sent("sbatch").size(), "each task submitted once");
    }

    @Test
    void aFailedElementTakesBackExactlyItsPartnersJobElementsInOneCancel() {
        submitPipeline(0);
        simElementFailed();
        RunSnapshot s = h.passAfter(Duration.ofSeconds(5));
        assertEquals(List.of(List.of("scancel", FIT + "_1", REPORT + "_1")), h.runner.sent("scancel"));
        assertEquals(JobState.CANCELLED, element(s, "fit", 1).state());
        assertEquals("upstream sim[1] FAILED", element(s, "fit", 1).reason());
        assertEquals("upstream fit[1] CANCELLED", element(s, "report", 1).reason());
        for (String t : List.of("fit", "report")) {
            assertEquals(JobState.QUEUED, element(s, t, 0).state());
            assertEquals(JobState.QUEUED, element(s, t, 2).state());
        }
        assertEquals(3, h.runner.sent("sbatch").size(), "nothing submitted again");
    }

    @Test
    void aRetriedElementHasItsPartnersFollowItsNewJobAlone() {
        submitPipeline(1);
        simElementFailed();
        h.runner.on("sbatch", output(0, "7004\n", "")).then(output(0, "7005\n", "")).then(output(0, "7006\n", ""));
        RunSnapshot s = h.passAfter(Duration.ofSeconds(5));
        List<List<String>> sent = h.runner.sent();
        assertEquals(List.of("scancel", FIT + "_1", REPORT + "_1"), sent.get(4));
        assertEquals(List.of(h.sbatch("sim", 2), h.sbatch("fit", 2, "aftercorr:7004"), h.sbatch("report", 2,
                "aftercorr:7005")), sent.subList(5, 8));
        for (String t : List.of("sim", "fit", "report")) {
            assertEquals("#SBATCH --array=1", arrayLine(t, 2), t + " goes again with element 1 alone");
        }
        assertEquals(List.of("7004", "7005", "7006"), List.of(element(s, "sim", 1).jobId(),
                element(s, "fit", 1).jobId(), element(s, "report", 1).jobId()));
        assertEquals(1, element(s, "fit", 1).tries(), "taking an element back uses none of its retries");
        assertEquals(FIT, element(s, "fit", 0).jobId(), "its siblings stay where they are");
        assertEquals(List.of(), h.reasons("fit", 1, "CANCELLED"));
    }

    @Test
    void killedBetweenTheCancelAndItsRecordTheNextPassRecordsItAndRunsNothingTwice() {
        submitPipeline(0);
        simElementFailed();
        h.passKilledAt("after-cancel-dependants");
        assertEquals(JobState.QUEUED, element(h.snapshot(), "fit", 1).state(), "the cancel was not recorded");

        // the next hwf: Slurm says the elements were cancelled, which was hwf's own doing
        h.runner.on("squeue", output(0, SIM + "_0|RUNNING|None\n" + SIM + "_2|RUNNING|None\n" + FIT
                + "_0|PENDING|Dependency\n" + FIT + "_1|CANCELLED|None\n" + FIT + "_2|PENDING|Dependency\n"
                + REPORT + "_1|CANCELLED|None\n", ""));
        h.runner.on("scancel", output(0, "", ""));
        RunSnapshot s = h.passAfter(Duration.ofSeconds(5));
        assertEquals(List.of(List.of("scancel", FIT + "_1", REPORT + "_1"), List.of("scancel", FIT + "_1",
                REPORT + "_1")), h.runner.sent("scancel"));
        assertEquals(List.of("upstream sim[1] FAILED"), h.reasons("fit", 1, "CANCELLED"));
        assertEquals(List.of("upstream fit[1] CANCELLED"), h.reasons("report", 1, "CANCELLED"));
        assertEquals(JobState.QUEUED, element(s, "fit", 0).state());
        assertEquals(JobState.QUEUED, element(s, "report", 2).state());
    }

    /** Slurm's answer to the sbatch of one attempt: submits in one round run at once, in any order. */
    private void submitted(String task, int attempt, String jobId) {
        h.runner.on("sbatch", h.dir(task) + "/job." + attempt + ".sh", output(0, jobId + "\n", ""));
    }

    private Set<List<String>> sbatchSent(int from) {
        List<List<String>> all = h.runner.sent("sbatch");
        return Set.copyOf(all.subList(from, all.size()));
    }

    @Test
    void elementsGoInOneArrayJobPerGroupOfPartnersJobsAndThoseWhosePartnersSucceededWithout() {
        h.start("""
                name: groups
                scheduler: slurm
                tasks:
                  - { name: prep, command: ./prep }
                  - { name: sim, array: 4, retries: 1, command: ./sim }
                  - { name: fit, array: 4, after: [prep], afterEach: [sim], command: ./fit }
                """);
        submitted("prep", 1, "7001");
        submitted("sim", 1, "7002");
        h.pass();
        assertEquals(Set.of(h.sbatch("prep", 1), h.sbatch("sim", 1)), sbatchSent(0),
                "fit waits for prep in hwf: no afterok beside aftercorr");

        // sim[1] failed and goes again in a job of its own; sim[3] succeeded
        h.files.exitFile(h.dir("sim"), 1, 1, 3);
        h.files.exitFile(h.dir("sim"), 1, 3, 0);
        h.runner.on("squeue", output(0, "7001|RUNNING|None\n7002_0|RUNNING|None\n7002_1|FAILED|NonZeroExitCode\n"
                + "7002_2|RUNNING|None\n7002_3|COMPLETED|None\n", ""));
        submitted("sim", 2, "7003");
        h.passAfter(Duration.ofSeconds(5));
        assertEquals(Set.of(h.sbatch("sim", 2)), sbatchSent(2));

        // prep succeeded: fit goes, one job per group of partners' jobs
        h.files.exitFile(h.dir("prep"), 1, 0, 0);
        h.runner.on("squeue", output(0, "7001|COMPLETED|None\n7002_0|RUNNING|None\n7002_2|RUNNING|None\n"
                + "7003_1|PENDING|Priority\n", ""));
        submitted("fit", 1, "7004");
        submitted("fit", 2, "7005");
        submitted("fit", 3, "7006");
        RunSnapshot s = h.passAfter(Duration.ofSeconds(5));
        assertEquals(Set.of(h.sbatch("fit", 1), h.sbatch("fit", 2, "aftercorr:7002"),
                h.sbatch("fit", 3, "aftercorr:7003")), sbatchSent(3));
        assertEquals(List.of("#SBATCH --array=3", "#SBATCH --array=0,2", "#SBATCH --array=1"),
                List.of(arrayLine("fit", 1), arrayLine("fit", 2), arrayLine("fit", 3)));
        assertEquals(List.of("7005", "7006", "7005", "7004"), List.of(element(s, "fit", 0).jobId(),
                element(s, "fit", 1).jobId(), element(s, "fit", 2).jobId(), element(s, "fit", 3).jobId()));
    }

    @Test
    void anElementGoesAtItsPartnersChunkOffsetSoTheSchedulerIndicesPairUp() {
        h.startWithLimits(EARLY.formatted(0).replace("array: 3", "array: 4"), 2, null, null);
        int job = 7001;
        for (String t : List.of("sim", "fit", "report")) {
            submitted(t, 1, String.valueOf(job++));
            submitted(t, 2, String.valueOf(job++));
        }
        RunSnapshot s = h.pass();
        assertEquals(Set.of(h.sbatch("sim", 1), h.sbatch("sim", 2), h.sbatch("fit", 1, "aftercorr:7001"),
                h.sbatch("fit", 2, "aftercorr:7002"), h.sbatch("report", 1, "aftercorr:7003"),
                h.sbatch("report", 2, "aftercorr:7004")), sbatchSent(0));
        for (String t : List.of("sim", "fit", "report")) {
            assertEquals(List.of("#SBATCH --array=0-1", "#SBATCH --array=0-1"), List.of(arrayLine(t, 1),
                    arrayLine(t, 2)), t);
        }
        assertEquals("7004", element(s, "fit", 3).jobId());
    }

    @Test
    void elementsPastTheArraySizeLimitWhosePartnersSucceededGoAsUsualAtTheirOwnOffset() {
        // found on the realistic cluster (MaxArraySize 101): fit[101..] stayed WAITING for good
        h.startWithLimits("""
                name: late
                scheduler: slurm
                tasks:
                  - { name: prep, command: ./prep }
                  - { name: sim, array: 4, command: ./sim }
                  - { name: fit, array: 4, after: [prep], afterEach: [sim], command: ./fit }
                """, 2, null, null);
        submitted("prep", 1, "7001");
        submitted("sim", 1, "7002");
        submitted("sim", 2, "7003");
        h.pass();
        for (int i = 0; i < 4; i++) {
            h.files.exitFile(h.dir("sim"), i < 2 ? 1 : 2, i, 0);
        }
        h.runner.on("squeue", output(0, "7001|RUNNING|None\n", ""));
        RunSnapshot s = h.passAfter(Duration.ofSeconds(5));
        assertEquals(4, s.counts("sim").of(JobState.SUCCEEDED));

        // prep succeeded: every partner has, so fit goes without a dependency, chunked by the limit
        h.files.exitFile(h.dir("prep"), 1, 0, 0);
        h.runner.on("squeue", output(0, "", ""));
        submitted("fit", 1, "7004");
        submitted("fit", 2, "7005");
        s = h.passAfter(Duration.ofSeconds(5));
        assertEquals(Set.of(h.sbatch("fit", 1), h.sbatch("fit", 2)), sbatchSent(3));
        assertEquals(List.of("#SBATCH --array=0-1", "#SBATCH --array=0-1"), List.of(arrayLine("fit", 1),
                arrayLine("fit", 2)));
        assertEquals(List.of("7004", "7004", "7005", "7005"), List.of(element(s, "fit", 0).jobId(),
                element(s, "fit", 1).jobId(), element(s, "fit", 2).jobId(), element(s, "fit", 3).jobId()));
    }

    @Test
    void anElementWithTwoPartnersWaitsForBothInOneAftercorr() {
        h.start("""
                name: two
                scheduler: slurm
                tasks:
                  - { name: sim, array: 2, command: ./sim }
                  - { name: aux, array: 2, command: ./aux }
                  - { name: fit, array: 2, afterEach: [sim, aux], command: ./fit }
                """);
        submitted("sim", 1, "7001");
        submitted("aux", 1, "7002");
        submitted("fit", 1, "7003");
        h.pass();
        assertEquals(Set.of(h.sbatch("sim", 1), h.sbatch("aux", 1), h.sbatch("fit", 1, "aftercorr:7001:7002")),
                sbatchSent(0));

        // aux[1] failed: fit[1] is taken back for good, naming it
        h.files.exitFile(h.dir("aux"), 1, 1, 3);
        h.runner.on("squeue", output(0, "7001_0|RUNNING|None\n7001_1|RUNNING|None\n7002_0|RUNNING|None\n"
                + "7002_1|FAILED|NonZeroExitCode\n7003_0|PENDING|Dependency\n7003_1|PENDING|Dependency\n", ""));
        h.runner.on("scancel", output(0, "", ""));
        RunSnapshot s = h.passAfter(Duration.ofSeconds(5));
        assertEquals(List.of(List.of("scancel", "7003_1")), h.runner.sent("scancel"));
        assertEquals("upstream aux[1] FAILED", element(s, "fit", 1).reason());
        assertEquals(JobState.QUEUED, element(s, "fit", 0).state());
    }
}
