package dev.hwf.launcher.engine.depend;

import dev.hwf.api.Command;
import dev.hwf.api.JobId;
import dev.hwf.api.JobState;
import dev.hwf.api.SchedulerAdapter;
import dev.hwf.api.Upstream;
import dev.hwf.launcher.engine.Pass;
import dev.hwf.launcher.journal.AttemptRecord;
import dev.hwf.launcher.journal.Claim;
import dev.hwf.launcher.journal.ElementRecord;
import dev.hwf.launcher.journal.StateCounts;
import dev.hwf.launcher.workflow.NamedSite;
import dev.hwf.launcher.workflow.Task;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Dependants handed to the scheduler early ({@code site.dependencies: scheduler}, SPEC section 6):
 * once every job of a task's upstream exists, the task is submitted with the scheduler's own
 * dependency on them ({@code afterok}) and waits, building priority, in the queue. hwf stays the
 * authority: what it hands over it takes back ({@link #stale}) as soon as the dependency can no
 * longer be met (an upstream element failed for good) or no longer says the right thing (an
 * upstream element is run again, in a new job).
 *
 * <p>Only ordinary jobs go early: not a service (its dependants wait for it to be ready), not a
 * dependant of a service, nothing packed into pilots (their elements are no scheduler's jobs),
 * nothing of a run under a GPU-hour budget (the budget is checked before each submission),
 * nothing on a scheduler without dependencies (the local one), and no dependant of an array that
 * has not yet SUCCEEDED where the scheduler's dependency on an array can be met although an element
 * failed (PBS Pro). The dependant's job script checks its upstream's exit code files all the same
 * ({@link UpstreamChecks}). Element-wise dependants
 * ({@code afterEach}) are {@link ElementWiseDependencies}'s.
 */
public final class Dependencies {
    private Dependencies() {
    }

    /** Whether the task is one to hand to the scheduler before its upstream has ended. */
    public static boolean early(Pass pass, Task t) {
        return !t.after().isEmpty() && t.afterEach().isEmpty()
                && pass.scheduler(t.name()).adapter().offersDependencies() && mayHandOver(pass, t, t.after());
    }

    /**
     * What every dependant handed over early needs, whatever its dependency: the site leaves
     * dependencies to the scheduler, the run has no GPU-hour budget, neither the task nor the
     * upstream tasks it would wait for in the queue are services or packed, and they all run on one
     * site (a scheduler's dependency names its own jobs; work on another site is released by hwf,
     * once its inputs are copied).
     */
    static boolean mayHandOver(Pass pass, Task t, List<String> upstream) {
        // a run under a GPU-hour budget keeps hwf's release: a dependant queued early would start
        // even once its upstream has spent the budget, which hwf checks before each submission
        List<NamedSite> sites = pass.wf().sitesOf(t);
        if (t.pilot() || t.isService() || pass.wf().budgetGpuHours() != null || sites.size() != 1
                || !sites.get(0).site().schedulerDependencies()) {
            return false;
        }
        for (String up : upstream) {
            Task u = pass.wf().task(up);
            if (u.isService() || u.pilot() || !pass.wf().sitesOf(u).equals(sites)) {
                return false;
            }
        }
        return true;
    }

    /**
     * What the task would wait for in the scheduler's queue now: the jobs of its upstream tasks that
     * have not yet SUCCEEDED (empty when all have). Null when it cannot go early now: the task does not
     * go early at all, or an upstream element has no job the scheduler has shown it holds in this pass
     * (not yet submitted, to be run again, ended badly), or the dependency needs a form the scheduler
     * lacks.
     */
    public static List<Upstream> upstream(Pass pass, Task t) {
        if (!early(pass, t)) {
            return null;
        }
        List<Upstream> out = new ArrayList<>();
        SchedulerAdapter adapter = pass.scheduler(t.name()).adapter();
        for (String up : t.after()) {
            if (pass.snap().task(up).state() == JobState.SUCCEEDED) {
                continue;
            }
            if (pass.wf().task(up).isArray() && !adapter.offersArrayDependencies()) {
                return null; // the scheduler could release it although an element failed (PBS Pro)
            }
            StateCounts c = pass.snap().counts(up);
            if (c.of(JobState.WAITING) > 0 || c.of(JobState.FAILED) > 0 || c.of(JobState.CANCELLED) > 0) {
                return null;
            }
            List<Upstream> jobs = liveJobs(pass, up);
            if (jobs == null) {
                return null;
            }
            out.addAll(jobs);
        }
        if (!adapter.offersElementDependencies() && out.stream().anyMatch(u -> u.arrayIndex() != null)) {
            return null;
        }
        return out;
    }

    /**
     * The submit command of a claimed attempt with the task's dependency (for {@code afterEach},
     * {@link ElementWiseDependencies}'s), or the command as it is when the task waits for nothing; null when the
     * dependency cannot be said now (the task waits for the next pass).
     */
    public static Command submitCommand(Pass pass, Task t, Claim c, Command submit) {
        if (!t.afterEach().isEmpty()) {
            return ElementWiseDependencies.submitCommand(pass, t, c.indices(), c.indexOffset(), submit);
        }
        if (!early(pass, t)) {
            return submit;
        }
        List<Upstream> upstream = upstream(pass, t);
        if (upstream == null) {
            return null;
        }
        return upstream.isEmpty() ? submit : pass.scheduler(t.name()).adapter().afterSuccess(submit, upstream);
    }

    /**
     * The jobs holding a task's live elements: each job whole, or, for a job one of whose elements
     * failed and runs again in a later job (its afterok can never be met), its live elements one by
     * one. Null when an element has no job the pass knows to be in the scheduler.
     */
    private static List<Upstream> liveJobs(Pass pass, String task) {
        Map<String, List<ElementRecord>> byJob = new LinkedHashMap<>();
        for (ElementRecord e : pass.elements(task)) {
            if (!e.state().isLive()) {
                continue;
            }
            if (!pass.knowsJobOf(e)) {
                return null;
            }
            byJob.computeIfAbsent(e.jobId(), k -> new ArrayList<>()).add(e);
        }
        List<Upstream> out = new ArrayList<>();
        for (Map.Entry<String, List<ElementRecord>> job : byJob.entrySet()) {
            ElementRecord first = job.getValue().get(0);
            if (!rerunElsewhere(pass, task, first.attempt())) {
                out.add(Upstream.job(job.getKey()));
                continue;
            }
            for (ElementRecord e : job.getValue()) {
                Integer index = pass.schedulerIndex(e);
                out.add(new Upstream(new JobId(job.getKey()), index == null ? 0 : index));
            }
        }
        return out;
    }

    /** Whether an element that attempt {@code attempt} of the task carried went out again in a later one. */
    private static boolean rerunElsewhere(Pass pass, String task, int attempt) {
        BitSet carried = null;
        for (AttemptRecord a : pass.snap().attempts()) {
            if (a.task().equals(task) && a.attempt() == attempt) {
                carried = a.indexSet();
            }
        }
        if (carried == null) {
            return false;
        }
        for (AttemptRecord a : pass.snap().attempts()) {
            if (a.task().equals(task) && a.attempt() > attempt && a.indexSet().intersects(carried)) {
                return true;
            }
        }
        return false;
    }

    /** What must become of a dependant's jobs already in the queue. */
    public record Stale(String upstream, boolean forGood, String reason) {
    }

    /**
     * Whether a task's QUEUED jobs wait on a dependency that is no longer right: an upstream element
     * failed for good or was cancelled (the dependency can never be met: cancelled for good, with
     * the reason), or one is to run again in a new job (the dependants are cancelled and go out again
     * once that job exists). Null when neither. Only a dependant handed over early can be queued
     * while its upstream has such elements.
     */
    public static Stale stale(Pass pass, Task t) {
        if (!early(pass, t)) {
            return null;
        }
        Stale again = null;
        for (String up : t.after()) {
            StateCounts c = pass.snap().counts(up);
            JobState s = pass.snap().task(up).state();
            if (c.of(JobState.FAILED) > 0 || s == JobState.FAILED) {
                return new Stale(up, true, "upstream " + up + " FAILED");
            }
            if (c.of(JobState.CANCELLED) > 0 || s == JobState.CANCELLED) {
                return new Stale(up, true, "upstream " + up + " CANCELLED");
            }
            if (again == null && c.of(JobState.WAITING) > 0) {
                again = new Stale(up, false, "upstream " + up + " runs again; submitted again once its new job "
                        + "exists");
            }
        }
        return again;
    }
}
