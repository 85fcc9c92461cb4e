package dev.hwf.launcher.engine.phase;

import dev.hwf.api.JobState;
import dev.hwf.launcher.engine.Pass;
import dev.hwf.launcher.engine.PhaseResult;
import dev.hwf.launcher.engine.depend.ElementWise;
import dev.hwf.launcher.journal.WaitingChange;
import dev.hwf.launcher.workflow.Task;
import java.util.ArrayList;
import java.util.List;

/**
 * Phase 4: work that can no longer run. The WAITING elements of a task whose upstream task ended
 * FAILED or CANCELLED end CANCELLED, naming that upstream; nothing is left waiting on something
 * that will not come. The sequencer repeats the phase until it finds nothing, so a cancellation
 * runs down a chain of dependants in one pass.
 */
public final class CancelBlocked {
    private CancelBlocked() {
    }

    public static PhaseResult run(Pass pass) {
        List<WaitingChange> changes = new ArrayList<>();
        for (Task t : pass.wf().tasks()) {
            if (pass.waitingCount(t.name()) == 0) {
                continue;
            }
            for (String up : t.after()) {
                if (t.elementWise(up)) {
                    continue; // only the partners of failed elements: ElementWise.blocked
                }
                JobState s = pass.snap().task(up).state();
                if (s == JobState.FAILED || s == JobState.CANCELLED) {
                    changes.add(new WaitingChange(t.name(), 0, JobState.CANCELLED, "upstream " + up + " " + s));
                    break;
                }
            }
        }
        return PhaseResult.of(ElementWise.blocked(pass), changes);
    }
}
