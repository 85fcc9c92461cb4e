package dev.hwf.launcher.journal;

import java.time.Instant;

/**
 * The start a site's scheduler estimates for an attempt still queued there, as hwf last read it
 * from the scheduler's status (PBS Pro's {@code estimated.start_time}): kept as the attempt's
 * {@code estimated_start}.
 */
public record Estimated(String task, int attempt, Instant at) {
}
