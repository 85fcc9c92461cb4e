package dev.hwf.launcher.journal;

import dev.hwf.api.JobState;

/**
 * What an event of the journal records ({@code hwf_event.state}): a state an element, task or run
 * entered, or one of the steps that are no state of their own.
 */
public enum EventKind {
    /** An element or task waiting again (a retry), or a new reason it is held back. */
    WAITING,
    /** An element whose inputs are being copied from another site. */
    STAGING,
    /** Claimed for an attempt; on a task, the job id the scheduler gave the attempt. */
    QUEUED,
    /** An element, task or run running. */
    RUNNING,
    SUCCEEDED,
    FAILED,
    CANCELLED,
    /** A task claimed for an attempt, before its job reaches the scheduler; the reason names the job. */
    SUBMITTING,
    /**
     * An attempt withdrawn from its site before any of its elements started ({@code replaceAfter}):
     * its jobs are cancelled and its elements placed again; the reason says where and after how long.
     */
    WITHDRAWN,
    /** A service attempt found ready; the reason is where it answers. */
    READY,
    /** A task recorded SUCCEEDED at once from an earlier run ({@code hwf submit --reuse}). */
    REUSED,
    /** A run switched to a new workflow version ({@code hwf resume --file/--set}). */
    VERSION,
    /** A run resumed. */
    RESUMED;

    /** The event of entering an element's or task's state. */
    public static EventKind of(JobState state) {
        return valueOf(state.name());
    }

    /** The event of entering a run's state. */
    public static EventKind of(RunState state) {
        return valueOf(state.name());
    }
}
