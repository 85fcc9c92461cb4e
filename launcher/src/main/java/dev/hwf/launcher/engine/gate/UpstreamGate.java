package dev.hwf.launcher.engine.gate;

import dev.hwf.api.JobState;
import dev.hwf.launcher.engine.Pass;
import dev.hwf.launcher.engine.Services;
import dev.hwf.launcher.engine.depend.Dependencies;
import dev.hwf.launcher.workflow.Task;

/**
 * A task goes once every task it names in {@code after} has SUCCEEDED; a service is there to be
 * used once it is ready (its endpoint recorded, still running), not once it has ended. With the
 * scheduler's dependencies ({@link Dependencies}) it goes as soon as every upstream job exists, and
 * waits for them in the scheduler's queue.
 */
final class UpstreamGate implements SubmitGate {
    private final Pass pass;

    UpstreamGate(Pass pass) {
        this.pass = pass;
    }

    @Override
    public Verdict check(Task task, int waiting) {
        boolean early = Dependencies.upstream(pass, task) != null;
        for (String up : task.after()) {
            if (task.elementWise(up)) {
                continue; // element by element: ElementWise picks the elements whose partners SUCCEEDED
            }
            if (pass.wf().task(up).isService()) {
                if (Services.readyEndpoint(pass.snap(), up) == null) {
                    return Verdict.hold("waiting for service " + up + " to be ready");
                }
            } else if (!early && pass.snap().task(up).state() != JobState.SUCCEEDED) {
                return Verdict.hold("waiting for " + up);
            }
        }
        return Verdict.go();
    }
}
