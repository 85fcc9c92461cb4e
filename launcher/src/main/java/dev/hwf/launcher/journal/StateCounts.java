package dev.hwf.launcher.journal;

import dev.hwf.api.JobState;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;

/**
 * How many of a task's elements are in each state, and the running seconds of those that are
 * not live (the ended ones, earlier tries included, and the earlier tries of WAITING ones): what
 * status lines and the GPU-hour budget need of the elements a pass does not read one by one.
 */
public final class StateCounts {
    public static final StateCounts NONE = new StateCounts(new int[JobState.values().length], 0);

    private final int[] counts;
    private final double settledSeconds;

    StateCounts(int[] counts, double settledSeconds) {
        this.counts = counts;
        this.settledSeconds = settledSeconds;
    }

    /** The counts of a list of elements. */
    public static StateCounts of(List<ElementRecord> elements) {
        int[] counts = new int[JobState.values().length];
        double seconds = 0;
        for (ElementRecord e : elements) {
            counts[e.state().ordinal()]++;
            if (e.state().isFinal()) {
                seconds += e.earlierSeconds() + runningSeconds(e.startedAt(), e.endedAt());
            } else if (e.state() == JobState.WAITING) {
                seconds += e.earlierSeconds();
            }
        }
        return new StateCounts(counts, seconds);
    }

    private static double runningSeconds(Instant start, Instant end) {
        if (start == null || end == null) {
            return 0;
        }
        return Math.max(0, Duration.between(start, end).toNanos()) / 1e9;
    }

    public int of(JobState state) {
        return counts[state.ordinal()];
    }

    public int total() {
        int n = 0;
        for (int c : counts) {
            n += c;
        }
        return n;
    }

    /** Elements not ended: WAITING, QUEUED or RUNNING. */
    public int open() {
        return of(JobState.WAITING) + of(JobState.QUEUED) + of(JobState.RUNNING);
    }

    /** Running seconds of the elements not live: the ended ones' tries, and the earlier tries of WAITING ones. */
    public double settledSeconds() {
        return settledSeconds;
    }

    @Override
    public boolean equals(Object o) {
        // SQLite's julianday() keeps milliseconds: the journal's sums may differ by up to one per element
        return o instanceof StateCounts s && Arrays.equals(counts, s.counts)
                && Math.abs(settledSeconds - s.settledSeconds) <= 0.01 + 0.001 * total();
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(counts);
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("{");
        for (JobState s : JobState.values()) {
            if (of(s) > 0) {
                sb.append(sb.length() > 1 ? ", " : "").append(s).append('=').append(of(s));
            }
        }
        return sb.append(", settledSeconds=").append(settledSeconds).append('}').toString();
    }
}
