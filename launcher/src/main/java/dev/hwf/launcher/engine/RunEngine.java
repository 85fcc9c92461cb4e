package dev.hwf.launcher.engine;

import dev.hwf.api.Command;
import dev.hwf.api.JobId;
import dev.hwf.api.JobRequest;
import dev.hwf.api.JobState;
import dev.hwf.api.JobStatus;
import dev.hwf.api.SchedulerOutputException;
import dev.hwf.launcher.exec.CommandResult;
import dev.hwf.launcher.exec.SiteFiles.TaskDirScan;
import dev.hwf.launcher.exec.TransportException;
import dev.hwf.launcher.journal.ElementRecord;
import dev.hwf.launcher.journal.Journal;
import dev.hwf.launcher.journal.Journal.Change;
import dev.hwf.launcher.journal.RunSnapshot;
import dev.hwf.launcher.journal.TaskRecord;
import dev.hwf.launcher.local.LocalAdapter;
import dev.hwf.launcher.render.ScriptRenderer;
import dev.hwf.launcher.workflow.Task;
import dev.hwf.launcher.workflow.Workflow;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
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

    public RunEngine(Journal journal, Scheduler scheduler, Clock clock) {
        this.journal = journal;
        this.scheduler = scheduler;
        this.clock = clock;
    }

    /** The directory of a task of a run: {@code <workdir>/<run>/<task>}. */
    public static String taskDir(String workdir, String runId, String task) {
        return workdir + "/" + runId + "/" + task;
    }

    /** The scheduler job name of a task attempt: unique, so a job can be found again by name. */
    public static String jobName(String runId, String task, int attempt) {
        return "hwf-" + runId + "-" + task + "-" + attempt;
    }

    /** One pass. Returns the run as it stands afterwards. */
    public RunSnapshot advance(String runId) {
        RunSnapshot snap = journal.snapshot(runId);
        if (snap.run().isFinished()) {
            return snap;
        }
        Workflow wf = SpecCodec.fromJson(snap.run().spec());
        Instant now = clock.instant();
        List<Change> observed = observe(snap, wf, now);
        if (!observed.isEmpty()) {
            journal.apply(runId, observed, now);
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
        Map<String, JobStatus> statuses = readStatus(jobs);
        Map<String, TaskDirScan> scans = new HashMap<>();
        List<Change> changes = new ArrayList<>();
        for (ElementRecord e : live) {
            Task task = wf.task(e.task());
            TaskDirScan scan = scans.computeIfAbsent(e.task(), t -> scheduler.files().scan(
                    taskDir(snap.run().workdir(), snap.run().id(), t)));
            String key = TaskDirScan.key(e.attempt(), e.index());
            Integer code = scan.exitCodes().get(key);
            JobStatus st = statuses == null ? null : lookup(statuses, e.jobId(), task.isArray() ? e.index() : null);
            ElementRecord after = null;
            if (code != null) {
                after = code == 0 ? e.with(JobState.SUCCEEDED, 0, null, now)
                        : e.with(JobState.FAILED, code, failureReason(code, st), now);
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
                after = s.isFinal() ? e.with(s, null, s == JobState.SUCCEEDED ? null : st.reason(), now)
                        : e.with(s, null, null, now);
            } else if (e.missingSince() == null) {
                after = e.withMissingSince(now);
            } else if (Duration.between(e.missingSince(), now).compareTo(scheduler.lostAfter()) >= 0) {
                after = e.with(JobState.FAILED, null, "LOST", now);
                LOG.warn("task {} element {}: job {} is gone from {} and left no exit code file; marked LOST",
                        e.task(), e.index(), e.jobId(), scheduler.adapter().name());
            } else {
                continue;
            }
            if (after.state() == JobState.FAILED && e.tries() <= task.retries()) {
                after = after.retry(after.reason() + "; retry " + e.tries() + " of " + task.retries());
            }
            changes.add(new Change(e, after));
        }
        return changes;
    }

    /** Statuses keyed by {@code job} or {@code job_index}; null when the scheduler could not be read. */
    private Map<String, JobStatus> readStatus(Set<JobId> jobs) {
        Command cmd = scheduler.adapter().statusCommand(jobs);
        try {
            CommandResult r = scheduler.runner().run(cmd, scheduler.commandTimeout());
            Map<String, JobStatus> out = new HashMap<>();
            for (JobStatus s : scheduler.adapter().parseStatus(r.exitCode(), r.stdout(), r.stderr())) {
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

    private boolean submitReady(RunSnapshot snap, Workflow wf) {
        Map<String, List<ElementRecord>> byTask = snap.elementsByTask();
        boolean any = false;
        for (Task t : wf.tasks()) {
            List<Integer> waiting = new ArrayList<>();
            for (ElementRecord e : byTask.get(t.name())) {
                if (e.state() == JobState.WAITING) {
                    waiting.add(e.index());
                }
            }
            if (waiting.isEmpty() || !t.after().stream().allMatch(
                    up -> snap.task(up).state() == JobState.SUCCEEDED)) {
                continue;
            }
            if (t.arrayLimit() > 0 && byTask.get(t.name()).stream().anyMatch(e -> e.state().isLive())) {
                // a retry is a new job with its own limit: beside the job still running the other
                // elements, the two would run more than arrayLimit elements at once
                continue;
            }
            TaskRecord tr = snap.task(t.name());
            submit(snap, wf, t, tr.attempt(), waiting);
            any = true;
        }
        return any;
    }

    private void submit(RunSnapshot snap, Workflow wf, Task t, int lastAttempt, List<Integer> indices) {
        String runId = snap.run().id();
        String name = jobName(runId, t.name(), lastAttempt + 1);
        Optional<Integer> claimed = journal.claim(runId, t.name(), lastAttempt, indices, name, clock.instant());
        if (claimed.isEmpty()) {
            return; // another hwf process got there first
        }
        int attempt = claimed.get();
        String dir = taskDir(snap.run().workdir(), runId, t.name());
        JobRequest request = request(t, name, dir, indices);
        String script = dir + "/job." + attempt + ".sh";
        Command cmd;
        try {
            scheduler.files().mkdirs(dir);
            String text = ScriptRenderer.render(ScriptRenderer.template(t, wf.scheduler()), t, scheduler.adapter(),
                    new ScriptRenderer.Context(wf.name(), runId, attempt, dir, request));
            scheduler.files().write(script, text, true);
            cmd = scheduler.adapter().submitCommand(request, script);
        } catch (RuntimeException e) {
            fail(runId, t, attempt, indices, "cannot prepare the job script: " + e.getMessage());
            return;
        }
        CommandResult result;
        try {
            result = scheduler.runner().run(cmd, scheduler.commandTimeout());
        } catch (TransportException e) {
            LOG.warn("task {}: could not submit ({}); will try again", t.name(), e.getMessage());
            release(runId, t, attempt, indices, "submit could not run: " + e.getMessage());
            return;
        }
        if (result.exitCode() != 0) {
            fail(runId, t, attempt, indices, "submit rejected: " + result.firstErrorLine());
            return;
        }
        try {
            JobId id = scheduler.adapter().parseSubmitOutput(result.stdout());
            journal.recordJobId(runId, t.name(), attempt, id.value(), clock.instant());
            LOG.debug("task {} attempt {} submitted as job {}", t.name(), attempt, id);
        } catch (SchedulerOutputException e) {
            fail(runId, t, attempt, indices, "submit output not understood: " + e.getMessage());
        }
    }

    /** Ends the claimed elements of an attempt that could not be submitted. */
    private void fail(String runId, Task t, int attempt, List<Integer> indices, String reason) {
        LOG.error("task {}: {}", t.name(), reason);
        journal.apply(runId, claimedChanges(t, attempt, indices, JobState.FAILED, reason), clock.instant());
    }

    /** Gives the claimed elements back to WAITING: nothing reached the scheduler. */
    private void release(String runId, Task t, int attempt, List<Integer> indices, String reason) {
        journal.apply(runId, claimedChanges(t, attempt, indices, JobState.WAITING, reason), clock.instant());
    }

    private List<Change> claimedChanges(Task t, int attempt, List<Integer> indices, JobState to, String reason) {
        Instant now = clock.instant();
        List<Change> out = new ArrayList<>();
        for (int i : indices) {
            ElementRecord claimed = new ElementRecord(t.name(), i, JobState.QUEUED, attempt, 0, null, null, null, null,
                    null, null);
            ElementRecord after = to == JobState.WAITING ? claimed.retry(reason) : claimed.with(to, null, reason, now);
            out.add(new Change(claimed, after));
        }
        return out;
    }

    /** The adapter's view of one submission of a task. */
    public static JobRequest request(Task t, String jobName, String taskDir, List<Integer> indices) {
        return new JobRequest(jobName, taskDir, t.nodes(), t.ntasks(), t.cpus(), t.memoryMb(), t.walltimeSeconds(),
                t.partition(), t.account(), t.qos(), t.gpus(), t.isArray() ? indices : List.of(), t.arrayLimit(),
                t.directives(), Map.of(LocalAdapter.SLOTS, Integer.toString(Runtime.getRuntime().availableProcessors())));
    }
}
