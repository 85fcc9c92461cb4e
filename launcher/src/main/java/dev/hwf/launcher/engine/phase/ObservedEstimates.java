package dev.hwf.launcher.engine.phase;

import dev.hwf.api.JobState;
import dev.hwf.api.JobStatus;
import dev.hwf.launcher.engine.Pass;
import dev.hwf.launcher.engine.SchedulerCalls;
import dev.hwf.launcher.journal.AttemptRecord;
import dev.hwf.launcher.journal.ElementRecord;
import dev.hwf.launcher.journal.Estimated;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The start a scheduler estimates for hwf's jobs still queued, read from the status call that
 * {@link Observe} makes anyway (PBS Pro's {@code estimated.start_time}; the other schedulers' status
 * gives none): per attempt, the latest of its queued elements', written where it differs from what
 * the attempt has recorded. {@link Placing} reads it as the backlog a new job of the task would
 * join on that site, and {@code status} shows it.
 */
final class ObservedEstimates {
    private ObservedEstimates() {
    }

    /**
     * @param elements the site's live elements that were asked about
     * @param statuses what the site's status call answered
     */
    static List<Estimated> of(Pass pass, List<ElementRecord> elements, Map<String, JobStatus> statuses) {
        Map<String, Estimated> latest = new LinkedHashMap<>();
        for (ElementRecord e : elements) {
            JobStatus st = e.state() != JobState.QUEUED ? null
                    : SchedulerCalls.lookup(statuses, e.jobId(), pass.schedulerIndex(e));
            if (st == null || st.state() != JobState.QUEUED || st.estimatedStart() == null) {
                continue;
            }
            // printed in the site's local time, taken as the hwf host's zone (as for Slurm's estimate)
            Instant at = st.estimatedStart().atZone(ZoneId.systemDefault()).toInstant();
            latest.merge(e.task() + "/" + e.attempt(), new Estimated(e.task(), e.attempt(), at),
                    (a, b) -> b.at().isAfter(a.at()) ? b : a);
        }
        List<Estimated> out = new ArrayList<>();
        for (Estimated est : latest.values()) {
            Instant recorded = pass.snap().attempt(est.task(), est.attempt()).map(AttemptRecord::estimatedStart)
                    .orElse(null);
            if (!Objects.equals(recorded, est.at())) {
                out.add(est);
            }
        }
        return out;
    }
}
