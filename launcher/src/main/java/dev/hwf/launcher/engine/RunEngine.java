package dev.hwf.launcher.engine;

import dev.hwf.launcher.engine.depend.Dependencies;
import dev.hwf.launcher.engine.depend.ElementWiseDependencies;
import dev.hwf.launcher.engine.gate.SiteLimitsReader;
import dev.hwf.launcher.engine.gate.SubmitBackoff;
import dev.hwf.launcher.engine.gate.SubmitGates;
import dev.hwf.launcher.engine.phase.CancelBlocked;
import dev.hwf.launcher.engine.phase.CancelDependants;
import dev.hwf.launcher.engine.phase.CancelRun;
import dev.hwf.launcher.engine.phase.Observe;
import dev.hwf.launcher.engine.phase.PilotKeeper;
import dev.hwf.launcher.engine.phase.RecoverOrphans;
import dev.hwf.launcher.engine.phase.ReleaseAndSubmit;
import dev.hwf.launcher.engine.phase.StageInputs;
import dev.hwf.launcher.engine.phase.Submission;
import dev.hwf.launcher.engine.phase.TendServices;
import dev.hwf.launcher.engine.phase.Withdraw;
import dev.hwf.launcher.exec.Exposure;
import dev.hwf.launcher.exec.TaskDir;
import dev.hwf.launcher.exec.TransportException;
import dev.hwf.launcher.journal.Claim;
import dev.hwf.launcher.journal.ElementRecord;
import dev.hwf.launcher.journal.Journal;
import dev.hwf.launcher.journal.RunLock;
import dev.hwf.launcher.journal.RunSnapshot;
import dev.hwf.launcher.journal.SpecCodec;
import dev.hwf.launcher.journal.StagingLog;
import dev.hwf.launcher.notify.Notifier;
import dev.hwf.launcher.site.Scheduler;
import dev.hwf.launcher.site.Sites;
import dev.hwf.launcher.workflow.NamedSite;
import dev.hwf.launcher.workflow.Task;
import dev.hwf.launcher.workflow.Workflow;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Moves a run forward by one pass, with the journal as its only memory. A pass is a sequence of
 * phases, each in its own class, each reading the run as the journal holds it and returning the
 * changes it wants; this class writes them and hands the next phase the run as read again:
 *
 * <ol>
 *   <li>{@link RecoverOrphans}: claimed attempts whose job id was never recorded;</li>
 *   <li>{@link Observe}: one status call for all live jobs, then the exit code and ready files
 *       ({@link dev.hwf.launcher.engine.phase.AccountingLookup} for jobs gone from the queue;
 *       {@link RetryPolicy} for what a failure means);</li>
 *   <li>{@link Withdraw}: attempts that waited past their task's {@code replaceAfter}, none
 *       started, taken back from their site to be placed again;</li>
 *   <li>{@link TendServices}: services stopped once unneeded, dependants of a dead service failed;</li>
 *   <li>{@link PilotKeeper}: pilot jobs replaced while packed work is left, told to stop after;</li>
 *   <li>{@link CancelDependants} and {@link CancelBlocked}: work whose upstream failed (queued
 *       dependants the scheduler holds, then WAITING work), until nothing more is found;</li>
 *   <li>{@link ReleaseAndSubmit}: every task with WAITING work past the {@link SubmitGates},
 *       claimed then submitted by {@link Submission}; again while what went out lets dependants go
 *       under the scheduler's dependency ({@link Dependencies}; element by element,
 *       {@link ElementWiseDependencies}); inputs from another site are copied first
 *       ({@link StageInputs}).</li>
 * </ol>
 * Only the claims are written apart, before anything is submitted ({@link #claim}): they name
 * the jobs that a pass after a crash looks for.
 * Any number of passes, by any number of hwf processes, one after another or at once, lead to the
 * same end: every transition is a compare-and-set in the journal, and a task is claimed there
 * before it is submitted.
 *
 * <p>The phases are in {@code engine.phase}; the reasons to hold work back, a gate each, in
 * {@code engine.gate}; dependencies (handed to the scheduler early, element by element, and the
 * job script's upstream check) in {@code engine.depend}. Here are the sequencer and what they all
 * share: {@link Pass}, {@link PhaseResult}, {@link SchedulerCalls}, {@link RetryPolicy},
 * {@link Services}, {@link PilotBundles} and {@link CrashHook}. A phase may use gates and
 * dependencies, a gate dependencies; neither uses a phase.
 */
public final class RunEngine {
    private static final Logger LOG = LoggerFactory.getLogger(RunEngine.class);

    private final Journal journal;
    private final Sites sites;
    private final Clock clock;
    private final Submission submission;
    private final SubmitBackoff backoff = new SubmitBackoff();
    private final SiteLimitsReader limits;
    private final StageInputs stager;
    private final CrashHook crash;
    private final Notifier notifier;
    /** Passes in a row whose status call went unanswered (kept across passes, for backing off). */
    private int statusFailures;

    public RunEngine(Journal journal, Scheduler scheduler, Clock clock) {
        this(journal, scheduler, clock, CrashHook.fromEnvironment());
    }

    public RunEngine(Journal journal, Scheduler scheduler, Clock clock, CrashHook crash) {
        this(journal, Sites.only(scheduler), clock, crash);
    }

    /** An engine over a workflow's several sites (SPEC section 7), each with its own scheduler. */
    public RunEngine(Journal journal, Sites sites, Clock clock) {
        this(journal, sites, clock, CrashHook.fromEnvironment());
    }

    public RunEngine(Journal journal, Sites sites, Clock clock, CrashHook crash) {
        this.journal = journal;
        this.sites = sites;
        this.clock = clock;
        this.submission = new Submission(clock, crash, backoff);
        this.limits = new SiteLimitsReader(journal, clock);
        this.stager = new StageInputs(journal, clock, crash);
        this.crash = crash;
        this.notifier = new Notifier(journal, clock, crash);
    }

    /**
     * One pass. Returns the run as it stands afterwards. When another hwf process is making a pass
     * over the same run right now, this one does nothing and returns the run as it stands.
     */
    public RunSnapshot advance(String runId) {
        return advance(runId, true);
    }

    /**
     * A pass that asks the scheduler nothing about the run's jobs: what their exit code files say is
     * recorded, and what that lets go is submitted ({@link Follow}: between two full passes, once an
     * exit code file has appeared). Jobs whose files say nothing wait for the next full pass.
     */
    public RunSnapshot advanceFromFiles(String runId) {
        return advance(runId, false);
    }

    private RunSnapshot advance(String runId, boolean askScheduler) {
        try (RunLock lock = journal.tryLockRun(runId)) {
            if (lock == null) {
                LOG.debug("run {}: another hwf process is on it; skipping this pass", runId);
                return journal.openSnapshot(runId);
            }
            RunSnapshot after = advanceLocked(runId, askScheduler);
            if (askScheduler && !after.run().isFinished()) {
                noticeStuck(after);
            }
            if (askScheduler || after.run().isFinished()) {
                notifier.deliver(); // what this pass (or any before it) left in the outbox
            }
            return after;
        }
    }

    /**
     * {@code notify: stuck} (SPEC section 7): queued elements whose scheduler says they wait on what
     * cannot clear by itself, at once; live elements whose state has not changed for {@code stuckAfter}.
     */
    private void noticeStuck(RunSnapshot snap) {
        Workflow wf = SpecCodec.fromJsonOrNull(snap.run().spec());
        Long after = wf == null || wf.notifications() == null ? null : wf.notifications().stuckAfter();
        if (after != null) {
            journal.outbox().stuck(snap.run().id(), Duration.ofSeconds(after), clock.instant());
        }
    }

    /**
     * Whether a live element of the run as last read has written its exit code file since: one
     * directory listing per task with live jobs (a stat-sized call here, one SFTP listing on the open
     * connection over SSH). False when the files cannot be read now.
     */
    public boolean endsWritten(RunSnapshot snap) {
        Pass pass = pass(snap, SpecCodec.fromJson(snap.run().spec()));
        Map<String, Set<String>> wanted = new LinkedHashMap<>(); // by task directory
        Map<String, ElementRecord> oneOf = new LinkedHashMap<>();
        for (ElementRecord e : snap.elements()) {
            if (e.state().isLive() && PilotBundles.isSchedulerJob(e.jobId())) {
                String dir = pass.taskDirOf(e);
                wanted.computeIfAbsent(dir, t -> new HashSet<>()).add(TaskDir.Kind.EXIT.of(e.attempt(), e.index()));
                oneOf.putIfAbsent(dir, e);
            }
        }
        for (Map.Entry<String, Set<String>> t : wanted.entrySet()) {
            try {
                for (String name : pass.schedulerOf(oneOf.get(t.getKey())).files().list(t.getKey())) {
                    if (t.getValue().contains(name)) {
                        return true;
                    }
                }
            } catch (TransportException e) {
                // unknown now: the next full pass reads it; another site may tell
            }
        }
        return false;
    }

    /**
     * Writes every not-yet-submitted task's first script into its directory on its site, so a user
     * can read what will run before it runs (submission renders again, with the attempt it gets). A
     * site of several that cannot be reached now is left for submission to write.
     */
    public void writeFirstScripts(RunSnapshot snap, Workflow wf) {
        Pass pass = pass(snap, wf);
        for (Task t : wf.tasks()) {
            if (snap.task(t.name()).attempt() > 0) {
                continue;
            }
            NamedSite site = pass.site(t.name());
            try {
                Submission.scripts(pass, site).first(t).write(pass.scheduler(site).files());
            } catch (TransportException e) {
                if (!wf.hasSites()) {
                    throw e;
                }
                LOG.warn("run {}: task {}: site {} cannot be reached now ({}); its script is written at submission",
                        snap.run().id(), t.name(), site.name(), e.getMessage());
            }
        }
    }

    /** Whether the run's files are on this machine (not over SSH): looking at them costs a local listing. */
    public boolean filesAreLocal() {
        return sites.allLocal();
    }

    private static String runId(RunSnapshot snap) {
        return snap.run().id();
    }

    /** How many passes in a row could not read the scheduler (for backing off). */
    public int consecutiveStatusFailures() {
        return statusFailures;
    }

    private RunSnapshot advanceLocked(String runId, boolean askScheduler) {
        RunSnapshot snap = journal.openSnapshot(runId);
        if (snap.run().isFinished()) {
            return snap;
        }
        Workflow wf = SpecCodec.fromJson(snap.run().spec());
        // each phase starts with the clock read again: the one before may have waited on the scheduler
        Pass pass = pass(snap, wf);
        Exposure.workdir(pass.scheduler().files(), snap.run().workdir()); // once per process: a stat, or an SFTP one
        PhaseResult orphans = askScheduler ? RecoverOrphans.run(pass) : PhaseResult.NONE;
        pass = write(pass, orphans).knowing(jobIds(orphans));
        pass = pass.at(clock.instant());
        Observe.Observation seen = Observe.run(pass, askScheduler);
        if (seen.statusRead() != null) {
            statusFailures = seen.statusRead() ? 0 : statusFailures + 1;
        }
        pass = write(pass, seen.result()).knowing(seen.listed()).at(clock.instant());
        if (askScheduler) {
            Withdraw.Withdrawal w = Withdraw.run(pass, journal, crash);
            pass = write(pass, w.result());
            if (!w.recorded().isEmpty()) { // the withdrawals, written apart before the cancel: read them again
                pass = pass.reread(journal.refresh(pass.snap(), w.recorded()), clock.instant());
            }
            pass = pass.at(clock.instant());
        }
        pass = write(pass, TendServices.run(pass));
        pass = write(pass, PilotKeeper.run(pass));
        pass = cancelBlocked(pass);
        Staging staging = new Staging(); // several sites: where inputs are in place, what was tried this pass
        if (wf.hasSites()) {
            List<StagingLog.Staging> rows = journal.staging().staging(runId);
            rows.forEach(st -> {
                staging.before.put(st.task(), st);
                if (st.endedAt() != null && st.error() == null) {
                    staging.staged.put(st.task(), st.site());
                }
            });
            pass = stage(pass, StageInputs.leftStaging(pass, rows), staging);
        }
        // what goes out may let dependants go at once, under the scheduler's dependency on it: a
        // chain of N tasks is submitted in N rounds of one pass
        for (int round = 0; round < pass.wf().tasks().size() + 1; round++) {
            pass = pass.at(clock.instant());
            ReleaseAndSubmit.Release release = ReleaseAndSubmit.run(pass, journal, backoff, limits, staging.staged);
            List<Claim> claimed = claim(pass, release.claims());
            PhaseResult sent = release.held().and(submission.submit(pass, claimed));
            pass = write(pass, sent).knowing(jobIds(sent));
            if (!claimed.isEmpty()) { // claims not yet submitted are in the journal only: read them again
                pass = pass.reread(journal.refresh(pass.snap(),
                        claimed.stream().map(Claim::task).distinct().toList()), clock.instant());
            }
            // inputs from another site: copied, then released next round; a copy that failed is tried
            // again by the next pass, not again in this one
            Map<String, String> to = new LinkedHashMap<>();
            release.toStage().forEach((task, site) -> {
                if (!staging.tried.contains(task)) {
                    to.put(task, site.name());
                }
            });
            if (!to.isEmpty()) {
                pass = stage(pass, to, staging);
                continue;
            }
            if (sent.jobIds().isEmpty() || !waitsEarly(pass)) {
                break;
            }
        }
        // a submission refused for good ends its dependants in this pass, not the next
        return cancelBlocked(pass).snap();
    }

    /**
     * A pass's staging: each task's staging as the journal held it when the pass began, where each
     * task's inputs are in place (by task: its site), and the tasks whose inputs this pass tried to copy.
     */
    private static final class Staging {
        final Map<String, StagingLog.Staging> before = new HashMap<>();
        final Map<String, String> staged = new HashMap<>();
        final Set<String> tried = new HashSet<>();
    }

    /**
     * Copies the inputs of these tasks to their sites ({@link StageInputs}), noting those whose files
     * are all in place; the pass over the run as read again.
     */
    private Pass stage(Pass pass, Map<String, String> tasks, Staging staging) {
        if (tasks.isEmpty()) {
            return pass;
        }
        tasks.forEach((task, site) -> {
            staging.tried.add(task);
            StagingLog.Staging before = staging.before.get(task);
            if (stager.stage(pass, pass.wf().task(task), pass.wf().siteNamed(site), before == null ? 0
                    : before.tries())) {
                staging.staged.put(task, site);
            }
        });
        return pass.reread(journal.refresh(pass.snap(), tasks.keySet()), clock.instant());
    }

    /**
     * Writes the claims a release asks for, in one transaction, before anything of them is
     * submitted: each attempt with its job name, its elements QUEUED without a job id. Returns the
     * claims won (another process may have claimed a task first). Killed after this, hwf has left
     * attempts that the next pass looks up by name ({@link RecoverOrphans}): found, the job id is
     * recorded; never submitted, they are handed back. So no job is lost and none is sent twice.
     */
    private List<Claim> claim(Pass pass, List<Claim> wanted) {
        if (wanted.isEmpty()) {
            return List.of();
        }
        List<Claim> won = journal.claimAll(pass.runId(), wanted, clock.instant());
        LOG.debug("claimed {} of {} ready tasks", won.size(), wanted.size());
        return won;
    }

    private static Set<String> jobIds(PhaseResult r) {
        Set<String> ids = new HashSet<>();
        r.jobIds().forEach(s -> ids.add(s.jobId()));
        return ids;
    }

    /** Whether a task with WAITING elements could go early, under the scheduler's dependency. */
    private static boolean waitsEarly(Pass pass) {
        return pass.wf().tasks().stream()
                .anyMatch(t -> pass.waitingCount(t.name()) > 0
                        && (Dependencies.early(pass, t) || ElementWiseDependencies.early(pass, t)));
    }

    /**
     * {@link CancelDependants} and {@link CancelBlocked} until they find nothing: each round goes one
     * more step down a chain.
     */
    private Pass cancelBlocked(Pass pass) {
        for (int i = 0; i <= pass.wf().tasks().size(); i++) {
            pass = pass.at(clock.instant());
            PhaseResult blocked = CancelDependants.run(pass, crash).and(CancelBlocked.run(pass));
            if (blocked.isEmpty()) {
                break;
            }
            pass = write(pass, blocked);
        }
        return pass;
    }

    /** A pass over the run as read, at the clock's reading now. */
    private Pass pass(RunSnapshot snap, Workflow wf) {
        String runId = snap.run().id();
        return new Pass(snap, wf, sites, clock.instant(), new Pass.WaitingReader() {
            @Override
            public List<ElementRecord> first(String task, int limit) {
                return journal.firstWaiting(runId, task, limit);
            }

            @Override
            public List<ElementRecord> all(String task) {
                return journal.elements(runId, task);
            }
        });
    }

    /**
     * Writes what a phase asked for in one transaction (job ids first, then element changes, then
     * changes to WAITING elements in bulk, then service endpoints, where attempts ran and the starts
     * schedulers estimate for queued attempts), and
     * returns the pass over the run as read again (the same pass when there was nothing): the
     * elements of the tasks it changed, and every task's derived state.
     */
    private Pass write(Pass pass, PhaseResult r) {
        if (r.isEmpty()) {
            return pass;
        }
        Instant now = clock.instant();
        journal.record(pass.runId(), r.jobIds(), r.changes(), r.waiting(), r.ready(), r.ranOn(), r.estimated(), now);
        return pass.reread(journal.refresh(pass.snap(), r.tasks()), clock.instant());
    }

    /**
     * Cancels a run: ONE cancel command for all its live jobs, then every element that has not
     * ended is recorded CANCELLED (see {@link CancelRun}). If the scheduler cannot be reached
     * nothing is recorded (exit 3), so cancelling can simply be tried again.
     */
    public RunSnapshot cancel(String runId, String reason) {
        try (RunLock lock = journal.lockRun(runId, Duration.ofSeconds(120))) {
            RunSnapshot snap = journal.openSnapshot(runId);
            if (snap.run().isFinished()) {
                return snap;
            }
            Instant now = clock.instant();
            PhaseResult cancelled = CancelRun.cancel(pass(snap, SpecCodec.fromJson(snap.run().spec())), reason, now);
            journal.apply(runId, cancelled.changes(), cancelled.waiting(), now);
            notifier.deliver();
            return journal.openSnapshot(runId);
        }
    }
}
