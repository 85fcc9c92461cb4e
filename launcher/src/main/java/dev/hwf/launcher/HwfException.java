package dev.hwf.launcher;

/**
 * The one exception family a user sees. Its message says what went wrong and what to do next;
 * its exit code is the one SPEC.md section 4 gives for the case.
 */
public class HwfException extends RuntimeException {
    private final int exitCode;

    public HwfException(int exitCode, String message) {
        super(message);
        this.exitCode = exitCode;
    }

    public HwfException(int exitCode, String message, Throwable cause) {
        super(message, cause);
        this.exitCode = exitCode;
    }

    public int exitCode() {
        return exitCode;
    }
}
