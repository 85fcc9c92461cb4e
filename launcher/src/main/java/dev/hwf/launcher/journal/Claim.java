package dev.hwf.launcher.journal;

import java.util.List;

/**
 * A claim on a task's WAITING elements for its next attempt.
 *
 * @param lastAttempt the task's attempt counter as read; the claim is for {@code lastAttempt + 1}
 */
public record Claim(String task, int lastAttempt, List<Integer> indices, String jobName, int indexOffset,
                    Placed placed) {
    public Claim {
        indices = List.copyOf(indices);
    }

    /** A claim on a workflow's one site, recorded without a site. */
    public Claim(String task, int lastAttempt, List<Integer> indices, String jobName, int indexOffset) {
        this(task, lastAttempt, indices, jobName, indexOffset, null);
    }

    /** A claim whose scheduler array indices are the element indices. */
    public Claim(String task, int lastAttempt, List<Integer> indices, String jobName) {
        this(task, lastAttempt, indices, jobName, 0);
    }

    public int attempt() {
        return lastAttempt + 1;
    }
}
