package dev.hwf.launcher.engine;

import dev.hwf.api.JobState;
import dev.hwf.launcher.workflow.Task;

/**
 * A task goes once every task it names in {@code after} has SUCCEEDED; a service is there to be
 * used once it is ready (its endpoint recorded, still running), not once it has ended.
 */
final class UpstreamGate implements SubmitGate {
    private final Pass pass;

    UpstreamGate(Pass pass) {
        this.pass = pass;
    }

    @Override
    public Verdict check(Task task, int waiting) {
        for (String up : task.after()) {
            if (pass.wf().task(up).isService()) {
                if (Services.readyEndpoint(pass.snap(), up) == null) {
                    return Verdict.hold("waiting for service " + up + " to be ready");
                }
            } else if (pass.snap().task(up).state() != JobState.SUCCEEDED) {
                return Verdict.hold("waiting for " + up);
            }
        }
        return Verdict.go();
    }
}
