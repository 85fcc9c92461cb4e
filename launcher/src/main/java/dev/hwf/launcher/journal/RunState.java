package dev.hwf.launcher.journal;

/**
 * A run's state: RUNNING while any task is not final, then how it ended. The journal's
 * {@code hwf_run.state} holds its name, and so do {@link RunRecord#state()} and the JSON of
 * {@code hwf status} and {@code hwf runs}.
 */
public enum RunState {
    RUNNING,
    SUCCEEDED,
    FAILED,
    CANCELLED;

    /** Whether the run has ended. */
    public boolean isFinal() {
        return this != RUNNING;
    }
}
