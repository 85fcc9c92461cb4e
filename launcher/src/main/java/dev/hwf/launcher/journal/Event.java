package dev.hwf.launcher.journal;

import java.time.Instant;

/** One recorded state change, {@code state} an {@link EventKind}'s name; task and index null for a run's. */
public record Event(String task, Integer index, Integer attempt, Instant at, String state, String reason,
                    String jobId) {
}
