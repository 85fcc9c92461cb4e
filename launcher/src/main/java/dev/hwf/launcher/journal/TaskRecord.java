package dev.hwf.launcher.journal;

import dev.hwf.api.JobState;
import java.time.Instant;

/** A row of the task table: the task's state as derived from its elements. */
public record TaskRecord(String name, int position, JobState state, String reason, int attempt, String jobId,
                         Integer exitCode, int arraySize, Instant submittedAt, Instant startedAt, Instant endedAt) {
}
