package dev.hwf.launcher.engine.depend;

import dev.hwf.api.JobState;
import dev.hwf.launcher.engine.Pass;
import dev.hwf.launcher.journal.Change;
import dev.hwf.launcher.journal.ElementRecord;
import dev.hwf.launcher.journal.StateCounts;
import dev.hwf.launcher.workflow.Task;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Element-wise pipelines ({@code afterEach}, SPEC section 6): element i of a task goes once element i
 * of every task it names in {@code afterEach} has SUCCEEDED, whatever its other elements do; an
 * element that fails for good, or is cancelled, cancels only its partner element (and, down the
 * chain, what waits for that one). hwf releases the elements itself, each pass: the upstream's
 * elements are read where the task has WAITING elements and, for cancelling, only where the
 * upstream has failed or cancelled ones. Where the scheduler pairs array elements itself
 * ({@link ElementWiseDependencies}) the elements whose partners are live in its queue go too, and a queued one
 * whose partner fails is taken back there.
 */
public final class ElementWise {
    private ElementWise() {
    }

    /**
     * The task's WAITING elements whose partners have all SUCCEEDED, in index order, at most {@code max};
     * with {@code early} (the task's {@link ElementWiseDependencies#groups}), those whose partners can be waited for
     * in the scheduler's queue as well.
     */
    public static List<ElementRecord> ready(Pass pass, Task t, int max,
                                            Map<Integer, ElementWiseDependencies.Group> early) {
        BitSet ok = null;
        if (early != null) {
            ok = new BitSet();
            early.keySet().forEach(ok::set);
        }
        for (String up : early != null ? List.<String>of() : t.afterEach()) {
            BitSet done = indices(pass, up, JobState.SUCCEEDED);
            if (ok == null) {
                ok = done;
            } else {
                ok.and(done);
            }
        }
        if (ok.isEmpty()) {
            return List.of();
        }
        List<ElementRecord> out = new ArrayList<>();
        for (ElementRecord e : pass.firstWaiting(t.name(), pass.waitingCount(t.name()))) {
            if (out.size() >= max) {
                break;
            }
            if (ok.get(e.index())) {
                out.add(e);
            }
        }
        return out;
    }

    /**
     * The WAITING elements whose partner in an {@code afterEach} task failed for good or was
     * cancelled, CANCELLED with a reason that names the partner ({@code upstream sim[3] FAILED}).
     */
    public static List<Change> blocked(Pass pass) {
        List<Change> out = new ArrayList<>();
        for (Task t : pass.wf().tasks()) {
            if (t.afterEach().isEmpty() || pass.waitingCount(t.name()) == 0) {
                continue;
            }
            Map<Integer, String> why = new HashMap<>();
            for (String up : t.afterEach()) {
                StateCounts c = pass.snap().counts(up);
                if (c.of(JobState.FAILED) + c.of(JobState.CANCELLED) == 0) {
                    continue;
                }
                for (ElementRecord e : pass.all(up)) {
                    if (e.state() == JobState.FAILED || e.state() == JobState.CANCELLED) {
                        why.putIfAbsent(e.index(), "upstream " + up + "[" + e.index() + "] " + e.state());
                    }
                }
            }
            if (why.isEmpty()) {
                continue;
            }
            for (ElementRecord e : pass.firstWaiting(t.name(), pass.waitingCount(t.name()))) {
                String reason = why.get(e.index());
                if (reason != null) {
                    out.add(new Change(e, e.with(JobState.CANCELLED, null, reason, pass.now())));
                }
            }
        }
        return out;
    }

    private static BitSet indices(Pass pass, String task, JobState state) {
        BitSet b = new BitSet();
        for (ElementRecord e : pass.all(task)) {
            if (e.state() == state) {
                b.set(e.index());
            }
        }
        return b;
    }
}
