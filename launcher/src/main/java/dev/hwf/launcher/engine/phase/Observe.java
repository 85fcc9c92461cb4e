package dev.hwf.launcher.engine.phase;

import dev.hwf.api.JobId;
import dev.hwf.api.JobState;
import dev.hwf.api.JobStatus;
import dev.hwf.api.PendingReason;
import dev.hwf.launcher.engine.Pass;
import dev.hwf.launcher.engine.PhaseResult;
import dev.hwf.launcher.engine.PilotBundles;
import dev.hwf.launcher.engine.RetryPolicy;
import dev.hwf.launcher.engine.SchedulerCalls;
import dev.hwf.launcher.engine.Services;
import dev.hwf.launcher.engine.depend.ElementWiseDependencies;
import dev.hwf.launcher.engine.depend.UpstreamChecks;
import dev.hwf.launcher.exec.SiteFiles.TaskDirScan;
import dev.hwf.launcher.journal.Change;
import dev.hwf.launcher.journal.ElementRecord;
import dev.hwf.launcher.journal.Estimated;
import dev.hwf.launcher.journal.Ready;
import dev.hwf.launcher.site.Scheduler;
import dev.hwf.launcher.workflow.NamedSite;
import dev.hwf.launcher.workflow.Task;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Phase 2: what became of the live jobs. ONE status call for all of them (per site), then the task
 * directories' files: an exit code file decides an element's end (it wins over the scheduler's
 * word), a ready file a service's endpoint, a log file whether an array element has started. An
 * element is SUCCEEDED only on its own exit code file saying 0: a scheduler's "ended, exit 0"
 * without that file (a job script that ended before its command, a file that was never written) is
 * treated as a job gone without a trace, and after {@code lostAfter} it is lost, never a success.
 * Elements the scheduler stops showing get {@code missingSince}; past the scheduler's
 * {@code lostAfter} they go to {@link AccountingLookup}. A queued element keeps why its job waits,
 * as the scheduler says it ({@code pending}), written when that changes.
 */
public final class Observe {
    private Observe() {
    }

    /**
     * What the phase saw.
     *
     * @param statusRead whether the scheduler answered the status call; null when there was no
     *                   live job to ask about
     */
    public record Observation(PhaseResult result, Boolean statusRead, Set<String> listed) {
        Observation(PhaseResult result, Boolean statusRead) {
            this(result, statusRead, Set.of());
        }
    }

    static Observation run(Pass pass) {
        return run(pass, true);
    }

    /**
     * @param askScheduler false for a pass that reads the files only: an element without an exit
     *                     code file, or killed by a signal (whose cause is the scheduler's to say),
     *                     waits for the next full pass
     */
    public static Observation run(Pass pass, boolean askScheduler) {
        List<ElementRecord> live = new ArrayList<>();
        List<ElementRecord> inBundles = new ArrayList<>();
        Set<JobId> jobs = new LinkedHashSet<>();
        for (ElementRecord e : pass.snap().elements()) {
            if (e.state().isLive() && PilotBundles.isBundle(e.jobId())) {
                inBundles.add(e); // no scheduler knows it: its files say what became of it
            } else if (e.state().isLive() && e.jobId() != null) {
                live.add(e);
                jobs.add(new JobId(e.jobId()));
            }
        }
        ObservePilotBundles.Seen bundlesSeen = ObservePilotBundles.run(pass, inBundles);
        List<Change> bundleChanges = bundlesSeen.changes();
        if (live.isEmpty()) {
            return new Observation(PhaseResult.of(bundleChanges).and(bundlesSeen.recorded()), null);
        }
        Instant now = pass.now();
        List<Change> changes = new ArrayList<>();
        List<Ready> ready = new ArrayList<>();
        List<ElementRecord> overdue = new ArrayList<>();
        List<AccountingLookup.Killed> killed = new ArrayList<>();
        List<Estimated> estimated = new ArrayList<>();
        // the queued dependants CancelDependants takes back, worked out once for this reading of the run
        // (asked only of a pass that read the scheduler: a pass that reads files only leaves them as they are)
        Set<String> takenBack = new HashSet<>();
        Set<String> elementsTakenBack = new HashSet<>();
        if (askScheduler) {
            takenBack.addAll(CancelDependants.staleDownTheChain(pass).keySet());
            ElementWiseDependencies.stale(pass)
                    .forEach(b -> elementsTakenBack.add(b.element().task() + "/" + b.element().index()));
        }
        // attempts withdrawn from their site (replaceAfter): Withdraw cancels and records them
        Set<String> withdrawn = Withdraw.withdrawn(pass);
        // one status call per site, for that site's live jobs; a site that does not answer leaves its
        // elements as they are, and the others go on
        Map<NamedSite, List<ElementRecord>> bySite = new LinkedHashMap<>();
        live.forEach(e -> bySite.computeIfAbsent(pass.siteOf(e), k -> new ArrayList<>()).add(e));
        Boolean allRead = askScheduler ? Boolean.TRUE : null;
        Set<String> listed = new HashSet<>();
        for (Map.Entry<NamedSite, List<ElementRecord>> site : bySite.entrySet()) {
            Scheduler scheduler = pass.scheduler(site.getKey());
            Set<JobId> siteJobs = new LinkedHashSet<>();
            site.getValue().forEach(e -> siteJobs.add(new JobId(e.jobId())));
            // Status first, files second: a job the scheduler no longer shows has written its file
            // before it ended, so the files read afterwards are complete.
            Map<String, JobStatus> statuses = askScheduler ? SchedulerCalls.readStatus(scheduler,
                    scheduler.adapter().statusCommand(siteJobs), false) : null;
            if (askScheduler && statuses == null) {
                allRead = false;
            }
            if (statuses != null) {
                statuses.values().forEach(st -> listed.add(st.jobId().value()));
                estimated.addAll(ObservedEstimates.of(pass, site.getValue(), statuses));
            }
            Map<String, TaskDirScan> scans = new HashMap<>();
            for (ElementRecord e : site.getValue()) {
                Task task = pass.wf().task(e.task());
                TaskDirScan scan = scans.computeIfAbsent(e.task(),
                        t -> SchedulerCalls.scanOrNull(scheduler, pass.taskDirOf(e)));
                if (scan == null) {
                    continue; // the task's files cannot be read now (remote site unreachable): unknown, keep waiting
                }
                String key = TaskDirScan.key(e.attempt(), e.index());
                Integer code = scan.exitCodes().get(key);
                if (withdrawn.contains(e.task() + "/" + e.attempt())
                        && (code == null || RetryPolicy.killedBySignal(code))) {
                    continue; // withdrawn, its job cancelled or about to be: Withdraw's; an exit code says it ran
                }
                if (task.isService()) {
                    String endpoint = scan.ready().get(key);
                    if (endpoint != null && pass.snap().attempt(e.task(), e.attempt()).map(a -> a.endpoint() == null)
                            .orElse(false)) {
                        ready.add(new Ready(e.task(), e.attempt(), endpoint));
                    }
                    if (endpoint != null && code == null && e.state() == JobState.QUEUED) {
                        changes.add(new Change(e, e.with(JobState.RUNNING, null, null, now)));
                        continue; // answering, so running, whatever the queue said a moment ago
                    }
                }
                JobStatus st = statuses == null ? null
                        : SchedulerCalls.lookup(statuses, e.jobId(), pass.schedulerIndex(e));
                ElementRecord after;
                if (code != null && RetryPolicy.killedBySignal(code) && !askScheduler) {
                    continue;
                } else if (code != null && RetryPolicy.killedBySignal(code) && (st == null || !st.state().isFinal())) {
                    // how it was killed (memory, time, node) is the scheduler's to say
                    killed.add(new AccountingLookup.Killed(e, code, st == null ? null : st.state()));
                    continue;
                } else if (code != null) {
                    after = UpstreamChecks.outcome(pass, e, task, code, scan.reasons().get(key), st);
                } else if (statuses == null || e.state() == JobState.QUEUED && (takenBack.contains(e.task())
                        || elementsTakenBack.contains(e.task() + "/" + e.index()))) {
                    // the scheduler could not be read: unknown, keep waiting; or a dependant whose
                    // dependency no longer holds, which CancelDependants takes back and records
                    continue;
                } else if (st != null && !RetryPolicy.endsWithoutFile(st)) {
                    JobState s = st.state();
                    if (s.isLive() && task.isArray() && st.arrayIndex() == null && s == JobState.RUNNING) {
                        // a job-level answer for an array: an element runs once its log exists
                        s = scan.started().contains(key) ? JobState.RUNNING : JobState.QUEUED;
                    }
                    // why a queued job waits (kept as the scheduler says it: stuck, status)
                    PendingReason why = s == JobState.QUEUED ? st.pending() : null;
                    if (s == e.state() && e.missingSince() == null && Objects.equals(why, e.pending())) {
                        continue;
                    }
                    // listed again: whatever gap there was is over, and lostAfter starts afresh at the next one
                    after = s.isFinal() ? RetryPolicy.ended(e, task, st, now)
                            : e.with(s, null, null, now).withMissingSince(null).withPending(why);
                } else if (e.missingSince() == null) {
                    // gone from the queue, or ended "successfully" in the scheduler's word with no exit code
                    // file to say so: only the element's own file makes a success; past lostAfter without
                    // one it is lost (AccountingLookup), with the scheduler's word in its reason
                    after = e.withMissingSince(now);
                } else if (Duration.between(e.missingSince(), now).compareTo(scheduler.lostAfter()) >= 0) {
                    if (st == null) {
                        overdue.add(e); // the accounting may still know how it ended
                        continue;
                    }
                    after = RetryPolicy.ended(e, task, st, now); // a success in the scheduler's word only: lost
                } else {
                    continue;
                }
                changes.add(new Change(e, after));
            }
        }
        changes.addAll(AccountingLookup.lostOrFound(pass, overdue));
        changes.addAll(AccountingLookup.howKilled(pass, killed));
        changes.addAll(bundleChanges);
        return new Observation(new PhaseResult(List.of(), stoppedServices(pass, changes), ready)
                .and(bundlesSeen.recorded()).and(PhaseResult.estimated(estimated)), allRead, listed);
    }

    /**
     * A service that ends once all its dependants have ended was stopped by hwf (or was no longer
     * needed): SUCCEEDED, whatever signal its job died of. Seen here when hwf's pass that cancelled
     * it died before recording that.
     */
    private static List<Change> stoppedServices(Pass pass, List<Change> changes) {
        List<Change> out = new ArrayList<>(changes.size());
        for (Change c : changes) {
            Task t = pass.wf().task(c.after().task());
            if (t.isService() && c.after().state().isFinal()
                    && Services.dependantsEnded(pass.snap(), pass.wf(), t.name())) {
                out.add(new Change(c.before(), c.before().with(JobState.SUCCEEDED, null, Services.STOPPED,
                        pass.now())));
            } else {
                out.add(c);
            }
        }
        return out;
    }
}
