package dev.hwf.launcher.journal;

import java.time.Instant;

/** Site limits as kept with a run: the JSON hwf wrote and when it read them. */
public record StoredLimits(String json, Instant readAt) {
}
