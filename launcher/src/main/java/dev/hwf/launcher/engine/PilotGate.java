package dev.hwf.launcher.engine;

import dev.hwf.launcher.workflow.Pilot;
import dev.hwf.launcher.workflow.Task;

/**
 * Pilot jobs go once some packed task has work that may start (its upstream tasks SUCCEEDED):
 * a pilot that waited for a simulation to end would idle its allocation away. Packed elements
 * themselves are no jobs: the site's job limit and a scheduler's refusals do not hold them back.
 */
final class PilotGate implements SubmitGate {
    private final Pass pass;
    private final UpstreamGate upstream;

    PilotGate(Pass pass) {
        this.pass = pass;
        this.upstream = new UpstreamGate(pass);
    }

    @Override
    public Verdict check(Task task, int waiting) {
        if (!Pilot.TASK.equals(task.name()) || pass.wf().pilot() == null) {
            return Verdict.go();
        }
        for (Task t : pass.wf().tasks()) {
            if (t.pilot() && pass.snap().counts(t.name()).open() > 0 && upstream.check(t, 1).isGo()) {
                return Verdict.go();
            }
        }
        return Verdict.hold("waiting for packed work that may start");
    }
}
