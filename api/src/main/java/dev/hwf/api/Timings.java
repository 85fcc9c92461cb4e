package dev.hwf.api;

import java.time.Duration;

/**
 * How long hwf waits on a scheduler, as its adapter sets the defaults (the launcher lets the
 * environment override some of them: HWF_LOST_AFTER, HWF_SUBMIT_GRACE, HWF_POLL_INTERVAL).
 *
 * @param lostAfter    how long a job may be missing from the scheduler's answers, with no exit code
 *                     file, before it counts as LOST; {@link Duration#ZERO} for a scheduler whose
 *                     answer is exact (a job it no longer shows has ended and written its files), which
 *                     no override changes
 * @param submitGrace  how long after a claim an attempt with no job id, which the scheduler does not
 *                     know by name, may still be on its way before it counts as never submitted
 * @param pollInterval the time between two passes over a run that hwf follows
 */
public record Timings(Duration lostAfter, Duration submitGrace, Duration pollInterval) {
    /** A cluster's: a job may need a while to show its files on a shared file system, a submit may hang. */
    public static final Timings CLUSTER = new Timings(Duration.ofSeconds(120), Duration.ofSeconds(90),
            Duration.ofSeconds(5));

    public Timings {
        if (lostAfter == null || submitGrace == null || pollInterval == null || lostAfter.isNegative()
                || submitGrace.isNegative() || pollInterval.isNegative() || pollInterval.isZero()) {
            throw new IllegalArgumentException("timings must be >= 0 (the poll interval > 0)");
        }
    }
}
