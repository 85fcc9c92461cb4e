package dev.hwf.launcher.engine;

import dev.hwf.api.JobState;
import dev.hwf.launcher.journal.ElementRecord;
import dev.hwf.launcher.journal.Journal.Change;
import dev.hwf.launcher.workflow.Task;
import java.util.ArrayList;
import java.util.List;

/**
 * Phase 4: work that can no longer run. The WAITING elements of a task whose upstream task ended
 * FAILED or CANCELLED end CANCELLED, naming that upstream; nothing is left waiting on something
 * that will not come. The sequencer repeats the phase until it finds nothing, so a cancellation
 * runs down a chain of dependants in one pass.
 */
final class CancelBlocked {
    private CancelBlocked() {
    }

    static PhaseResult run(Pass pass) {
        List<Change> changes = new ArrayList<>();
        for (Task t : pass.wf().tasks()) {
            String blocker = null;
            for (String up : t.after()) {
                JobState s = pass.snap().task(up).state();
                if (s == JobState.FAILED || s == JobState.CANCELLED) {
                    blocker = "upstream " + up + " " + s;
                    break;
                }
            }
            if (blocker == null) {
                continue;
            }
            for (ElementRecord e : pass.elements(t.name())) {
                if (e.state() == JobState.WAITING) {
                    changes.add(new Change(e, e.with(JobState.CANCELLED, null, blocker, pass.now())));
                }
            }
        }
        return PhaseResult.of(changes);
    }
}
