package dev.hwf.launcher.engine;

import dev.hwf.api.JobState;
import dev.hwf.api.JobStatus;
import dev.hwf.launcher.journal.ElementRecord;
import dev.hwf.launcher.workflow.Task;
import java.time.Instant;

/**
 * How an element's end reads to a user, and whether it runs again. Side-effect free: every
 * decision is a function of the element as read, its task and what the scheduler or the exit
 * code file said.
 *
 * <p>Rules: exit code 0 (the element's own exit code file) is SUCCEEDED, whatever the scheduler
 * says; nothing else is: a scheduler's success without that file is lost. Anything else FAILED (a
 * non-zero exit, a scheduler's FAILED/TIMEOUT/OUT_OF_MEMORY/NODE_FAIL, LOST) goes back to WAITING
 * while the element has tries left ({@code tries <= retries}), keeping its reason with
 * "; retry N of M" added; CANCELLED never runs again on its own.
 */
public final class RetryPolicy {
    /** The reason of a job that vanished from the scheduler without an exit code file or accounting record. */
    static final String LOST = "LOST";

    /**
     * The reason of an element whose job the scheduler says ended with exit 0 while its job script
     * left no exit code file: its command never ran, or ran without hwf's script around it.
     */
    static final String NO_EXIT_FILE = "LOST: the scheduler says its job ended with exit 0, but it left no exit code"
            + " file (its command did not run)";

    private RetryPolicy() {
    }

    /** The element's outcome from its exit code file. */
    public static ElementRecord outcome(ElementRecord e, Task task, int code, JobStatus st, Instant now) {
        return outcome(e, task, code, null, st, now);
    }

    /**
     * The same, where the job said why it failed before its command ran (a reason file: a module
     * that could not be loaded, setup that failed); null = it did not.
     */
    public static ElementRecord outcome(ElementRecord e, Task task, int code, String reason, JobStatus st,
                                        Instant now) {
        return code == 0 ? e.with(JobState.SUCCEEDED, 0, null, now)
                : retryOrEnd(e.with(JobState.FAILED, code, reason != null ? reason : failureReason(code, st), now),
                        e, task);
    }

    /**
     * The element's outcome from a final state the scheduler (its queue or its accounting) reported,
     * for an element without an exit code file. Never SUCCEEDED: the scheduler's "ended, exit 0"
     * without the file the element's own job script writes is a job that ran nothing hwf knows of
     * (a job script that ended before its command), so it is lost, with the scheduler's word in
     * the reason.
     */
    public static ElementRecord ended(ElementRecord e, Task task, JobStatus st, Instant now) {
        JobState s = st.state();
        if (s == JobState.SUCCEEDED) {
            return retryOrEnd(e.with(JobState.FAILED, null, NO_EXIT_FILE, now), e, task);
        }
        return retryOrEnd(e.with(s, null, st.reason(), now), e, task);
    }

    /**
     * Whether a scheduler's final state, for an element with no exit code file, waits for the file
     * (as a job gone from the queue waits, up to {@code lostAfter}) rather than ending the element:
     * an end the scheduler calls a success; any other end is a failure whatever the file says later.
     */
    public static boolean endsWithoutFile(JobStatus st) {
        return st.state() == JobState.SUCCEEDED;
    }

    /** A job gone from the scheduler with no trace of how it ended. */
    public static ElementRecord lost(ElementRecord e, Task task, Instant now) {
        return retryOrEnd(e.with(JobState.FAILED, null, LOST, now), e, task);
    }

    /** A claimed attempt the scheduler never got: submitted again, which is not a retry. */
    public static ElementRecord neverSubmitted(ElementRecord e, String jobName) {
        return e.notSubmitted("job " + jobName + " never reached the scheduler; submitting it again");
    }

    /** A failure with retries left goes back to WAITING, keeping its reason. */
    public static ElementRecord retryOrEnd(ElementRecord ended, ElementRecord before, Task task) {
        if (ended.state() == JobState.FAILED && before.tries() <= task.retries()) {
            return ended.retry(ended.reason() + "; retry " + before.tries() + " of " + task.retries());
        }
        return ended;
    }

    /** Whether an exit code is a shell's for a command killed by a signal (128 + N). */
    public static boolean killedBySignal(int code) {
        return code > 128 && code < 128 + 65;
    }

    /** The reason a user reads for a non-zero exit code. */
    static String failureReason(int code, JobStatus st) {
        if (st != null && st.state() != JobState.SUCCEEDED && st.state().isFinal() && st.reason() != null
                && !"FAILED".equals(st.reason())) {
            return st.reason(); // TIMEOUT, OUT_OF_MEMORY, ... say more than the exit code
        }
        if (killedBySignal(code)) {
            return "signal " + (code - 128);
        }
        return "exit " + code;
    }
}
