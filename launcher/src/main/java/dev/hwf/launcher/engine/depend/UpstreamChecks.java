package dev.hwf.launcher.engine.depend;

import dev.hwf.api.JobState;
import dev.hwf.api.JobStatus;
import dev.hwf.launcher.engine.Pass;
import dev.hwf.launcher.engine.RetryPolicy;
import dev.hwf.launcher.journal.AttemptRecord;
import dev.hwf.launcher.journal.ElementRecord;
import dev.hwf.launcher.render.JobScripts;
import dev.hwf.launcher.render.UpstreamCheck;
import dev.hwf.launcher.workflow.Task;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The upstream check of a dependant's job script ({@link UpstreamCheck}), from the journal: the
 * attempt each upstream element was last part of, whose exit code file must say 0. And what hwf
 * makes of an element that ended without running because the check failed.
 */
public final class UpstreamChecks {
    private static final Pattern NOT_RUN = Pattern.compile(Pattern.quote(UpstreamCheck.NOT_RUN)
            + "([A-Za-z0-9_.-]+)(?:\\[(\\d+)])? not SUCCEEDED");

    private UpstreamChecks() {
    }

    /** What a task's job checks before its command, with the upstream attempts the journal holds now. */
    public static UpstreamCheck of(Pass pass, Task t) {
        List<String> upstream = JobScripts.checkedUpstream(pass.wf(), t);
        if (upstream.isEmpty()) {
            return UpstreamCheck.NONE;
        }
        Map<String, int[]> last = new HashMap<>();
        for (String up : upstream) {
            last.put(up, new int[pass.wf().task(up).elementCount()]);
        }
        for (AttemptRecord a : pass.snap().attempts()) {
            int[] at = last.get(a.task());
            if (at == null) {
                continue;
            }
            BitSet carried = a.indexSet();
            for (int i = carried.nextSetBit(0); i >= 0 && i < at.length; i = carried.nextSetBit(i + 1)) {
                at[i] = Math.max(at[i], a.attempt());
            }
        }
        return UpstreamCheck.of(pass.wf(), t, pass::taskDir, last::get);
    }

    /** Whether a reason file says the element ended before its command for its upstream. */
    static boolean isNotRun(String reason) {
        return reason != null && reason.startsWith(UpstreamCheck.NOT_RUN);
    }

    /**
     * An element's outcome from its exit code file and reason file (null: none): {@link #notRun}
     * where the reason says its upstream check failed, else {@link RetryPolicy#outcome}.
     */
    public static ElementRecord outcome(Pass pass, ElementRecord e, Task task, int code, String reason,
                                 JobStatus st) {
        return isNotRun(reason) ? notRun(pass, e, task, code, reason)
                : RetryPolicy.outcome(e, task, code, reason, st, pass.now());
    }

    /**
     * An element whose job found an upstream element it waits for not SUCCEEDED, and ran nothing.
     * Never SUCCEEDED: while the journal does not hold that upstream element SUCCEEDED either (it
     * failed, runs again, or has not ended: the scheduler released the job too early), the element
     * goes back to WAITING with its try given back, and the usual rules hold it for its upstream or
     * cancel it. If the journal holds the upstream element SUCCEEDED, its exit code file is missing
     * or says otherwise: that counts as a failure, retried like any other, so it cannot go round for
     * ever.
     */
    static ElementRecord notRun(Pass pass, ElementRecord e, Task task, int code, String reason) {
        Matcher m = NOT_RUN.matcher(reason);
        if (m.lookingAt() && !upstreamSucceeded(pass, m.group(1), m.group(2) == null ? 0
                : Integer.parseInt(m.group(2)))) {
            return e.notSubmitted(reason);
        }
        return RetryPolicy.retryOrEnd(e.with(JobState.FAILED, code, reason
                + " (hwf recorded it SUCCEEDED, but its exit code file is missing or not 0)", pass.now()), e, task);
    }

    private static boolean upstreamSucceeded(Pass pass, String task, int index) {
        if (!pass.wf().has(task)) {
            return false;
        }
        if (pass.snap().task(task).state() == JobState.SUCCEEDED) {
            return true;
        }
        for (ElementRecord u : pass.all(task)) {
            if (u.index() == index) {
                return u.state() == JobState.SUCCEEDED;
            }
        }
        return false;
    }
}
