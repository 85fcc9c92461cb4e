package dev.hwf.launcher.journal;

import java.util.Collection;
import java.util.Collections;

/**
 * A job id the scheduler gave an attempt whose elements lie from {@code fromIndex} to {@code toIndex}:
 * found by key, not among all of a task's (a packed task has an attempt per bundle of 64 elements).
 */
public record Submitted(String task, int attempt, String jobId, int fromIndex, int toIndex) {
    /** An attempt whose elements may have any index. */
    public Submitted(String task, int attempt, String jobId) {
        this(task, attempt, jobId, 0, Integer.MAX_VALUE);
    }

    /** The attempt of a claim, bounded by its indices. */
    public Submitted(Claim claim, String jobId) {
        this(claim.task(), claim.attempt(), jobId, claim.indices());
    }

    /** An attempt bounded by the indices of its elements (none: any index). */
    public Submitted(String task, int attempt, String jobId, Collection<Integer> indices) {
        this(task, attempt, jobId, indices.isEmpty() ? 0 : Collections.min(indices),
                indices.isEmpty() ? Integer.MAX_VALUE : Collections.max(indices));
    }
}
