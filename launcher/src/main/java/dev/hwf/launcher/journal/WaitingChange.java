package dev.hwf.launcher.journal;

import dev.hwf.api.JobState;

/**
 * A change to every WAITING element of a task from index {@code from} on, as they are when written: to
 * {@code to} (CANCELLED or FAILED, ended now) with the reason, or, to WAITING, only the reason (a gate's).
 */
public record WaitingChange(String task, int from, JobState to, String reason) {
}
