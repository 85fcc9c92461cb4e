package dev.hwf.launcher.engine.phase;

import dev.hwf.api.Command;
import dev.hwf.api.JobId;
import dev.hwf.api.JobState;
import dev.hwf.api.SchedulerOutputException;
import dev.hwf.launcher.ExitCodes;
import dev.hwf.launcher.HwfException;
import dev.hwf.launcher.engine.Pass;
import dev.hwf.launcher.engine.PhaseResult;
import dev.hwf.launcher.engine.PilotBundles;
import dev.hwf.launcher.exec.CommandResult;
import dev.hwf.launcher.journal.Change;
import dev.hwf.launcher.journal.ElementRecord;
import dev.hwf.launcher.journal.RunSnapshot;
import dev.hwf.launcher.journal.TaskRecord;
import dev.hwf.launcher.journal.WaitingChange;
import dev.hwf.launcher.render.RunLayout;
import dev.hwf.launcher.site.Scheduler;
import dev.hwf.launcher.workflow.NamedSite;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code hwf cancel}: ONE cancel command for all the run's live jobs (jobs whose id was never
 * recorded are looked up by name first), then every element that has not ended is to be recorded
 * CANCELLED. If the scheduler cannot be reached nothing is to be recorded (exit 3), so cancelling
 * can simply be tried again.
 */
public final class CancelRun {
    private CancelRun() {
    }

    /**
     * The changes that record the run cancelled, once its jobs are: its live elements (in
     * {@code snap}, an open snapshot) one by one, its WAITING ones in bulk.
     */
    public static PhaseResult cancel(Pass pass, String reason, Instant now) {
        RunSnapshot snap = pass.snap();
        String runId = snap.run().id();
        // by site: each site's jobs go in one cancel command to its scheduler
        Map<NamedSite, Set<JobId>> jobs = new LinkedHashMap<>();
        Map<NamedSite, Set<String>> unrecorded = new LinkedHashMap<>();
        for (ElementRecord e : snap.elements()) {
            if (PilotBundles.isBundle(e.jobId())) {
                continue; // packed elements end with their pilots, which are jobs like any other
            }
            if (e.state().isLive() && e.jobId() != null) {
                jobs.computeIfAbsent(pass.siteOf(e), k -> new LinkedHashSet<>()).add(new JobId(e.jobId()));
            } else if (e.state() == JobState.QUEUED) {
                unrecorded.computeIfAbsent(pass.siteOf(e), k -> new LinkedHashSet<>())
                        .add(RunLayout.jobName(runId, e.task(), e.attempt()));
            }
        }
        for (Map.Entry<NamedSite, Set<String>> u : unrecorded.entrySet()) {
            Scheduler scheduler = pass.scheduler(u.getKey());
            CommandResult r = scheduler.runner().run(scheduler.adapter().findByNameCommand(u.getValue()),
                    scheduler.commandTimeout());
            jobs.computeIfAbsent(u.getKey(), k -> new LinkedHashSet<>()).addAll(scheduler.adapter()
                    .parseFindByName(u.getValue(), r.exitCode(), r.stdout(), r.stderr()).values());
        }
        for (Map.Entry<NamedSite, Set<JobId>> j : jobs.entrySet()) {
            if (j.getValue().isEmpty()) {
                continue;
            }
            Scheduler scheduler = pass.scheduler(j.getKey());
            Command cmd = scheduler.adapter().cancelCommand(j.getValue());
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
        List<WaitingChange> waiting = new ArrayList<>();
        for (TaskRecord t : snap.tasks()) {
            if (snap.counts(t.name()).of(JobState.WAITING) + snap.counts(t.name()).of(JobState.STAGING) > 0) {
                waiting.add(new WaitingChange(t.name(), 0, JobState.CANCELLED, reason));
            }
        }
        return PhaseResult.of(changes, waiting);
    }
}
