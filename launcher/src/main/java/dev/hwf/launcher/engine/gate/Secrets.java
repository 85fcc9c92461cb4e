package dev.hwf.launcher.engine.gate;

import dev.hwf.api.ShellQuote;
import dev.hwf.launcher.workflow.Task;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;

/**
 * A task's secrets ({@code env: {NAME: {fromEnv: VAR}}}) at a submission: their values are read
 * from the submitting process's environment each time, added to the submit command's environment
 * (never to a file or a command line), and forgotten.
 */
public final class Secrets {
    private Secrets() {
    }

    /**
     * Why the task's secrets cannot be read now (a variable that is not set, or not one line), or
     * null when they all can. The reason is what {@code hwf status} shows on the held elements.
     */
    static String unreadable(Task task, Function<String, String> environment) {
        for (String variable : task.secrets().values()) {
            String value = environment.apply(variable);
            if (value == null) {
                return "secret " + variable + " not set";
            }
            if (!ShellQuote.isOneLine(value)) {
                return "secret " + variable + " is not one line";
            }
        }
        return null;
    }

    /** The job's variables and their values now; call after {@link #unreadable} said null. */
    public static Map<String, String> values(Task task, Function<String, String> environment) {
        Map<String, String> values = new LinkedHashMap<>();
        task.secrets().forEach((name, variable) -> {
            String value = environment.apply(variable);
            if (value == null) {
                throw new IllegalStateException("secret " + variable + " not set");
            }
            values.put(name, value);
        });
        return values;
    }

    /** Holds a task's elements back while one of its secrets cannot be read here. */
    static SubmitGate gate(Function<String, String> environment) {
        return (task, waiting) -> {
            String why = task.secrets().isEmpty() ? null : unreadable(task, environment);
            return why == null ? SubmitGate.Verdict.go() : SubmitGate.Verdict.upTo(0, why);
        };
    }
}
