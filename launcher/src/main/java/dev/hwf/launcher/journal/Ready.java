package dev.hwf.launcher.journal;

/** A service attempt found ready: where it answers. */
public record Ready(String task, int attempt, String endpoint) {
}
