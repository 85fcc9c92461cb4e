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
 * @param pending        why a QUEUED job waits, as the scheduler says, and whether that clears by itself;
 *                       null when it says nothing (and for any job not queued)
 */
public record JobStatus(JobId jobId, Integer arrayIndex, JobState state, String reason, String rawState,
                        LocalDateTime estimatedStart, PendingReason pending) {
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
        if (state != JobState.QUEUED) {
            pending = null; // only a queued job waits on something
        }
    }

    /** A status without a pending reason. */
    public JobStatus(JobId jobId, Integer arrayIndex, JobState state, String reason, String rawState,
                     LocalDateTime estimatedStart) {
        this(jobId, arrayIndex, state, reason, rawState, estimatedStart, null);
    }

    /** A status without a start estimate (every scheduler but PBS Pro, and any job not queued). */
    public JobStatus(JobId jobId, Integer arrayIndex, JobState state, String reason, String rawState) {
        this(jobId, arrayIndex, state, reason, rawState, null, null);
    }

    /** The same status with the scheduler's estimate of its start. */
    public JobStatus withEstimatedStart(LocalDateTime at) {
        return new JobStatus(jobId, arrayIndex, state, reason, rawState, at, pending);
    }

    /** The same status with why it waits (kept only while it is QUEUED). */
    public JobStatus withPending(PendingReason why) {
        return new JobStatus(jobId, arrayIndex, state, reason, rawState, estimatedStart, why);
    }

    /** Whether the scheduler says this job waits on something that cannot clear by itself. */
    public boolean isStuck() {
        return pending != null && pending.isStuck();
    }
}
