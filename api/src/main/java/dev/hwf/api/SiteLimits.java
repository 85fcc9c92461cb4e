package dev.hwf.api;

/**
 * The limits a site sets on one user's jobs, as far as hwf could learn them; a null field is a
 * limit that is unknown or absent. hwf never has more live jobs than {@code maxJobs} (array
 * elements count one each, as schedulers count them) and never sends an array whose scheduler
 * indices reach {@code maxArraySize}.
 *
 * @param maxArraySize   an array job's indices must stay below this (Slurm's MaxArraySize, PBS's
 *                       max_array_size, LSF's MAX_JOB_ARRAY_SIZE)
 * @param maxJobs        live (queued or running) jobs the user may have at once
 * @param maxJobsSource  where maxJobs comes from, for the reason of held work, e.g. "QOS normal"
 */
public record SiteLimits(Integer maxArraySize, Integer maxJobs, String maxJobsSource) {
    /** Nothing known. */
    public static final SiteLimits NONE = new SiteLimits(null, null, null);

    public SiteLimits {
        if ((maxArraySize != null && maxArraySize < 1) || (maxJobs != null && maxJobs < 1)) {
            throw new IllegalArgumentException("limits must be >= 1: " + maxArraySize + ", " + maxJobs);
        }
    }

    /** These limits with {@code other}'s known values winning (the workflow's site settings over discovery). */
    public SiteLimits overriddenBy(SiteLimits other) {
        return new SiteLimits(other.maxArraySize != null ? other.maxArraySize : maxArraySize,
                other.maxJobs != null ? other.maxJobs : maxJobs,
                other.maxJobs != null ? other.maxJobsSource : maxJobsSource);
    }

    /** The smaller of two optional limits. */
    public static Integer min(Integer a, Integer b) {
        return a == null ? b : b == null ? a : Integer.valueOf(Math.min(a, b));
    }
}
