package dev.hwf.launcher;

/** Exit codes of SPEC.md section 4. */
public final class ExitCodes {
    /** Everything SUCCEEDED (or the command did what it was asked). */
    public static final int OK = 0;
    /** A task failed. */
    public static final int TASK_FAILED = 1;
    /** Bad input or usage: the workflow file, an option, a run id. */
    public static final int BAD_INPUT = 2;
    /** The scheduler or the SSH host could not be reached. */
    public static final int UNREACHABLE = 3;

    private ExitCodes() {
    }
}
