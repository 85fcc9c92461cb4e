package dev.hwf.launcher.engine.phase;

import dev.hwf.api.JobId;
import dev.hwf.api.JobState;
import dev.hwf.launcher.HwfException;
import dev.hwf.launcher.engine.Pass;
import dev.hwf.launcher.engine.PhaseResult;
import dev.hwf.launcher.engine.PilotBundles;
import dev.hwf.launcher.engine.SchedulerCalls;
import dev.hwf.launcher.engine.Services;
import dev.hwf.launcher.journal.Change;
import dev.hwf.launcher.journal.ElementRecord;
import dev.hwf.launcher.journal.TaskRecord;
import dev.hwf.launcher.journal.WaitingChange;
import dev.hwf.launcher.pilot.PilotQueue;
import dev.hwf.launcher.workflow.Task;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Phase 3: keeps services and their dependants in step, with ONE cancel command for all it stops.
 * A service whose dependants have all ended is stopped (SUCCEEDED once running, CANCELLED when it
 * never started); the dependants of a service that ended on its own while they had not end FAILED
 * with reason {@code service NAME ended}, their running jobs cancelled. A service in a pilot's slot
 * is stopped by its agent, asked through the pilots' directory. Nothing is asked for when the
 * scheduler (or the pilots' directory) could not be asked: the next pass tries again.
 */
public final class TendServices {
    private static final Logger LOG = LoggerFactory.getLogger(TendServices.class);

    private TendServices() {
    }

    public static PhaseResult run(Pass pass) {
        if (pass.wf().tasks().stream().noneMatch(Task::isService)) {
            return PhaseResult.NONE;
        }
        Instant now = pass.now();
        List<Change> changes = new ArrayList<>();
        List<WaitingChange> waiting = new ArrayList<>();
        Map<JobId, ElementRecord> toCancel = new LinkedHashMap<>(); // each job with an element it carries (its site)
        List<ElementRecord> inSlotsToStop = new ArrayList<>();
        for (Task s : pass.wf().tasks()) {
            if (!s.isService()) {
                continue;
            }
            if (Services.dependantsEnded(pass.snap(), pass.wf(), s.name())) {
                if (pass.waitingCount(s.name()) > 0) {
                    waiting.add(new WaitingChange(s.name(), 0, JobState.CANCELLED, Services.NOT_NEEDED));
                }
                for (ElementRecord e : pass.elements(s.name())) {
                    if (e.jobId() != null) {
                        if (PilotBundles.isBundle(e.jobId())) {
                            inSlotsToStop.add(e); // in a pilot's slot: its agent stops it
                        } else {
                            toCancel.putIfAbsent(new JobId(e.jobId()), e);
                        }
                        changes.add(new Change(e, e.state() == JobState.RUNNING
                                ? e.with(JobState.SUCCEEDED, null, Services.STOPPED, now)
                                : e.with(JobState.CANCELLED, null, Services.NOT_NEEDED, now)));
                    }
                }
                continue;
            }
            TaskRecord row = pass.snap().task(s.name()); // a service is one element: its task row is that element
            boolean ended = row.state().isFinal() && row.attempt() > 0;
            if (!ended) {
                continue;
            }
            String reason = "service " + s.name() + " ended";
            for (Task d : Services.dependants(pass.wf(), s.name())) {
                if (pass.waitingCount(d.name()) > 0) {
                    waiting.add(new WaitingChange(d.name(), 0, JobState.FAILED, reason));
                }
                for (ElementRecord e : pass.elements(d.name())) {
                    if (e.jobId() != null) {
                        // a packed element is no job to cancel: what it does no longer counts
                        if (!PilotBundles.isBundle(e.jobId())) {
                            toCancel.putIfAbsent(new JobId(e.jobId()), e);
                        }
                        changes.add(new Change(e, e.with(JobState.FAILED, null, reason, now)));
                    }
                }
            }
        }
        if ((changes.isEmpty() && waiting.isEmpty()) || !SchedulerCalls.cancel(pass, toCancel)
                || !askAgentsToStop(pass, inSlotsToStop)) {
            return PhaseResult.NONE;
        }
        return PhaseResult.of(changes, waiting);
    }

    /**
     * Writes a stop request for each packed service element; false when the pilots' directory
     * cannot be written now.
     */
    private static boolean askAgentsToStop(Pass pass, List<ElementRecord> inSlots) {
        if (inSlots.isEmpty()) {
            return true;
        }
        try {
            PilotQueue pilots = PilotBundles.queue(pass);
            for (ElementRecord e : inSlots) {
                pilots.cancel(e.attempt(), e.index());
            }
            return true;
        } catch (HwfException e) {
            LOG.warn("run {}: cannot ask the pilots to stop a service now ({}); will try again", pass.runId(),
                    e.getMessage());
            return false;
        }
    }
}
