package dev.hwf.launcher.engine;

import static dev.hwf.launcher.engine.support.FixtureRunner.fixture;
import static dev.hwf.launcher.engine.support.FixtureRunner.output;
import static dev.hwf.launcher.engine.support.PassHarness.COMMAND_TIMEOUT;
import static dev.hwf.launcher.engine.support.PassHarness.LOST_AFTER;
import static dev.hwf.launcher.engine.support.PassHarness.SUBMIT_GRACE;
import static dev.hwf.launcher.engine.support.PassHarness.element;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.hwf.api.JobState;
import dev.hwf.launcher.journal.AttemptRecord;
import dev.hwf.launcher.journal.RunSnapshot;
import dev.hwf.launcher.sched.SchedulerRegistry;
import dev.hwf.launcher.site.Scheduler;
import dev.hwf.launcher.site.Sites;
import dev.hwf.launcher.workflow.Site;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * PBS Pro estimates only jobs already queued ({@code estimated.start_time}, on output captured from
 * OpenPBS 23.06.06: {@code fixtures/pbspro/openpbs/estimated-start}). hwf keeps what the status call
 * says on the attempt, and {@code place: soonest} counts a PBS Pro site by the latest start estimated
 * for the task's own jobs still queued there: the backlog its next job joins.
 */
class PassPbsEstimateTest extends PassTestCase {
    /** The moment the fixture was captured, in this machine's zone (the scheduler prints local time). */
    private static final Instant CAPTURED = LocalDateTime.of(2026, 12, 5, 12, 2, 20)
            .atZone(ZoneId.systemDefault()).toInstant();
    /** The start the server estimated for the array 89[] (its elements carry none of their own). */
    private static final Instant ARRAY_START = LocalDateTime.of(2026, 12, 5, 13, 31, 49)
            .atZone(ZoneId.systemDefault()).toInstant();

    private static final String WORKFLOW = """
            name: backlog
            sites:
              pbs: { scheduler: pbs, workdir: %1$s, maxJobs: 100, maxArraySize: 100 }
              lsf: { scheduler: lsf, workdir: %1$s, maxJobs: 100, maxArraySize: 100 }
            tasks:
              - name: sim
                array: 3
                retries: 1
                site: [pbs, lsf]
                place: soonest
                command: ./sim
            """.formatted(dev.hwf.launcher.engine.support.PassHarness.WORKDIR);

    private Scheduler scheduler(String name) {
        return new Scheduler(SchedulerRegistry.adapter(name, Site.local()), h.runner, h.files, LOST_AFTER,
                COMMAND_TIMEOUT, SUBMIT_GRACE);
    }

    @Test
    void theEstimateOfTheTasksQueuedJobsIsKeptAndPlacesItsNextOne() {
        h.start(WORKFLOW);
        h.use(new RunEngine(h.journal, Sites.of(Map.of("pbs", scheduler("pbs"), "lsf", scheduler("lsf"))), h.clock,
                CrashHook.NONE));
        h.clock.advance(Duration.between(h.clock.instant(), CAPTURED).minusSeconds(10));

        // nothing known of either site: the order given
        h.runner.on("sh", output(0, "89[].pbsvm\n", ""));
        RunSnapshot s = h.pass();
        AttemptRecord first = s.attempt("sim", 1).orElseThrow();
        assertEquals("pbs", first.site());
        assertEquals("placed on pbs: no estimate vs no estimate on lsf", first.placed());
        assertNull(first.estimatedStart());

        // the server plans 89[] behind the jobs ahead of it; element 0 fails at once and is retried
        h.files.exitFile(h.dir("sim"), 1, 0, 3);
        h.runner.on("qstat", fixture("pbspro/openpbs/estimated-start"));
        h.runner.on("sh", output(0, "92[].pbsvm\n", ""));
        s = h.passAfter(Duration.ofSeconds(10));
        assertEquals(ARRAY_START, s.attempt("sim", 1).orElseThrow().estimatedStart(),
                "the array's estimate, kept on the attempt its queued elements belong to");
        assertEquals(JobState.QUEUED, element(s, "sim", 1).state());
        AttemptRecord retry = s.attempt("sim", 2).orElseThrow();
        assertEquals("pbs", retry.site());
        assertEquals("placed on pbs: est. start 89 min vs no estimate on lsf", retry.placed(),
                "PBS Pro gives no estimate before submission: the backlog of the task's queued jobs there");
        assertEquals(ARRAY_START, retry.estimatedStart());
    }
}
