package dev.hwf.launcher.engine;

import dev.hwf.api.Command;
import dev.hwf.api.JobId;
import dev.hwf.api.JobStatus;
import dev.hwf.launcher.journal.ElementRecord;
import dev.hwf.launcher.journal.Journal.Change;
import dev.hwf.launcher.workflow.Task;
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
final class History {
    private static final Logger LOG = LoggerFactory.getLogger(History.class);

    private History() {
    }

    static List<Change> lostOrFound(Pass pass, List<ElementRecord> overdue) {
        if (overdue.isEmpty()) {
            return List.of();
        }
        Scheduler scheduler = pass.scheduler();
        Set<JobId> jobs = new LinkedHashSet<>();
        overdue.forEach(e -> jobs.add(new JobId(e.jobId())));
        Command history = scheduler.adapter().historyCommand(jobs);
        Map<String, JobStatus> known = history == null ? Map.of()
                : SchedulerCalls.readStatus(scheduler, history, true);
        if (known == null) {
            return List.of(); // accounting did not answer: ask again next pass
        }
        List<Change> changes = new ArrayList<>();
        for (ElementRecord e : overdue) {
            Task task = pass.wf().task(e.task());
            JobStatus st = SchedulerCalls.lookup(known, e.jobId(), task.isArray() ? e.index() : null);
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
