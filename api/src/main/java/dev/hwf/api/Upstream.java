package dev.hwf.api;

/**
 * A job a dependant waits for in the scheduler's queue: a whole job (for an array, every element
 * of it), or one element of an array job.
 *
 * @param job        the job, as hwf recorded it
 * @param arrayIndex the element's index in the scheduler's array (0-based, as in
 *                   {@link JobRequest#arrayIndices()}), or null for the whole job
 */
public record Upstream(JobId job, Integer arrayIndex) {
    public Upstream {
        if (job == null || arrayIndex != null && arrayIndex < 0) {
            throw new IllegalArgumentException("an upstream job needs an id and an index >= 0");
        }
    }

    /** The whole job. */
    public static Upstream job(String id) {
        return new Upstream(new JobId(id), null);
    }
}
