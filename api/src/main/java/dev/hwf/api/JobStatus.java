package dev.hwf.api;

import java.time.LocalDateTime;

/**
 * What a scheduler's status output says about one job or one array element.
 *
 * @param jobId          the job (for an array, the array's id)
 * @param arrayIndex     hwf's 0-based element index, or {@code null} for a job that is not an array
 *                       (or a line about the whole array)
 * @param state          the state mapped to hwf's states
 * @param reason         the scheduler's word for a failure (TIMEOUT, OUT_OF_MEMORY, NODE_FAIL, PREEMPTED,
 *                       CANCELLED, ...), or {@code null}
 * @param rawState       the scheduler's own state token as printed, for logs and the journal
 * @param estimatedStart when the scheduler expects a queued job to start, in the site's local time as
 *                       it prints it (PBS Pro's {@code estimated.start_time}); null when it gives none
 */
public record JobStatus(JobId jobId, Integer arrayIndex, JobState state, String reason, String rawState,
                        LocalDateTime estimatedStart) {
    public JobStatus {
        if (jobId == null || state == null) {
            throw new IllegalArgumentException("jobId and state are required");
        }
        if (arrayIndex != null && arrayIndex < 0) {
            throw new IllegalArgumentException("array index must be >= 0: " + arrayIndex);
        }
        if (state == JobState.WAITING) {
            throw new IllegalArgumentException("a scheduler never reports WAITING; use QUEUED");
        }
    }

    /** A status without a start estimate (every scheduler but PBS Pro, and any job not queued). */
    public JobStatus(JobId jobId, Integer arrayIndex, JobState state, String reason, String rawState) {
        this(jobId, arrayIndex, state, reason, rawState, null);
    }

    /** The same status with the scheduler's estimate of its start. */
    public JobStatus withEstimatedStart(LocalDateTime at) {
        return new JobStatus(jobId, arrayIndex, state, reason, rawState, at);
    }
}
