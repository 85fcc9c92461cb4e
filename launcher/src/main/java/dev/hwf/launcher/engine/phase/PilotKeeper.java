package dev.hwf.launcher.engine.phase;

import dev.hwf.api.JobState;
import dev.hwf.launcher.HwfException;
import dev.hwf.launcher.engine.Pass;
import dev.hwf.launcher.engine.PhaseResult;
import dev.hwf.launcher.engine.PilotBundles;
import dev.hwf.launcher.exec.TaskDir;
import dev.hwf.launcher.journal.AttemptRecord;
import dev.hwf.launcher.journal.Change;
import dev.hwf.launcher.journal.ElementRecord;
import dev.hwf.launcher.journal.StateCounts;
import dev.hwf.launcher.journal.WaitingChange;
import dev.hwf.launcher.workflow.Pilot;
import dev.hwf.launcher.workflow.Task;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the pilot jobs at {@code pilot.jobs} while packed work is left: a pilot that ended (its
 * walltime, a node failure, its agents idle) is made WAITING again as its next attempt, and goes
 * out once {@link dev.hwf.launcher.engine.gate.PilotGate} lets it. Once no packed work is left,
 * the agents are told to stop (they finish what they hold and end) and pilots not yet submitted
 * are not needed. A pilot that failed {@value #FAILED_STARTS} times and never ran any work is not
 * replaced. When no pilot can start at all (every one refused by the scheduler, or failing so),
 * the packed work fails with the pilots' reason instead of waiting for ever.
 */
public final class PilotKeeper {
    private static final Logger LOG = LoggerFactory.getLogger(PilotKeeper.class);
    static final String NOT_NEEDED = "no packed work left";

    /** Tries after which a pilot that fails each time before its agent takes any work is not replaced. */
    static final int FAILED_STARTS = 3;

    private PilotKeeper() {
    }

    /**
     * The pilot elements some agent of which took work, in any attempt (from the agents the journal
     * has for bundles).
     */
    private static Set<Integer> pilotsThatRanWork(Pass pass) {
        Set<Integer> out = new HashSet<>();
        for (AttemptRecord a : pass.snap().attempts()) {
            int[] pilot = a.ranOn() == null ? null : PilotBundles.pilotOf(a.ranOn());
            if (pilot != null) {
                out.add(pilot[0]);
            }
        }
        return out;
    }

    public static PhaseResult run(Pass pass) {
        if (pass.wf().pilot() == null) {
            return PhaseResult.NONE;
        }
        List<Task> packed = pass.wf().tasks().stream().filter(Task::pilot).toList();
        boolean open = packed.stream().anyMatch(t -> pass.snap().counts(t.name()).open() > 0);
        StateCounts pilots = pass.snap().counts(Pilot.TASK);
        try {
            if (open) {
                PilotBundles.queue(pass).unstop(); // work again (a resumed run): agents must not leave it
            } else if (pilots.open() > 0) {
                PilotBundles.queue(pass).stop();
            }
        } catch (HwfException e) {
            LOG.warn("run {}: cannot write the pilots' stop file now ({}); will try again", pass.runId(),
                    e.getMessage());
        }
        if (!open) {
            if (pilots.of(JobState.WAITING) == 0) {
                return PhaseResult.NONE;
            }
            return PhaseResult.of(List.of(), List.of(new WaitingChange(Pilot.TASK, 0, JobState.CANCELLED,
                    NOT_NEEDED)));
        }
        int ended = pilots.of(JobState.SUCCEEDED) + pilots.of(JobState.FAILED) + pilots.of(JobState.CANCELLED);
        if (ended == 0) {
            return PhaseResult.NONE;
        }
        List<Change> changes = new ArrayList<>();
        List<ElementRecord> all = pass.all(Pilot.TASK);
        Set<Integer> worked = pilotsThatRanWork(pass);
        String lastReason = null;
        for (ElementRecord e : all) {
            if (!e.state().isFinal()) {
                continue;
            }
            if (e.state() == JobState.FAILED && e.tries() >= FAILED_STARTS && !worked.contains(e.index())) {
                // its job starts and fails before its agent takes any work (no java on the nodes,
                // a broken setup): another try would do the same
                lastReason = "pilot " + e.index() + " failed " + e.tries() + " times before running any element ("
                        + howItEnded(e) + "); see "
                        + TaskDir.Kind.ERR.in(pass.taskDir(Pilot.TASK), e.attempt(), e.index());
                continue;
            }
            if (e.startedAt() != null || e.state() == JobState.SUCCEEDED) {
                changes.add(new Change(e, e.retry("replaced: the pilot ended ("
                        + howItEnded(e) + ")")));
            } else {
                lastReason = e.reason();
            }
        }
        boolean anyAlive = all.stream().anyMatch(e -> !e.state().isFinal());
        if (changes.isEmpty() && !anyAlive) {
            // no pilot runs, none will: the packed work cannot run either
            String why = "no pilot could start" + (lastReason == null ? "" : ": " + lastReason);
            List<WaitingChange> failed = new ArrayList<>();
            for (Task t : packed) {
                if (pass.waitingCount(t.name()) > 0) {
                    failed.add(new WaitingChange(t.name(), 0, JobState.FAILED, why));
                }
                for (ElementRecord e : pass.elements(t.name())) {
                    changes.add(new Change(e, e.with(JobState.FAILED, null, why, pass.now())));
                }
            }
            return PhaseResult.of(changes, failed);
        }
        return PhaseResult.of(changes);
    }

    /** A pilot element's end in a few words: its reason, else its exit code. */
    private static String howItEnded(ElementRecord e) {
        return e.reason() == null ? "exit " + e.exitCode() : e.reason();
    }
}
