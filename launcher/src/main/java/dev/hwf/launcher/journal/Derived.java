package dev.hwf.launcher.journal;

import dev.hwf.api.JobState;
import java.time.Instant;
import java.util.List;

/** How a task's state follows from its elements, and a run's from its tasks. Pure functions. */
public final class Derived {
    private Derived() {
    }

    /** A task's state, reason, exit code and times, as derived from its elements. */
    public record TaskOutcome(JobState state, String reason, Integer exitCode, Instant startedAt, Instant endedAt) {
    }

    /**
     * <ul>
     *   <li>all elements WAITING: WAITING (a retry keeps the last failure as its reason);</li>
     *   <li>all final: SUCCEEDED if all succeeded, else FAILED if any failed, else CANCELLED;</li>
     *   <li>otherwise RUNNING once any element runs or has ended, else QUEUED.</li>
     * </ul>
     * The exit code and reason are those of the first failed (or cancelled) element; for an array
     * the reason names the element.
     */
    public static TaskOutcome task(List<ElementRecord> elements, boolean array) {
        boolean allWaiting = true;
        boolean allFinal = true;
        boolean allSucceeded = true;
        boolean anyFailed = false;
        boolean anyStarted = false;
        ElementRecord firstBad = null;
        ElementRecord firstFailed = null;
        Instant started = null;
        Instant ended = null;
        for (ElementRecord e : elements) {
            JobState s = e.state();
            allWaiting &= s == JobState.WAITING;
            allFinal &= s.isFinal();
            allSucceeded &= s == JobState.SUCCEEDED;
            anyFailed |= s == JobState.FAILED;
            anyStarted |= s == JobState.RUNNING || s.isFinal() || (s == JobState.WAITING && e.tries() > 0);
            if (firstFailed == null && s == JobState.FAILED) {
                firstFailed = e;
            }
            if (firstBad == null && (s == JobState.CANCELLED || (s == JobState.WAITING && e.reason() != null))) {
                firstBad = e;
            }
            if (e.startedAt() != null && (started == null || e.startedAt().isBefore(started))) {
                started = e.startedAt();
            }
            if (e.endedAt() != null && (ended == null || e.endedAt().isAfter(ended))) {
                ended = e.endedAt();
            }
        }
        JobState state;
        if (elements.isEmpty() || allWaiting) {
            state = JobState.WAITING;
        } else if (allFinal) {
            state = allSucceeded ? JobState.SUCCEEDED : anyFailed ? JobState.FAILED : JobState.CANCELLED;
        } else {
            state = anyStarted ? JobState.RUNNING : JobState.QUEUED;
        }
        ElementRecord blame = firstFailed != null ? firstFailed : firstBad;
        String reason = null;
        Integer exitCode = null;
        if (blame != null && blame.reason() != null) {
            reason = array ? "element " + blame.index() + ": " + blame.reason() : blame.reason();
            exitCode = blame.exitCode();
        } else if (allSucceeded && !elements.isEmpty()) {
            exitCode = 0;
            if (!array && elements.size() == 1) {
                reason = elements.get(0).reason(); // e.g. a service stopped by hwf says so
            }
        }
        return new TaskOutcome(state, reason, exitCode, started, allFinal && !allWaiting ? ended : null);
    }

    /** RUNNING while any task is not final; then SUCCEEDED, FAILED (any failed) or CANCELLED. */
    public static String run(List<JobState> taskStates) {
        boolean allSucceeded = true;
        boolean anyFailed = false;
        for (JobState s : taskStates) {
            if (!s.isFinal()) {
                return "RUNNING";
            }
            allSucceeded &= s == JobState.SUCCEEDED;
            anyFailed |= s == JobState.FAILED;
        }
        return allSucceeded ? "SUCCEEDED" : anyFailed ? "FAILED" : "CANCELLED";
    }
}
