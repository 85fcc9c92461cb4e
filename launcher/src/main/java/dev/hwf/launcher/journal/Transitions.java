package dev.hwf.launcher.journal;

import static dev.hwf.api.JobState.CANCELLED;
import static dev.hwf.api.JobState.FAILED;
import static dev.hwf.api.JobState.QUEUED;
import static dev.hwf.api.JobState.RUNNING;
import static dev.hwf.api.JobState.STAGING;
import static dev.hwf.api.JobState.SUCCEEDED;
import static dev.hwf.api.JobState.WAITING;

import dev.hwf.api.JobState;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

/**
 * Every state change the journal accepts, for elements and for tasks, declared here and nowhere
 * else. {@link Journal} refuses any other pair with an error that names it, so a new phase of the
 * engine cannot move work along a path nobody decided on.
 *
 * <p>An element's life: WAITING until claimed; QUEUED once claimed for an attempt (with or
 * without a job id yet); RUNNING once the scheduler or its log says so; then SUCCEEDED, FAILED or
 * CANCELLED. A failure with retries left, a claim that never reached the scheduler, goes back to
 * WAITING from a live state. The only ways out of a final state are {@code hwf resume} (FAILED or
 * CANCELLED back to WAITING) and a service started again for its dependants (SUCCEEDED back to
 * WAITING).
 */
public final class Transitions {
    private static final Map<JobState, Set<JobState>> ELEMENT = new EnumMap<>(JobState.class);
    private static final Map<JobState, Set<JobState>> TASK = new EnumMap<>(JobState.class);

    static {
        // WAITING -> WAITING: a new reason why it is held back
        ELEMENT.put(WAITING, EnumSet.of(WAITING, STAGING, QUEUED, CANCELLED, FAILED));
        // STAGING -> WAITING: staged (or to be tried again); FAILED: a copy that keeps failing
        ELEMENT.put(STAGING, EnumSet.of(WAITING, FAILED, CANCELLED));
        // QUEUED -> QUEUED: noticed missing from the queue, or waiting on another reason; RUNNING -> QUEUED: requeued by the scheduler
        ELEMENT.put(QUEUED, EnumSet.of(QUEUED, RUNNING, SUCCEEDED, FAILED, CANCELLED, WAITING));
        ELEMENT.put(RUNNING, EnumSet.of(RUNNING, QUEUED, SUCCEEDED, FAILED, CANCELLED, WAITING));
        ELEMENT.put(SUCCEEDED, EnumSet.of(WAITING));
        ELEMENT.put(FAILED, EnumSet.of(WAITING));
        ELEMENT.put(CANCELLED, EnumSet.of(WAITING));

        // A task's state is derived from its elements (StateRollup.task); one transaction can move
        // many elements, so a task may skip states, but a final task changes only by running
        // again: never straight to another final state.
        TASK.put(WAITING, EnumSet.of(STAGING, QUEUED, RUNNING, SUCCEEDED, FAILED, CANCELLED));
        TASK.put(STAGING, EnumSet.of(WAITING, QUEUED, RUNNING, SUCCEEDED, FAILED, CANCELLED));
        TASK.put(QUEUED, EnumSet.of(WAITING, RUNNING, SUCCEEDED, FAILED, CANCELLED));
        TASK.put(RUNNING, EnumSet.of(WAITING, QUEUED, SUCCEEDED, FAILED, CANCELLED));
        TASK.put(SUCCEEDED, EnumSet.of(WAITING, QUEUED, RUNNING));
        TASK.put(FAILED, EnumSet.of(WAITING, QUEUED, RUNNING));
        TASK.put(CANCELLED, EnumSet.of(WAITING, QUEUED, RUNNING));
    }

    private Transitions() {
    }

    /** Whether an element may go from {@code from} to {@code to}. */
    public static boolean elementMay(JobState from, JobState to) {
        return ELEMENT.get(from).contains(to);
    }

    /** Whether a task may go from {@code from} to {@code to} (a task that stays as it is always may). */
    public static boolean taskMay(JobState from, JobState to) {
        return from == to || TASK.get(from).contains(to);
    }

    /** The states an element leaves for WAITING when its run is resumed (besides services started again). */
    public static Set<JobState> resumable() {
        return EnumSet.of(FAILED, CANCELLED);
    }

    /** Throws when an element may not make the change; the message names the pair and the element. */
    static void checkElement(String runId, ElementRecord before, JobState to) {
        if (!elementMay(before.state(), to)) {
            throw new IllegalStateException("run " + runId + ", task " + before.task() + ", element "
                    + before.index() + ": " + before.state() + " -> " + to + " is not an element transition hwf "
                    + "makes (see Transitions)");
        }
    }

    /** Throws when a task may not make the change; the message names the pair and the task. */
    static void checkTask(String runId, String task, JobState from, JobState to) {
        if (!taskMay(from, to)) {
            throw new IllegalStateException("run " + runId + ", task " + task + ": " + from + " -> " + to
                    + " is not a task transition hwf makes (see Transitions)");
        }
    }
}
