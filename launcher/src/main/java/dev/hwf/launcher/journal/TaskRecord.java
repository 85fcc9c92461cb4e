package dev.hwf.launcher.journal;

import dev.hwf.api.JobState;
import java.time.Instant;

/**
 * A row of the task table: the task's state as derived from its elements.
 *
 * @param reusedFrom the run whose SUCCEEDED task this one was recorded as, unchanged
 *                   ({@code hwf submit --reuse}); null for a task that ran in this run
 */
public record TaskRecord(String name, int position, JobState state, String reason, int attempt, String jobId,
                         Integer exitCode, int arraySize, Instant submittedAt, Instant startedAt, Instant endedAt,
                         String reusedFrom) {
    /** A task that ran in its own run. */
    public TaskRecord(String name, int position, JobState state, String reason, int attempt, String jobId,
                      Integer exitCode, int arraySize, Instant submittedAt, Instant startedAt, Instant endedAt) {
        this(name, position, state, reason, attempt, jobId, exitCode, arraySize, submittedAt, startedAt, endedAt, null);
    }
}
