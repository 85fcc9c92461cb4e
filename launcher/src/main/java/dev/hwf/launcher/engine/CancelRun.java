package dev.hwf.launcher.engine;

import dev.hwf.api.Command;
import dev.hwf.api.JobId;
import dev.hwf.api.JobState;
import dev.hwf.api.SchedulerOutputException;
import dev.hwf.launcher.ExitCodes;
import dev.hwf.launcher.HwfException;
import dev.hwf.launcher.exec.CommandResult;
import dev.hwf.launcher.journal.ElementRecord;
import dev.hwf.launcher.journal.Journal;
import dev.hwf.launcher.journal.Journal.Change;
import dev.hwf.launcher.journal.RunSnapshot;
import dev.hwf.launcher.journal.TaskRecord;
import dev.hwf.launcher.render.RunLayout;
import dev.hwf.launcher.site.Scheduler;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * {@code hwf cancel}: ONE cancel command for all the run's live jobs (jobs whose id was never
 * recorded are looked up by name first), then every element that has not ended is to be recorded
 * CANCELLED. If the scheduler cannot be reached nothing is to be recorded (exit 3), so cancelling
 * can simply be tried again.
 */
final class CancelRun {
    private CancelRun() {
    }

    /**
     * The changes that record the run cancelled, once its jobs are: its live elements (in
     * {@code snap}, an open snapshot) one by one, its WAITING ones in bulk.
     */
    static PhaseResult cancel(RunSnapshot snap, Scheduler scheduler, String reason, Instant now) {
        String runId = snap.run().id();
        Set<JobId> jobs = new LinkedHashSet<>();
        Set<String> unrecorded = new LinkedHashSet<>();
        for (ElementRecord e : snap.elements()) {
            if (Packed.isPacked(e.jobId())) {
                continue; // packed elements end with their pilots, which are jobs like any other
            }
            if (e.state().isLive() && e.jobId() != null) {
                jobs.add(new JobId(e.jobId()));
            } else if (e.state() == JobState.QUEUED) {
                unrecorded.add(RunLayout.jobName(runId, e.task(), e.attempt()));
            }
        }
        if (!unrecorded.isEmpty()) {
            CommandResult r = scheduler.runner().run(scheduler.adapter().findByNameCommand(unrecorded),
                    scheduler.commandTimeout());
            jobs.addAll(scheduler.adapter().parseFindByName(unrecorded, r.exitCode(), r.stdout(), r.stderr())
                    .values());
        }
        if (!jobs.isEmpty()) {
            Command cmd = scheduler.adapter().cancelCommand(jobs);
            CommandResult r = scheduler.runner().run(cmd, scheduler.commandTimeout());
            try {
                scheduler.adapter().checkCancel(r.exitCode(), r.stdout(), r.stderr());
            } catch (SchedulerOutputException e) {
                throw new HwfException(ExitCodes.UNREACHABLE, "'" + cmd.display() + "' failed (" + e.getMessage()
                        + "); nothing was recorded, try 'hwf cancel " + runId + "' again");
            }
        }
        List<Change> changes = new ArrayList<>();
        for (ElementRecord e : snap.elements()) {
            if (!e.state().isFinal()) {
                changes.add(new Change(e, e.with(JobState.CANCELLED, null, reason, now)));
            }
        }
        List<Journal.WaitingChange> waiting = new ArrayList<>();
        for (TaskRecord t : snap.tasks()) {
            if (snap.counts(t.name()).of(JobState.WAITING) > 0) {
                waiting.add(new Journal.WaitingChange(t.name(), 0, JobState.CANCELLED, reason));
            }
        }
        return PhaseResult.of(changes, waiting);
    }
}
