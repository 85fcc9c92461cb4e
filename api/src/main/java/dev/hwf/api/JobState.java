package dev.hwf.api;

/** The states hwf records for a task or an array element (SPEC section 4). */
public enum JobState {
    /** Not yet submitted. */
    WAITING,
    /**
     * Not yet submitted: its upstream has succeeded on another site and hwf is copying the files
     * it takes from there into its task directory (SPEC section 7).
     */
    STAGING,
    QUEUED,
    RUNNING,
    SUCCEEDED,
    FAILED,
    CANCELLED;

    public boolean isFinal() {
        return this == SUCCEEDED || this == FAILED || this == CANCELLED;
    }

    public boolean isLive() {
        return this == QUEUED || this == RUNNING;
    }
}
