package dev.hwf.pbs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.hwf.api.JobId;
import dev.hwf.api.JobState;
import dev.hwf.api.JobStatus;
import dev.hwf.api.SchedulerOutputException;
import dev.hwf.testing.Fixture;
import java.time.LocalDateTime;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * PBS Pro's {@code estimated.start_time} on queued jobs, read from {@code qstat -f -F json} as
 * captured from OpenPBS 23.06.06 ({@code fixtures/pbspro/openpbs/estimated-start*}), and from
 * handmade output with the estimate missing, empty or broken.
 */
class PbsEstimatesTest {
    private final PbsAdapter pro = new PbsAdapter("pbspro");

    /** Each status the fixture's output gives, as "ID[INDEX] STATE est START". */
    private List<String> read(String fixture) {
        Fixture f = Fixture.load("pbspro", fixture);
        return pro.parseStatus(f.exitCode(), f.stdout(), f.stderr()).stream()
                .map(s -> s.jobId().value() + (s.arrayIndex() == null ? "" : "[" + s.arrayIndex() + "]") + " "
                        + s.state() + (s.estimatedStart() == null ? "" : " est " + s.estimatedStart()))
                .toList();
    }

    @Test
    void queuedJobsCarryTheStartTheSchedulerEstimates() {
        // 86 fills the node for an hour; 87 (2 cores) waits for it, 88 and the array 89[] (1 core each)
        // for 87; 90 asks for more cores than the node has and gets no estimate ("Can Never Run")
        assertEquals(List.of("86 RUNNING",
                        "87 QUEUED est 2026-12-05T13:01:49",
                        "88 QUEUED est 2026-12-05T13:31:49",
                        "89[] QUEUED est 2026-12-05T13:31:49",
                        "89[][0] QUEUED est 2026-12-05T13:31:49",
                        "89[][1] QUEUED est 2026-12-05T13:31:49",
                        "89[][2] QUEUED est 2026-12-05T13:31:49",
                        "90 QUEUED"),
                read("openpbs/estimated-start"));
    }

    @Test
    void aSingleJobsOwnQstatSaysTheSame() {
        assertEquals(List.of("87 QUEUED est 2026-12-05T13:01:49"),
                read("openpbs/estimated-start-one"));
    }

    @Test
    void withTheSchedulersDefaultsThereIsNoEstimate() {
        // strict_ordering false (PBS's default): the scheduler plans no start for a job it cannot run now
        assertEquals(List.of("91 QUEUED"),
                read("openpbs/estimated-start-default-sched"));
    }

    @Test
    void anEstimateThatCannotBeReadIsNoEstimateButTheJobStillCounts() {
        assertEquals(List.of("87 QUEUED", "88 QUEUED", "92 QUEUED", "93 QUEUED"),
                read("estimated-start-unreadable"));
    }

    @Test
    void outputCutInTheMiddleOfAnEstimateIsNoAnswer() {
        assertThrows(SchedulerOutputException.class, () -> read("estimated-start-truncated"));
    }

    @Test
    void emptyOutputKnowsNoJobAndNoEstimate() {
        assertEquals(List.of(), pro.parseStatus(0, "", ""));
        assertEquals(List.of(), read("qstat-no-jobs"));
    }

    @Test
    void onlyAQueuedArrayElementTakesItsArraysEstimate() {
        JobStatus array = new JobStatus(new JobId("7[]"), null, JobState.QUEUED, null, "Q",
                LocalDateTime.of(2026, 12, 5, 13, 0));
        JobStatus running = new JobStatus(new JobId("7[]"), 0, JobState.RUNNING, null, "R");
        JobStatus queued = new JobStatus(new JobId("7[]"), 1, JobState.QUEUED, null, "Q");
        JobStatus other = new JobStatus(new JobId("8"), null, JobState.QUEUED, null, "Q");
        List<JobStatus> out = PbsEstimates.spreadToElements(List.of(array, running, queued, other));
        assertNull(out.get(1).estimatedStart());
        assertEquals(array.estimatedStart(), out.get(2).estimatedStart());
        assertNull(out.get(3).estimatedStart());
    }

    @Test
    void torqueSaysNothingOfAStart() {
        Fixture f = Fixture.load("torque", "qstat-f-mixed");
        List<JobStatus> torque = new PbsAdapter("torque").parseStatus(f.exitCode(), f.stdout(), f.stderr());
        assertEquals(List.of(), torque.stream().filter(s -> s.estimatedStart() != null).toList());
    }
}
