package dev.hwf.launcher.engine.phase;

import dev.hwf.api.JobId;
import dev.hwf.api.JobState;
import dev.hwf.launcher.engine.CrashHook;
import dev.hwf.launcher.engine.Pass;
import dev.hwf.launcher.engine.PhaseResult;
import dev.hwf.launcher.engine.SchedulerCalls;
import dev.hwf.launcher.journal.AttemptRecord;
import dev.hwf.launcher.journal.Change;
import dev.hwf.launcher.journal.ElementRecord;
import dev.hwf.launcher.journal.Journal;
import dev.hwf.launcher.place.Placer;
import dev.hwf.launcher.workflow.Task;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Phase 2a ({@code replaceAfter}, SPEC section 7): an attempt of a task with several sites that has
 * waited on its site longer than the task's {@code replaceAfter}, none of its elements started, is
 * withdrawn and its elements placed again, their try given back (a withdrawal is no failure).
 *
 * <p>Three steps, in this order: the withdrawal is recorded in the journal (the attempt's
 * {@code withdrawn_at}, a {@code WITHDRAWN} event); its jobs are cancelled; its elements go back to
 * WAITING, for {@link ReleaseAndSubmit} to place again. hwf killed between any two finds, on the
 * next pass, an attempt recorded withdrawn whose elements are still live: {@link Observe} leaves
 * them alone (unless an exit code file says one ran to its end), and this phase cancels again (a
 * no-op for jobs already gone) and records them. So an element is WAITING only once its job is
 * gone: it never has two live jobs, and it is never lost. Once recorded, a withdrawal goes through,
 * even if a job starts in the moment between the decision and the cancel.
 */
public final class Withdraw {
    private static final Logger LOG = LoggerFactory.getLogger(Withdraw.class);

    private Withdraw() {
    }

    /**
     * What the phase did.
     *
     * @param recorded the tasks whose attempts it recorded withdrawn (written already)
     * @param result   the elements to record WAITING again, their jobs cancelled
     */
    public record Withdrawal(Set<String> recorded, PhaseResult result) {
        static final Withdrawal NONE = new Withdrawal(Set.of(), PhaseResult.NONE);
    }

    public static Withdrawal run(Pass pass, Journal journal, CrashHook crash) {
        if (!pass.wf().hasSites()) {
            return Withdrawal.NONE;
        }
        Map<String, AttemptRecord> recorded = new LinkedHashMap<>(); // withdrawn by this pass
        for (Task t : pass.wf().tasks()) {
            Duration after = t.placement().replaceAfter();
            List<ElementRecord> live = pass.elements(t.name());
            if (after == null || t.pilot() || pass.wf().sitesOf(t).size() < 2 || live == null || live.isEmpty()) {
                continue;
            }
            for (Map.Entry<Integer, List<ElementRecord>> byAttempt : byAttempt(live).entrySet()) {
                AttemptRecord a = pass.snap().attempt(t.name(), byAttempt.getKey()).orElse(null);
                if (a != null && due(pass, a, byAttempt.getValue(), after)) {
                    String why = "withdrawn from " + a.site() + " after "
                            + Placer.human(Duration.between(a.submittedAt(), pass.now())) + " queued, none started"
                            + " (replaceAfter " + Placer.human(after) + "); to be placed again";
                    if (journal.withdraw(pass.runId(), t.name(), a.attempt(), a.jobId(), why, pass.now())) {
                        LOG.info("run {}: task {} attempt {} (job {}): {}", pass.runId(), t.name(), a.attempt(),
                                a.jobId(), why);
                        recorded.put(a.task() + "/" + a.attempt(), new AttemptRecord(a.task(), a.attempt(),
                                a.jobName(), a.jobId(), a.indices(), a.submittedAt(), a.endpoint(), a.readyAt(),
                                a.indexOffset(), a.ranOn(), a.version(), a.site(), a.placed(), a.estimatedStart(),
                                pass.now()));
                    }
                }
            }
        }
        if (!recorded.isEmpty()) {
            crash.reach("after-withdraw-intent");
        }
        Set<String> tasks = new HashSet<>();
        recorded.values().forEach(a -> tasks.add(a.task()));
        return new Withdrawal(tasks, takeBack(pass, crash, recorded));
    }

    /**
     * Cancels the jobs of every attempt recorded withdrawn (by an earlier pass, or by this one:
     * {@code recorded}) whose elements are still live, then
     * returns those elements to WAITING; nothing when the cancel did not go through (the next pass
     * tries again).
     */
    private static PhaseResult takeBack(Pass pass, CrashHook crash, Map<String, AttemptRecord> recorded) {
        Map<String, AttemptRecord> withdrawn = new LinkedHashMap<>(recorded);
        for (AttemptRecord a : pass.snap().attempts()) {
            if (a.withdrawnAt() != null) {
                withdrawn.put(a.task() + "/" + a.attempt(), a);
            }
        }
        if (withdrawn.isEmpty()) {
            return PhaseResult.NONE;
        }
        Map<JobId, ElementRecord> jobs = new LinkedHashMap<>();
        List<Change> changes = new ArrayList<>();
        for (ElementRecord e : pass.snap().elements()) {
            AttemptRecord a = withdrawn.get(e.task() + "/" + e.attempt());
            if (a == null || !e.state().isLive()) {
                continue;
            }
            if (e.jobId() != null) {
                jobs.putIfAbsent(new JobId(e.jobId()), e);
            }
            changes.add(new Change(e, e.notSubmitted("withdrawn from " + a.site() + " after "
                    + Placer.human(Duration.between(a.submittedAt(), a.withdrawnAt())) + " queued; placed again")));
        }
        if (changes.isEmpty()) {
            return PhaseResult.NONE;
        }
        if (!SchedulerCalls.cancel(pass, jobs)) {
            return PhaseResult.NONE; // still live, as far as hwf knows: the next pass cancels again
        }
        crash.reach("after-withdraw-cancel");
        return PhaseResult.of(changes);
    }

    /**
     * Whether an attempt is to be withdrawn now: not yet withdrawn, submitted (its job id recorded)
     * longer ago than {@code after}, on a recorded site, and every element it carried still live
     * and QUEUED, none ever seen started.
     */
    private static boolean due(Pass pass, AttemptRecord a, List<ElementRecord> live, Duration after) {
        if (a.withdrawnAt() != null || a.jobId() == null || a.site() == null || a.submittedAt() == null
                || Duration.between(a.submittedAt(), pass.now()).compareTo(after) < 0
                || live.size() != a.indexList().size()) {
            return false; // an element of it ended, so it started
        }
        for (ElementRecord e : live) {
            if (e.state() != JobState.QUEUED || e.jobId() == null || e.startedAt() != null) {
                return false;
            }
        }
        return true;
    }

    /** A task's live elements by the attempt they are in. */
    private static Map<Integer, List<ElementRecord>> byAttempt(List<ElementRecord> live) {
        Map<Integer, List<ElementRecord>> out = new LinkedHashMap<>();
        for (ElementRecord e : live) {
            out.computeIfAbsent(e.attempt(), k -> new ArrayList<>()).add(e);
        }
        return out;
    }

    /**
     * The attempts recorded withdrawn, as "task/attempt": {@link Observe} leaves their live
     * elements to this phase.
     */
    static Set<String> withdrawn(Pass pass) {
        Set<String> out = new HashSet<>();
        for (AttemptRecord a : pass.snap().attempts()) {
            if (a.withdrawnAt() != null) {
                out.add(a.task() + "/" + a.attempt());
            }
        }
        return out;
    }
}
