package dev.hwf.launcher.engine.gate;

import dev.hwf.api.JobState;
import dev.hwf.launcher.engine.Pass;
import dev.hwf.launcher.journal.StateCounts;
import dev.hwf.launcher.workflow.Pilot;
import dev.hwf.launcher.workflow.Task;

/**
 * Pilot jobs go once some packed task has work that may start (its upstream tasks SUCCEEDED):
 * a pilot that waited for a simulation to end would idle its allocation away. Packed elements
 * themselves are no jobs: the site's job limit and a scheduler's refusals do not hold them back;
 * what does is the pilots' {@linkplain Pilot#window() window}: packed elements queued or running
 * at once, over all packed tasks.
 */
final class PilotGate implements SubmitGate {
    private final Pass pass;
    private final UpstreamGate upstream;

    /** Packed elements queued or running, counted once a pass and raised by what it releases. */
    private int live = -1;

    PilotGate(Pass pass) {
        this.pass = pass;
        this.upstream = new UpstreamGate(pass);
    }

    @Override
    public Verdict check(Task task, int waiting) {
        if (task.pilot() && pass.wf().pilot() != null) {
            int room = pass.wf().pilot().window() - live();
            return room <= 0 ? Verdict.hold(FULL) : new Verdict(Verdict.Kind.GO, FULL, room, false);
        }
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

    static final String FULL = "the pilots' queue is full; goes as queued elements end";

    @Override
    public void released(Task task, int elements) {
        if (task.pilot()) {
            live = live() + elements;
        }
    }

    private int live() {
        if (live < 0) {
            live = 0;
            for (Task t : pass.wf().tasks()) {
                if (t.pilot()) {
                    StateCounts c = pass.snap().counts(t.name());
                    live += c.of(JobState.QUEUED) + c.of(JobState.RUNNING);
                }
            }
        }
        return live;
    }
}
