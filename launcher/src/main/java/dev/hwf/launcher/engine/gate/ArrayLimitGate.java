package dev.hwf.launcher.engine.gate;

import dev.hwf.launcher.engine.Pass;
import dev.hwf.launcher.workflow.Task;

/**
 * {@code arrayLimit}: an array's retry waits until its running job has ended. A retry is a new job
 * with its own limit: beside the job still running the other elements, the two would run more
 * than arrayLimit elements at once.
 */
final class ArrayLimitGate implements SubmitGate {
    private final Pass pass;

    ArrayLimitGate(Pass pass) {
        this.pass = pass;
    }

    @Override
    public Verdict check(Task task, int waiting) {
        if (task.arrayLimit() > 0 && pass.elements(task.name()).stream().anyMatch(e -> e.state().isLive())) {
            return Verdict.hold("arrayLimit " + task.arrayLimit() + ": waiting for the task's live job to end");
        }
        return Verdict.go();
    }
}
