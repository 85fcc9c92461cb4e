package dev.hwf.launcher.journal;

import dev.hwf.api.JobState;
import java.time.Instant;
import java.util.List;

/**
 * How element states roll up: a task's state, reason, exit code and times from its elements'
 * ({@link #task}), and a run's state from its tasks' ({@link #run}). Pure functions; the journal
 * applies them after every write that moves elements.
 */
public final class StateRollup {
    private StateRollup() {
    }

    /** A task's state, reason, exit code and times, as derived from its elements. */
    public record TaskOutcome(JobState state, String reason, Integer exitCode, Instant startedAt, Instant endedAt) {
    }

    /**
     * What a task's state is derived from, over all its elements: counts, the earliest start and
     * latest end, and the elements a failure is blamed on. The journal computes it in SQL for a
     * task's elements (none of them read into memory); {@link #of} computes the same from a list.
     *
     * @param started     elements running, ended, or waiting for a retry after an earlier try
     * @param firstFailed the lowest-index FAILED element, or null
     * @param firstBad    the lowest-index CANCELLED element or WAITING one with a reason, or null
     * @param onlyReason  the reason of the task's element when it has exactly one
     * @param staging     elements whose inputs are being copied from another site
     */
    public record Tally(int total, int waiting, int ended, int succeeded, int failed, int started,
                        Instant firstStart, Instant lastEnd, Blame firstFailed, Blame firstBad, String onlyReason,
                        int staging) {

        public static Tally of(List<ElementRecord> elements) {
            int waiting = 0;
            int ended = 0;
            int succeeded = 0;
            int failed = 0;
            int started = 0;
            int staging = 0;
            Blame firstFailed = null;
            Blame firstBad = null;
            Instant first = null;
            Instant last = null;
            for (ElementRecord e : elements) {
                JobState s = e.state();
                waiting += s == JobState.WAITING ? 1 : 0;
                staging += s == JobState.STAGING ? 1 : 0;
                ended += s.isFinal() ? 1 : 0;
                succeeded += s == JobState.SUCCEEDED ? 1 : 0;
                failed += s == JobState.FAILED ? 1 : 0;
                started += s == JobState.RUNNING || s.isFinal() || (s == JobState.WAITING && e.tries() > 0) ? 1 : 0;
                if (s == JobState.FAILED && (firstFailed == null || e.index() < firstFailed.index())) {
                    firstFailed = Blame.of(e);
                }
                if ((s == JobState.CANCELLED || (s == JobState.WAITING && e.reason() != null))
                        && (firstBad == null || e.index() < firstBad.index())) {
                    firstBad = Blame.of(e);
                }
                if (e.startedAt() != null && (first == null || e.startedAt().isBefore(first))) {
                    first = e.startedAt();
                }
                if (e.endedAt() != null && (last == null || e.endedAt().isAfter(last))) {
                    last = e.endedAt();
                }
            }
            return new Tally(elements.size(), waiting, ended, succeeded, failed, started, first, last, firstFailed,
                    firstBad, elements.size() == 1 ? elements.get(0).reason() : null, staging);
        }
    }

    /** The element a task's reason and exit code come from. */
    public record Blame(int index, String reason, Integer exitCode) {
        static Blame of(ElementRecord e) {
            return new Blame(e.index(), e.reason(), e.exitCode());
        }
    }

    /** {@link #task(Tally, boolean)} over a list of the task's elements. */
    public static TaskOutcome task(List<ElementRecord> elements, boolean array) {
        return task(Tally.of(elements), array);
    }

    /**
     * <ul>
     *   <li>all elements WAITING: WAITING (a retry keeps the last failure as its reason);</li>
     *   <li>the others STAGING: STAGING (its inputs are copied from another site);</li>
     *   <li>all final: SUCCEEDED if all succeeded, else FAILED if any failed, else CANCELLED;</li>
     *   <li>otherwise RUNNING once any element runs or has ended, else QUEUED.</li>
     * </ul>
     * The exit code and reason are those of the first failed (or cancelled) element; for an array
     * the reason names the element.
     */
    public static TaskOutcome task(Tally t, boolean array) {
        boolean allWaiting = t.waiting() == t.total();
        boolean allFinal = t.ended() == t.total();
        boolean allSucceeded = t.succeeded() == t.total();
        JobState state;
        if (t.total() == 0 || allWaiting) {
            state = JobState.WAITING;
        } else if (t.staging() > 0 && t.waiting() + t.staging() == t.total()) {
            state = JobState.STAGING;
        } else if (allFinal) {
            state = allSucceeded ? JobState.SUCCEEDED : t.failed() > 0 ? JobState.FAILED : JobState.CANCELLED;
        } else {
            state = t.started() > 0 ? JobState.RUNNING : JobState.QUEUED;
        }
        Blame blame = t.firstFailed() != null ? t.firstFailed() : t.firstBad();
        String reason = null;
        Integer exitCode = null;
        if (blame != null && blame.reason() != null) {
            reason = array ? "element " + blame.index() + ": " + blame.reason() : blame.reason();
            exitCode = blame.exitCode();
        } else if (allSucceeded && t.total() > 0) {
            exitCode = 0;
            if (!array && t.total() == 1) {
                reason = t.onlyReason(); // e.g. a service stopped by hwf says so
            }
        }
        return new TaskOutcome(state, reason, exitCode, t.firstStart(), allFinal && !allWaiting ? t.lastEnd() : null);
    }

    /** RUNNING while any task is not final; then SUCCEEDED, FAILED (any failed) or CANCELLED. */
    public static RunState run(List<JobState> taskStates) {
        boolean allSucceeded = true;
        boolean anyFailed = false;
        for (JobState s : taskStates) {
            if (!s.isFinal()) {
                return RunState.RUNNING;
            }
            allSucceeded &= s == JobState.SUCCEEDED;
            anyFailed |= s == JobState.FAILED;
        }
        return allSucceeded ? RunState.SUCCEEDED : anyFailed ? RunState.FAILED : RunState.CANCELLED;
    }
}
