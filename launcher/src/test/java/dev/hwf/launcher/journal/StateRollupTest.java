package dev.hwf.launcher.journal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.hwf.api.JobState;
import dev.hwf.launcher.journal.StateRollup.TaskOutcome;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The rules that turn element states into the task and run states a user reads in `hwf status`. */
class StateRollupTest {
    private static final Instant T = Instant.parse("2030-01-01T00:00:00Z");

    private static ElementRecord el(int index, JobState state, int tries, Integer code, String reason) {
        boolean ended = state.isFinal();
        boolean started = ended || state == JobState.RUNNING;
        return new ElementRecord("t", index, state, tries, tries, null, code, reason, null,
                started ? T.plusSeconds(index) : null, ended ? T.plusSeconds(10 + index) : null);
    }

    @Test
    void aNewTaskIsWaiting() {
        TaskOutcome o = StateRollup.task(List.of(el(0, JobState.WAITING, 0, null, null)), false);
        assertEquals(new TaskOutcome(JobState.WAITING, null, null, null, null), o);
    }

    @Test
    void queuedUntilAnElementRunsOrEnds() {
        assertEquals(JobState.QUEUED, StateRollup.task(List.of(el(0, JobState.QUEUED, 1, null, null),
                el(1, JobState.QUEUED, 1, null, null)), true).state());
        assertEquals(JobState.RUNNING, StateRollup.task(List.of(el(0, JobState.QUEUED, 1, null, null),
                el(1, JobState.RUNNING, 1, null, null)), true).state());
        assertEquals(JobState.RUNNING, StateRollup.task(List.of(el(0, JobState.QUEUED, 1, null, null),
                el(1, JobState.SUCCEEDED, 1, 0, null)), true).state());
    }

    @Test
    void allSucceededGivesExitCodeZeroAndTheOuterTimes() {
        TaskOutcome o = StateRollup.task(List.of(el(0, JobState.SUCCEEDED, 1, 0, null),
                el(1, JobState.SUCCEEDED, 1, 0, null)), true);
        assertEquals(new TaskOutcome(JobState.SUCCEEDED, null, 0, T, T.plusSeconds(11)), o);
    }

    @Test
    void aFailedElementFailsTheTaskAndIsNamed() {
        TaskOutcome o = StateRollup.task(List.of(el(0, JobState.SUCCEEDED, 1, 0, null),
                el(1, JobState.CANCELLED, 1, null, "CANCELLED"), el(2, JobState.FAILED, 1, 3, "exit 3")), true);
        assertEquals(JobState.FAILED, o.state(), "failed wins over cancelled");
        assertEquals("element 2: exit 3", o.reason(), "the failed element is blamed, not the cancelled one");
        assertEquals(3, o.exitCode());
    }

    @Test
    void aPlainTasksReasonIsTheElementsOwn() {
        TaskOutcome o = StateRollup.task(List.of(el(0, JobState.FAILED, 1, 137, "signal 9")), false);
        assertEquals(new TaskOutcome(JobState.FAILED, "signal 9", 137, T, T.plusSeconds(10)), o);
    }

    @Test
    void cancelledWhenAllEndedAndNoneFailed() {
        TaskOutcome o = StateRollup.task(List.of(el(0, JobState.CANCELLED, 0, null, "upstream a FAILED"),
                el(1, JobState.CANCELLED, 0, null, "upstream a FAILED")), true);
        assertEquals(JobState.CANCELLED, o.state());
        assertEquals("element 0: upstream a FAILED", o.reason());
    }

    @Test
    void aRetryWaitsWithTheLastFailureAsReasonAndCountsAsStarted() {
        ElementRecord retry = el(1, JobState.FAILED, 1, 1, "exit 1").retry("exit 1; retry 1 of 2");
        TaskOutcome alone = StateRollup.task(List.of(retry), false);
        assertEquals(JobState.WAITING, alone.state());
        assertEquals("exit 1; retry 1 of 2", alone.reason());
        assertEquals(1, alone.exitCode());
        assertNull(alone.endedAt());

        TaskOutcome withOthers = StateRollup.task(List.of(el(0, JobState.SUCCEEDED, 1, 0, null), retry), true);
        assertEquals(JobState.RUNNING, withOthers.state(), "part done, part to run again");
        assertEquals("element 1: exit 1; retry 1 of 2", withOthers.reason());
        assertNull(withOthers.endedAt(), "not ended while an element waits for its retry");
    }

    @Test
    void runStates() {
        assertEquals(RunState.RUNNING, StateRollup.run(List.of(JobState.SUCCEEDED, JobState.WAITING)));
        assertEquals(RunState.RUNNING, StateRollup.run(List.of(JobState.FAILED, JobState.QUEUED)),
                "a failure does not end the run while other tasks still run");
        assertEquals(RunState.SUCCEEDED, StateRollup.run(List.of(JobState.SUCCEEDED, JobState.SUCCEEDED)));
        assertEquals(RunState.FAILED, StateRollup.run(List.of(JobState.FAILED, JobState.CANCELLED, JobState.SUCCEEDED)));
        assertEquals(RunState.CANCELLED, StateRollup.run(List.of(JobState.CANCELLED, JobState.SUCCEEDED)));
    }
}
