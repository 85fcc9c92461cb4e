package dev.hwf.launcher.engine.phase;

import dev.hwf.api.Command;
import dev.hwf.api.JobId;
import dev.hwf.api.JobState;
import dev.hwf.api.JobStatus;
import dev.hwf.launcher.engine.Pass;
import dev.hwf.launcher.engine.RetryPolicy;
import dev.hwf.launcher.engine.SchedulerCalls;
import dev.hwf.launcher.journal.Change;
import dev.hwf.launcher.journal.ElementRecord;
import dev.hwf.launcher.site.Scheduler;
import dev.hwf.launcher.workflow.Task;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Elements gone from the queue for longer than the scheduler's {@code lostAfter} with no exit code
 * file: the scheduler's accounting ({@code sacct}, {@code qstat -x}, {@code bhist}), where it has
 * one, may still know how they ended; otherwise they are LOST (a failure, retried like any other).
 */
final class AccountingLookup {
    private static final Logger LOG = LoggerFactory.getLogger(AccountingLookup.class);

    private AccountingLookup() {
    }

    /** An element whose exit code file says a signal killed its command, and what the queue said of its job. */
    record Killed(ElementRecord element, int code, JobState queueState) {
    }

    /**
     * Elements whose exit code file says a signal killed the command while the scheduler did not
     * yet say how the job ended: the accounting is asked, since the signal alone does not tell
     * OUT_OF_MEMORY (a cgroup's OOM killer), TIMEOUT or NODE_FAIL from a plain kill. Its final
     * state gives the reason; while it still calls the job live, the element waits for it (at most
     * the scheduler's lostAfter, counted from the first such pass); a scheduler without
     * accounting, or one that no longer knows the job, leaves the exit code to decide.
     */
    static List<Change> howKilled(Pass pass, List<Killed> killed) {
        List<Change> changes = new ArrayList<>();
        pass.bySite(killed, Killed::element).forEach((site, some) ->
                changes.addAll(howKilled(pass, pass.scheduler(site), some)));
        return changes;
    }

    /** {@link #howKilled(Pass, List)} of one site's elements. */
    private static List<Change> howKilled(Pass pass, Scheduler scheduler, List<Killed> killed) {
        Map<String, JobStatus> known = accounting(scheduler, killed.stream().map(Killed::element).toList());
        List<Change> changes = new ArrayList<>();
        for (Killed k : killed) {
            ElementRecord e = k.element();
            Task task = pass.wf().task(e.task());
            JobStatus st = known == null ? null : SchedulerCalls.lookup(known, e.jobId(), pass.schedulerIndex(e));
            boolean waiting = (known == null || (st != null && !st.state().isFinal()));
            if (waiting && (e.missingSince() == null || Duration.between(e.missingSince(), pass.now())
                    .compareTo(scheduler.lostAfter()) < 0)) {
                // ask again next pass; the queue's word on the job (running) is kept meanwhile
                JobState live = k.queueState() != null && k.queueState().isLive() ? k.queueState() : e.state();
                ElementRecord after = live == e.state() ? e : e.with(live, null, null, pass.now());
                if (e.missingSince() == null || after != e) {
                    changes.add(new Change(e, after.withMissingSince(e.missingSince() == null ? pass.now()
                            : e.missingSince())));
                }
            } else {
                changes.add(new Change(e, RetryPolicy.outcome(e, task, k.code(), waiting ? null : st, pass.now())));
            }
        }
        return changes;
    }

    /**
     * ONE history command about the elements' jobs: statuses keyed as {@link SchedulerCalls#readStatus}
     * keys them; empty for a scheduler without accounting; null when the accounting did not answer.
     */
    private static Map<String, JobStatus> accounting(Scheduler scheduler, List<ElementRecord> elements) {
        Set<JobId> jobs = new LinkedHashSet<>();
        elements.forEach(e -> jobs.add(new JobId(e.jobId())));
        Command history = scheduler.adapter().historyCommand(jobs);
        return history == null ? Map.of() : SchedulerCalls.readStatus(scheduler, history, true);
    }

    static List<Change> lostOrFound(Pass pass, List<ElementRecord> overdue) {
        List<Change> changes = new ArrayList<>();
        pass.bySite(overdue, e -> e).forEach((site, some) -> changes.addAll(lostOrFound(pass, pass.scheduler(site), some)));
        return changes;
    }

    /** {@link #lostOrFound(Pass, List)} of one site's elements. */
    private static List<Change> lostOrFound(Pass pass, Scheduler scheduler, List<ElementRecord> overdue) {
        Map<String, JobStatus> known = accounting(scheduler, overdue);
        if (known == null) {
            return List.of(); // accounting did not answer: ask again next pass
        }
        List<Change> changes = new ArrayList<>();
        for (ElementRecord e : overdue) {
            Task task = pass.wf().task(e.task());
            JobStatus st = SchedulerCalls.lookup(known, e.jobId(), pass.schedulerIndex(e));
            if (st != null && st.state().isFinal()) {
                changes.add(new Change(e, RetryPolicy.ended(e, task, st, pass.now())));
            } else if (st != null) {
                changes.add(new Change(e, e.with(st.state(), null, null, pass.now()))); // accounting says it lives
            } else {
                LOG.warn("task {} element {}: job {} is gone from {} and left no exit code file; marked LOST",
                        e.task(), e.index(), e.jobId(), scheduler.adapter().name());
                changes.add(new Change(e, RetryPolicy.lost(e, task, pass.now())));
            }
        }
        return changes;
    }
}
