package dev.hwf.api;

/** A scheduler printed something an adapter cannot understand. The message quotes the output. */
public class SchedulerOutputException extends RuntimeException {
    private final String output;

    public SchedulerOutputException(String message, String output) {
        super(message + ": " + abbreviate(output));
        this.output = output;
    }

    public String output() {
        return output;
    }

    static String abbreviate(String s) {
        if (s == null) {
            return "<no output>";
        }
        String t = s.strip();
        if (t.isEmpty()) {
            return "<empty output>";
        }
        return t.length() > 300 ? "'" + t.substring(0, 300) + "...'" : "'" + t + "'";
    }
}
