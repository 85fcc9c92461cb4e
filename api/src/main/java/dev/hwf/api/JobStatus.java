package dev.hwf.api;

/**
 * What a scheduler's status output says about one job or one array element.
 *
 * @param jobId      the job (for an array, the array's id)
 * @param arrayIndex hwf's 0-based element index, or {@code null} for a job that is not an array
 *                   (or a line about the whole array)
 * @param state      the state mapped to hwf's states
 * @param reason     the scheduler's word for a failure (TIMEOUT, OUT_OF_MEMORY, NODE_FAIL, PREEMPTED,
 *                   CANCELLED, ...), or {@code null}
 * @param rawState   the scheduler's own state token as printed, for logs and the journal
 */
public record JobStatus(JobId jobId, Integer arrayIndex, JobState state, String reason, String rawState) {
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
}
