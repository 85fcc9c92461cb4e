package dev.hwf.pbs;

import dev.hwf.api.JobState;
import dev.hwf.api.JobStatus;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * PBS Pro's estimate of when a queued job starts: the {@code estimated.start_time} its scheduler
 * sets on the jobs it plans around (with {@code strict_ordering} and {@code backfill_depth}; with
 * the scheduler's defaults it sets none), printed by {@code qstat -f -F json} as
 * {@code "estimated":{"start_time":"Sat Dec  5 13:01:49 2026", ...}} in the server's local time.
 * It sets it on an array as a whole, never on its queued elements, which hwf gives the array's.
 */
final class PbsEstimates {
    private static final DateTimeFormatter CTIME = DateTimeFormatter.ofPattern("EEE MMM d HH:mm:ss yyyy",
            Locale.ENGLISH);

    private PbsEstimates() {
    }

    /** The start in a job's {@code estimated} attribute; null when there is none or it cannot be read. */
    static LocalDateTime of(Object estimated) {
        if (!(estimated instanceof Map<?, ?> m) || m.get("start_time") == null) {
            return null;
        }
        try {
            return LocalDateTime.parse(m.get("start_time").toString().strip().replaceAll("\\s+", " "), CTIME);
        } catch (DateTimeParseException e) {
            return null; // an estimate hwf cannot read is no estimate; the job's state still counts
        }
    }

    /** The statuses, each queued array element without an estimate of its own given its array's. */
    static List<JobStatus> spreadToElements(List<JobStatus> statuses) {
        Map<String, LocalDateTime> arrays = new HashMap<>();
        for (JobStatus s : statuses) {
            if (s.arrayIndex() == null && s.estimatedStart() != null) {
                arrays.put(s.jobId().value(), s.estimatedStart());
            }
        }
        if (arrays.isEmpty()) {
            return statuses;
        }
        List<JobStatus> out = new ArrayList<>(statuses.size());
        for (JobStatus s : statuses) {
            LocalDateTime array = arrays.get(s.jobId().value());
            boolean inherits = s.arrayIndex() != null && s.state() == JobState.QUEUED && s.estimatedStart() == null;
            out.add(inherits && array != null ? s.withEstimatedStart(array) : s);
        }
        return out;
    }
}
