package dev.hwf.launcher.engine;

import static dev.hwf.launcher.render.RunLayout.jobName;
import static dev.hwf.launcher.render.RunLayout.taskDir;

import dev.hwf.api.Command;
import dev.hwf.api.JobId;
import dev.hwf.api.JobState;
import dev.hwf.api.JobStatus;
import dev.hwf.api.SchedulerOutputException;
import dev.hwf.launcher.exec.CommandResult;
import dev.hwf.launcher.exec.SiteFiles.TaskDirScan;
import dev.hwf.launcher.exec.TransportException;
import dev.hwf.launcher.journal.ElementRecord;
import dev.hwf.launcher.journal.Journal;
import dev.hwf.launcher.journal.Journal.Change;
import dev.hwf.launcher.journal.RunLock;
import dev.hwf.launcher.journal.RunSnapshot;
import dev.hwf.launcher.journal.TaskRecord;
import dev.hwf.launcher.render.JobScripts;
import dev.hwf.launcher.workflow.Task;
import dev.hwf.launcher.workflow.Workflow;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Moves a run forward by one pass, with the journal as its only memory: read the scheduler (one
 * status call for all live jobs) and the exit code files, record what changed, retry what failed
 * and may retry, cancel what can no longer run, submit what became ready. Any number of passes,
 * by any number of hwf processes, one after another or at once, lead to the same end: every
 * transition is a compare-and-set in the journal, and a task is claimed there before it is
 * submitted.
 */
public final class RunEngine {
    private static final Logger LOG = LoggerFactory.getLogger(RunEngine.class);

    private final Journal journal;
    private final Scheduler scheduler;
    private final Clock clock;
    private int statusFailures;
    /** Service attempts whose ready file this pass found, to be recorded. */
    private final List<Journal.Ready> readySeen = new ArrayList<>();

    /** The reason a service ends SUCCEEDED with once hwf has stopped it. */
    public static final String SERVICE_STOPPED = "stopped by hwf: its dependants ended";

    public RunEngine(Journal journal, Scheduler scheduler, Clock clock) {
        this.journal = journal;
        this.scheduler = scheduler;
        this.clock = clock;
    }

    /**
     * One pass. Returns the run as it stands afterwards. When another hwf process is making a pass
     * over the same run right now, this one does nothing and returns the run as it stands.
     */
    public RunSnapshot advance(String runId) {
        try (RunLock lock = journal.tryLockRun(runId)) {
            if (lock == null) {
                LOG.debug("run {}: another hwf process is on it; skipping this pass", runId);
                return journal.snapshot(runId);
            }
            return advanceLocked(runId);
        }
    }

    /** How many passes in a row could not read the scheduler (for backing off). */
    public int consecutiveStatusFailures() {
        return statusFailures;
    }

    private RunSnapshot advanceLocked(String runId) {
        RunSnapshot snap = journal.snapshot(runId);
        if (snap.run().isFinished()) {
            return snap;
        }
        Workflow wf = SpecCodec.fromJson(snap.run().spec());
        if (recoverOrphans(snap, wf)) {
            snap = journal.snapshot(runId);
        }
        Instant now = clock.instant();
        readySeen.clear();
        List<Change> observed = observe(snap, wf, now);
        if (!observed.isEmpty() || !readySeen.isEmpty()) {
            journal.apply(runId, observed, now);
            journal.recordReady(runId, readySeen, now);
            snap = journal.snapshot(runId);
        }
        if (tendServices(snap, wf)) {
            snap = journal.snapshot(runId);
        }
        for (int i = 0; i <= wf.tasks().size(); i++) {
            List<Change> blocked = cancelBlocked(snap, wf, clock.instant());
            if (blocked.isEmpty()) {
                break;
            }
            journal.apply(runId, blocked, clock.instant());
            snap = journal.snapshot(runId);
        }
        if (submitReady(snap, wf)) {
            snap = journal.snapshot(runId);
        }
        return snap;
    }

    /**
     * Cancels a run: ONE cancel command for all its live jobs (jobs whose id was never recorded
     * are looked up by name first), then every element that has not ended is recorded CANCELLED.
     * If the scheduler cannot be reached nothing is recorded (exit 3), so cancelling can simply
     * be tried again.
     */
    public RunSnapshot cancel(String runId, String reason) {
        try (RunLock lock = journal.lockRun(runId, Duration.ofSeconds(120))) {
            RunSnapshot snap = journal.snapshot(runId);
            if (snap.run().isFinished()) {
                return snap;
            }
            Set<JobId> jobs = new LinkedHashSet<>();
            Set<String> unrecorded = new LinkedHashSet<>();
            for (ElementRecord e : snap.elements()) {
                if (e.state().isLive() && e.jobId() != null) {
                    jobs.add(new JobId(e.jobId()));
                } else if (e.state() == JobState.QUEUED) {
                    unrecorded.add(jobName(runId, e.task(), e.attempt()));
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
                    throw new dev.hwf.launcher.HwfException(dev.hwf.launcher.ExitCodes.UNREACHABLE, "'"
                            + cmd.display() + "' failed (" + e.getMessage() + "); nothing was recorded, try 'hwf "
                            + "cancel " + runId + "' again");
                }
            }
            Instant now = clock.instant();
            List<Change> changes = new ArrayList<>();
            for (ElementRecord e : snap.elements()) {
                if (!e.state().isFinal()) {
                    changes.add(new Change(e, e.with(JobState.CANCELLED, null, reason, now)));
                }
            }
            journal.apply(runId, changes, now);
            return journal.snapshot(runId);
        }
    }

    // ------------------------------------------------------------------ orphans

    /**
     * Attempts that were claimed but have no job id: the hwf process that claimed them died
     * between recording the attempt and recording the scheduler's answer (it no longer holds the
     * run's lock, which we hold now). The job is looked up by its unique name: found, its id is
     * recorded; not found but its elements wrote exit code files, those decide; neither, and the
     * claim is older than the submit grace, it never reached the scheduler and is handed back to
     * WAITING, to be submitted again.
     */
    private boolean recoverOrphans(RunSnapshot snap, Workflow wf) {
        Map<String, List<ElementRecord>> byName = new LinkedHashMap<>();
        for (ElementRecord e : snap.elements()) {
            if (e.state() == JobState.QUEUED && e.jobId() == null) {
                byName.computeIfAbsent(jobName(snap.run().id(), e.task(), e.attempt()), k -> new ArrayList<>()).add(e);
            }
        }
        if (byName.isEmpty()) {
            return false;
        }
        Map<String, JobId> found;
        try {
            CommandResult r = scheduler.runner().run(scheduler.adapter().findByNameCommand(byName.keySet()),
                    scheduler.commandTimeout());
            found = scheduler.adapter().parseFindByName(byName.keySet(), r.exitCode(), r.stdout(), r.stderr());
        } catch (TransportException | SchedulerOutputException e) {
            LOG.warn("could not look up unrecorded jobs by name ({}); will look again", e.getMessage());
            return false;
        }
        Instant now = clock.instant();
        List<Change> changes = new ArrayList<>();
        for (Map.Entry<String, List<ElementRecord>> g : byName.entrySet()) {
            ElementRecord first = g.getValue().get(0);
            JobId id = found.get(g.getKey());
            if (id != null) {
                LOG.info("task {} attempt {}: found job {} by its name {}", first.task(), first.attempt(), id,
                        g.getKey());
                journal.recordJobId(snap.run().id(), first.task(), first.attempt(), id.value(), now);
                continue;
            }
            TaskDirScan scan = scanOrNull(taskDir(snap.run().workdir(), snap.run().id(), first.task()));
            if (scan == null) {
                continue; // the task's files cannot be read now: unknown, look again next pass
            }
            Instant claimed = snap.attempt(first.task(), first.attempt()).map(a -> a.submittedAt()).orElse(now);
            boolean graceOver = Duration.between(claimed, now).compareTo(scheduler.submitGrace()) >= 0;
            Task task = wf.task(first.task());
            for (ElementRecord e : g.getValue()) {
                Integer code = scan.exitCodes().get(TaskDirScan.key(e.attempt(), e.index()));
                if (code != null) {
                    changes.add(new Change(e, outcome(e, task, code, null, now)));
                } else if (graceOver) {
                    changes.add(new Change(e, e.retry("job " + g.getKey() + " never reached the scheduler; "
                            + "submitting it again")));
                }
            }
        }
        journal.apply(snap.run().id(), changes, now);
        return true;
    }

    // ------------------------------------------------------------------ observe

    private List<Change> observe(RunSnapshot snap, Workflow wf, Instant now) {
        List<ElementRecord> live = new ArrayList<>();
        Set<JobId> jobs = new LinkedHashSet<>();
        for (ElementRecord e : snap.elements()) {
            if (e.state().isLive() && e.jobId() != null) {
                live.add(e);
                jobs.add(new JobId(e.jobId()));
            }
        }
        if (live.isEmpty()) {
            return List.of();
        }
        // Status first, files second: a job the scheduler no longer shows has written its file
        // before it ended, so the files read afterwards are complete.
        Map<String, JobStatus> statuses = readStatus(scheduler.adapter().statusCommand(jobs), false);
        statusFailures = statuses == null ? statusFailures + 1 : 0;
        Map<String, TaskDirScan> scans = new HashMap<>();
        List<Change> changes = new ArrayList<>();
        List<ElementRecord> overdue = new ArrayList<>();
        for (ElementRecord e : live) {
            Task task = wf.task(e.task());
            if (!scans.containsKey(e.task())) {
                scans.put(e.task(), scanOrNull(taskDir(snap.run().workdir(), snap.run().id(), e.task())));
            }
            TaskDirScan scan = scans.get(e.task());
            if (scan == null) {
                continue; // the task's files cannot be read now (remote site unreachable): unknown, keep waiting
            }
            String key = TaskDirScan.key(e.attempt(), e.index());
            Integer code = scan.exitCodes().get(key);
            if (task.isService()) {
                String endpoint = scan.ready().get(key);
                if (endpoint != null && snap.attempt(e.task(), e.attempt()).map(a -> a.endpoint() == null)
                        .orElse(false)) {
                    readySeen.add(new Journal.Ready(e.task(), e.attempt(), endpoint));
                }
                if (endpoint != null && code == null && e.state() == JobState.QUEUED) {
                    changes.add(new Change(e, e.with(JobState.RUNNING, null, null, now)));
                    continue; // answering, so running, whatever the queue said a moment ago
                }
            }
            JobStatus st = statuses == null ? null : lookup(statuses, e.jobId(), task.isArray() ? e.index() : null);
            ElementRecord after;
            if (code != null) {
                after = outcome(e, task, code, st, now);
            } else if (statuses == null) {
                continue; // the scheduler could not be read: unknown, keep waiting
            } else if (st != null) {
                JobState s = st.state();
                if (s.isLive() && task.isArray() && st.arrayIndex() == null && s == JobState.RUNNING) {
                    // a job-level answer for an array: an element runs once its log exists
                    s = scan.started().contains(key) ? JobState.RUNNING : JobState.QUEUED;
                }
                if (s == e.state() && e.missingSince() == null) {
                    continue;
                }
                after = s.isFinal() ? retryOrEnd(e.with(s, null, s == JobState.SUCCEEDED ? null : st.reason(), now),
                        e, task) : e.with(s, null, null, now);
            } else if (e.missingSince() == null) {
                after = e.withMissingSince(now);
            } else if (Duration.between(e.missingSince(), now).compareTo(scheduler.lostAfter()) >= 0) {
                overdue.add(e);
                continue;
            } else {
                continue;
            }
            changes.add(new Change(e, after));
        }
        changes.addAll(giveUpOrFind(overdue, wf, now));
        return stoppedServices(changes, snap, wf, now);
    }

    /**
     * A service that ends once all its dependants have ended was stopped by hwf (or was no longer
     * needed): SUCCEEDED, whatever signal its job died of. Seen here when hwf's pass that cancelled
     * it died before recording that.
     */
    private static List<Change> stoppedServices(List<Change> changes, RunSnapshot snap, Workflow wf, Instant now) {
        List<Change> out = new ArrayList<>(changes.size());
        for (Change c : changes) {
            Task t = wf.task(c.after().task());
            if (t.isService() && c.after().state().isFinal() && dependantsEnded(snap, wf, t.name())) {
                out.add(new Change(c.before(), c.before().with(JobState.SUCCEEDED, null, SERVICE_STOPPED, now)));
            } else {
                out.add(c);
            }
        }
        return out;
    }

    /** The tasks that name {@code service} in after. */
    private static List<Task> dependants(Workflow wf, String service) {
        return wf.tasks().stream().filter(t -> t.after().contains(service)).toList();
    }

    /** Whether every element of every task that names the service in after has ended. */
    private static boolean dependantsEnded(RunSnapshot snap, Workflow wf, String service) {
        Map<String, List<ElementRecord>> byTask = snap.elementsByTask();
        return dependants(wf, service).stream()
                .allMatch(d -> byTask.get(d.name()).stream().allMatch(e -> e.state().isFinal()));
    }

    /** host:port of a service task's current attempt once it is ready and running, else null. */
    static String readyEndpoint(RunSnapshot snap, String service) {
        TaskRecord t = snap.task(service);
        if (t.state() != JobState.RUNNING) {
            return null;
        }
        return snap.endpoint(service);
    }

    // ------------------------------------------------------------------ services

    /**
     * Keeps services and their dependants in step, with ONE cancel command for all it stops:
     * a service whose dependants have all ended is stopped (SUCCEEDED once running, CANCELLED when
     * it never started); the dependants of a service that ended on its own while they had not end
     * FAILED with reason {@code service NAME ended}, their running jobs cancelled. Nothing is
     * recorded for jobs the scheduler could not be asked to cancel: the next pass tries again.
     * Returns whether anything was recorded.
     */
    private boolean tendServices(RunSnapshot snap, Workflow wf) {
        if (wf.tasks().stream().noneMatch(Task::isService)) {
            return false;
        }
        Map<String, List<ElementRecord>> byTask = snap.elementsByTask();
        Instant now = clock.instant();
        List<Change> changes = new ArrayList<>();
        Set<JobId> toCancel = new LinkedHashSet<>();
        for (Task s : wf.tasks()) {
            if (!s.isService()) {
                continue;
            }
            List<ElementRecord> own = byTask.get(s.name());
            if (dependantsEnded(snap, wf, s.name())) {
                for (ElementRecord e : own) {
                    if (e.state() == JobState.WAITING) {
                        changes.add(new Change(e, e.with(JobState.CANCELLED, null, "not needed: its dependants ended",
                                now)));
                    } else if (e.state().isLive() && e.jobId() != null) {
                        toCancel.add(new JobId(e.jobId()));
                        changes.add(new Change(e, e.state() == JobState.RUNNING
                                ? e.with(JobState.SUCCEEDED, null, SERVICE_STOPPED, now)
                                : e.with(JobState.CANCELLED, null, "not needed: its dependants ended", now)));
                    }
                }
                continue;
            }
            boolean ended = own.stream().allMatch(e -> e.state().isFinal() && e.attempt() > 0);
            if (!ended) {
                continue;
            }
            String reason = "service " + s.name() + " ended";
            for (Task d : dependants(wf, s.name())) {
                for (ElementRecord e : byTask.get(d.name())) {
                    if (e.state() == JobState.WAITING) {
                        changes.add(new Change(e, e.with(JobState.FAILED, null, reason, now)));
                    } else if (e.state().isLive() && e.jobId() != null) {
                        toCancel.add(new JobId(e.jobId()));
                        changes.add(new Change(e, e.with(JobState.FAILED, null, reason, now)));
                    }
                }
            }
        }
        if (changes.isEmpty()) {
            return false;
        }
        if (!toCancel.isEmpty()) {
            Command cmd = scheduler.adapter().cancelCommand(toCancel);
            try {
                CommandResult r = scheduler.runner().run(cmd, scheduler.commandTimeout());
                scheduler.adapter().checkCancel(r.exitCode(), r.stdout(), r.stderr());
            } catch (TransportException | SchedulerOutputException e) {
                LOG.warn("could not cancel {} ({}); will try again", toCancel, e.getMessage());
                return false;
            }
        }
        journal.apply(snap.run().id(), changes, now);
        return true;
    }

    /**
     * Elements gone from the queue for longer than lostAfter with no exit code file: the
     * scheduler's accounting, where it has one, may still know how they ended; otherwise LOST.
     */
    private List<Change> giveUpOrFind(List<ElementRecord> overdue, Workflow wf, Instant now) {
        if (overdue.isEmpty()) {
            return List.of();
        }
        Set<JobId> jobs = new LinkedHashSet<>();
        overdue.forEach(e -> jobs.add(new JobId(e.jobId())));
        Command history = scheduler.adapter().historyCommand(jobs);
        Map<String, JobStatus> known = history == null ? Map.of() : readStatus(history, true);
        if (known == null) {
            return List.of(); // accounting did not answer: ask again next pass
        }
        List<Change> changes = new ArrayList<>();
        for (ElementRecord e : overdue) {
            Task task = wf.task(e.task());
            JobStatus st = lookup(known, e.jobId(), task.isArray() ? e.index() : null);
            if (st != null && st.state().isFinal()) {
                ElementRecord ended = e.with(st.state(), null, st.state() == JobState.SUCCEEDED ? null : st.reason(),
                        now);
                changes.add(new Change(e, retryOrEnd(ended, e, task)));
            } else if (st != null) {
                changes.add(new Change(e, e.with(st.state(), null, null, now))); // accounting says it lives
            } else {
                LOG.warn("task {} element {}: job {} is gone from {} and left no exit code file; marked LOST",
                        e.task(), e.index(), e.jobId(), scheduler.adapter().name());
                changes.add(new Change(e, retryOrEnd(e.with(JobState.FAILED, null, "LOST", now), e, task)));
            }
        }
        return changes;
    }

    /** The element's outcome from its exit code file. */
    private static ElementRecord outcome(ElementRecord e, Task task, int code, JobStatus st, Instant now) {
        return code == 0 ? e.with(JobState.SUCCEEDED, 0, null, now)
                : retryOrEnd(e.with(JobState.FAILED, code, failureReason(code, st), now), e, task);
    }

    /** A failure with retries left goes back to WAITING, keeping its reason. */
    private static ElementRecord retryOrEnd(ElementRecord ended, ElementRecord before, Task task) {
        if (ended.state() == JobState.FAILED && before.tries() <= task.retries()) {
            return ended.retry(ended.reason() + "; retry " + before.tries() + " of " + task.retries());
        }
        return ended;
    }

    /**
     * Statuses keyed by {@code job} or {@code job_index}; null when the scheduler could not be read.
     *
     * @param history whether the command is the adapter's history command
     */
    private Map<String, JobStatus> readStatus(Command cmd, boolean history) {
        try {
            CommandResult r = scheduler.runner().run(cmd, scheduler.commandTimeout());
            List<JobStatus> parsed = history ? scheduler.adapter().parseHistory(r.exitCode(), r.stdout(), r.stderr())
                    : scheduler.adapter().parseStatus(r.exitCode(), r.stdout(), r.stderr());
            Map<String, JobStatus> out = new HashMap<>();
            for (JobStatus s : parsed) {
                out.put(s.arrayIndex() == null ? s.jobId().value() : s.jobId().value() + "_" + s.arrayIndex(), s);
            }
            return out;
        } catch (TransportException | SchedulerOutputException e) {
            LOG.warn("could not read job states ({}); will look again", e.getMessage());
            return null;
        }
    }

    private static JobStatus lookup(Map<String, JobStatus> statuses, String jobId, Integer index) {
        if (index != null) {
            JobStatus s = statuses.get(jobId + "_" + index);
            if (s != null) {
                return s;
            }
        }
        return statuses.get(jobId);
    }

    /** The reason a user reads for a non-zero exit code. */
    static String failureReason(int code, JobStatus st) {
        if (st != null && st.state() != JobState.SUCCEEDED && st.state().isFinal() && st.reason() != null
                && !"FAILED".equals(st.reason())) {
            return st.reason(); // TIMEOUT, OUT_OF_MEMORY, ... say more than the exit code
        }
        if (code > 128 && code < 128 + 65) {
            return "signal " + (code - 128);
        }
        return "exit " + code;
    }

    // ------------------------------------------------------------------ dependants

    private List<Change> cancelBlocked(RunSnapshot snap, Workflow wf, Instant now) {
        Map<String, List<ElementRecord>> byTask = snap.elementsByTask();
        List<Change> changes = new ArrayList<>();
        for (Task t : wf.tasks()) {
            String blocker = null;
            for (String up : t.after()) {
                JobState s = snap.task(up).state();
                if (s == JobState.FAILED || s == JobState.CANCELLED) {
                    blocker = "upstream " + up + " " + s;
                    break;
                }
            }
            if (blocker == null) {
                continue;
            }
            for (ElementRecord e : byTask.get(t.name())) {
                if (e.state() == JobState.WAITING) {
                    changes.add(new Change(e, e.with(JobState.CANCELLED, null, blocker, now)));
                }
            }
        }
        return changes;
    }

    // ------------------------------------------------------------------ submit

    /**
     * Submits every task that became ready, in phases that keep the journal's transactions few
     * and the scheduler busy: one transaction claims them all; their scripts are written; the
     * submit commands run concurrently (at most {@link #SUBMIT_PARALLELISM} at once); one
     * transaction records every job id. A crash between the phases is the crash the claim is
     * for: the next pass finds the submitted jobs by name.
     */
    private boolean submitReady(RunSnapshot snap, Workflow wf) {
        if (stopAtBudget(snap, wf)) {
            return true; // nothing is left WAITING
        }
        String runId = snap.run().id();
        Map<String, List<ElementRecord>> byTask = snap.elementsByTask();
        List<Journal.Claim> wanted = new ArrayList<>();
        for (Task t : wf.tasks()) {
            List<Integer> waiting = new ArrayList<>();
            for (ElementRecord e : byTask.get(t.name())) {
                if (e.state() == JobState.WAITING) {
                    waiting.add(e.index());
                }
            }
            if (waiting.isEmpty() || !t.after().stream().allMatch(up -> wf.task(up).isService()
                    ? readyEndpoint(snap, up) != null : snap.task(up).state() == JobState.SUCCEEDED)) {
                continue; // a service is there to be used once it is ready, not once it has ended
            }
            if (t.arrayLimit() > 0 && byTask.get(t.name()).stream().anyMatch(e -> e.state().isLive())) {
                // a retry is a new job with its own limit: beside the job still running the other
                // elements, the two would run more than arrayLimit elements at once
                continue;
            }
            int last = snap.task(t.name()).attempt();
            wanted.add(new Journal.Claim(t.name(), last, waiting, jobName(runId, t.name(), last + 1)));
        }
        if (wanted.isEmpty()) {
            return false;
        }
        List<Journal.Claim> claimed = journal.claimAll(runId, wanted, clock.instant());
        LOG.debug("claimed {} of {} ready tasks", claimed.size(), wanted.size());
        List<Prepared> prepared = new ArrayList<>();
        for (Journal.Claim c : claimed) {
            Prepared p = prepare(snap, wf, wf.task(c.task()), c);
            if (p != null) {
                prepared.add(p);
            }
        }
        CrashPoint.reach("after-claim");
        LOG.debug("{} scripts ready; submitting", prepared.size());
        List<CommandResult> results = runAll(prepared);
        LOG.debug("{} submit commands done", results.size());
        List<Journal.Submitted> submitted = new ArrayList<>();
        List<Change> failed = new ArrayList<>();
        for (int i = 0; i < prepared.size(); i++) {
            Prepared p = prepared.get(i);
            CommandResult result = results.get(i);
            if (result == null) {
                continue; // did not complete: the attempt stays claimed and is looked up by name
            }
            CrashPoint.reach("after-submit");
            if (result.exitCode() != 0) {
                if (scheduler.adapter().isTransientSubmitFailure(result.exitCode(), result.stdout(),
                        result.stderr())) {
                    LOG.warn("task {}: the scheduler could not take the job now ({}); will look for job {} by name "
                            + "and submit again if it is not there", p.claim.task(), result.firstErrorLine(),
                            p.claim.jobName());
                } else {
                    LOG.error("task {}: submit rejected: {}", p.claim.task(), result.firstErrorLine());
                    failed.addAll(claimedChanges(p.claim, JobState.FAILED, "submit rejected: "
                            + result.firstErrorLine()));
                }
                continue;
            }
            try {
                JobId id = scheduler.adapter().parseSubmitOutput(result.stdout());
                submitted.add(new Journal.Submitted(p.claim.task(), p.claim.attempt(), id.value()));
            } catch (SchedulerOutputException e) {
                LOG.warn("task {}: submit output not understood ({}); will look for job {} by name", p.claim.task(),
                        e.getMessage(), p.claim.jobName());
            }
        }
        journal.recordJobIds(runId, submitted, clock.instant());
        journal.apply(runId, failed, clock.instant());
        LOG.debug("{} job ids recorded, {} submits failed", submitted.size(), failed.size());
        return true;
    }

    /**
     * {@code budget.gpuHours}: once the run (with {@code per: campaign}, every run of the workflow
     * in the journal, this one included) has used that many GPU-hours (see {@link Accounting}),
     * every element not yet submitted ends CANCELLED with the reason, and nothing new is submitted.
     * Jobs already queued or running go on. Returns whether anything was cancelled.
     */
    private boolean stopAtBudget(RunSnapshot snap, Workflow wf) {
        if (wf.budgetGpuHours() == null) {
            return false;
        }
        List<ElementRecord> waiting = snap.elements().stream().filter(e -> e.state() == JobState.WAITING).toList();
        if (waiting.isEmpty()) {
            return false; // nothing left to stop: spare the pass the usage sums (every run, per campaign)
        }
        Instant now = clock.instant();
        double used = Accounting.of(snap, wf, now).total().gpuHours();
        String label = "budget reached: ";
        if (wf.budgetPerCampaign()) {
            List<String> others = journal.runs().stream()
                    .filter(r -> r.workflow().equals(wf.name()) && !r.id().equals(snap.run().id()))
                    .map(dev.hwf.launcher.journal.RunRecord::id).toList();
            for (Accounting.Report r : Accounting.of(journal.snapshots(others), now)) {
                used += r.total().gpuHours();
            }
            label = "campaign budget reached (" + (others.size() + 1) + " runs of " + wf.name() + "): ";
        }
        if (used < wf.budgetGpuHours()) {
            return false;
        }
        String reason = label + Accounting.format(used) + " of "
                + Accounting.format(wf.budgetGpuHours()) + " GPU-hours";
        List<Change> changes = new ArrayList<>();
        for (ElementRecord e : waiting) {
            changes.add(new Change(e, e.with(JobState.CANCELLED, null, reason, now)));
        }
        LOG.warn("run {}: {}; {} element(s) not submitted end CANCELLED", snap.run().id(), reason, changes.size());
        journal.apply(snap.run().id(), changes, now);
        return true;
    }

    /** Most submit commands in flight at once: below OpenSSH's default MaxSessions of 10. */
    static final int SUBMIT_PARALLELISM = 8;

    /** A claimed attempt with its script written and its submit command built. */
    private record Prepared(Journal.Claim claim, Command command) {
    }

    /** Writes the attempt's script; null when it could not be (the attempt is then failed or left claimed). */
    private Prepared prepare(RunSnapshot snap, Workflow wf, Task t, Journal.Claim c) {
        String runId = snap.run().id();
        Map<String, String> serviceUrls = new HashMap<>();
        for (String up : t.after()) {
            if (wf.task(up).isService() && readyEndpoint(snap, up) != null) {
                serviceUrls.put(up, readyEndpoint(snap, up));
            }
        }
        JobScripts.Script script = new JobScripts(wf, runId, snap.run().workdir(), scheduler.adapter())
                .attempt(t, c.attempt(), c.indices(), serviceUrls);
        try {
            if (c.attempt() > 1 || !serviceUrls.isEmpty() || !scheduler.files().exists(script.path())) {
                // the run's render step wrote every first attempt's script already, without the
                // endpoints of services, which are known only now
                script.write(scheduler.files());
            }
            return new Prepared(c, scheduler.adapter().submitCommand(script.request(), script.path()));
        } catch (TransportException e) {
            // the site's files cannot be reached now (SSH): nothing was submitted; the attempt stays
            // claimed and a later pass hands it back, as for a submit that did not complete
            LOG.warn("task {}: cannot write its job script now ({}); will try again", t.name(), e.getMessage());
            return null;
        } catch (RuntimeException e) {
            LOG.error("task {}: cannot prepare the job script: {}", t.name(), e.getMessage());
            journal.apply(runId, claimedChanges(c, JobState.FAILED, "cannot prepare the job script: "
                    + e.getMessage()), clock.instant());
            return null;
        }
    }

    /** Runs the submit commands, several at once; a null result is a command that did not complete. */
    private List<CommandResult> runAll(List<Prepared> prepared) {
        List<CommandResult> results = new ArrayList<>(java.util.Collections.nCopies(prepared.size(), null));
        if (prepared.isEmpty()) {
            return results;
        }
        int threads = Math.min(SUBMIT_PARALLELISM, prepared.size());
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(threads, r -> {
            Thread th = new Thread(r, "hwf-submit");
            th.setDaemon(true);
            return th;
        });
        try {
            List<java.util.concurrent.Future<CommandResult>> futures = new ArrayList<>();
            for (Prepared p : prepared) {
                futures.add(pool.submit(() -> scheduler.runner().run(p.command(), scheduler.commandTimeout())));
            }
            for (int i = 0; i < futures.size(); i++) {
                try {
                    results.set(i, futures.get(i).get());
                } catch (java.util.concurrent.ExecutionException e) {
                    // the submission may or may not have reached the scheduler: the attempt stays
                    // claimed, and a later pass finds the job by its name or hands it back
                    LOG.warn("task {}: submit did not complete ({}); will look for job {} by name",
                            prepared.get(i).claim().task(), e.getCause().getMessage(), prepared.get(i).claim().jobName());
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            pool.shutdownNow();
        }
        return results;
    }

    /** A task directory's files; null when they cannot be read now (a remote site out of reach). */
    private TaskDirScan scanOrNull(String dir) {
        try {
            return scheduler.files().scan(dir);
        } catch (TransportException e) {
            LOG.warn("could not read {} ({}); will look again", dir, e.getMessage());
            return null;
        }
    }

    /** The claimed elements of an attempt, moved to {@code to} (they were QUEUED without a job id). */
    private List<Change> claimedChanges(Journal.Claim c, JobState to, String reason) {
        Instant now = clock.instant();
        List<Change> out = new ArrayList<>();
        for (int i : c.indices()) {
            ElementRecord claimed = new ElementRecord(c.task(), i, JobState.QUEUED, c.attempt(), 0, null, null, null,
                    null, null, null);
            out.add(new Change(claimed, claimed.with(to, null, reason, now)));
        }
        return out;
    }
}
