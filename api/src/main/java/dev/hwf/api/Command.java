package dev.hwf.api;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A command an adapter wants run: an argument vector (never a shell string), optionally a file
 * whose content is fed to the command's standard input (LSF's {@code bsub < script}), and
 * variables added to the command's environment (secrets handed to a job: the scheduler copies them
 * from its submit command's environment). Their values never appear in {@link #display()} or
 * {@link #toString()}, only their names.
 */
public record Command(List<String> argv, String stdinFile, Map<String, String> env) {
    public Command {
        argv = List.copyOf(argv);
        if (argv.isEmpty()) {
            throw new IllegalArgumentException("empty command");
        }
        env = env == null || env.isEmpty() ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(env));
        for (String name : env.keySet()) {
            if (!ShellQuote.isVariableName(name)) {
                throw new IllegalArgumentException("not a variable name: " + name);
            }
        }
    }

    /** A command with its environment unchanged. */
    public Command(List<String> argv, String stdinFile) {
        this(argv, stdinFile, Map.of());
    }

    public static Command of(String... argv) {
        return new Command(List.of(argv), null);
    }

    public static Command of(List<String> argv) {
        return new Command(argv, null);
    }

    /** The same command with these variables added to its environment. */
    public Command withEnv(Map<String, String> variables) {
        Map<String, String> all = new LinkedHashMap<>(env);
        all.putAll(variables);
        return new Command(argv, stdinFile, all);
    }

    /** The command as a user could paste it into a shell, for logs and error messages. */
    public String display() {
        StringBuilder sb = new StringBuilder();
        for (String name : env.keySet()) {
            sb.append(name).append("=<hidden> ");
        }
        int prefix = sb.length();
        for (String a : argv) {
            if (sb.length() > prefix) {
                sb.append(' ');
            }
            sb.append(ShellQuote.quote(a));
        }
        if (stdinFile != null) {
            sb.append(" < ").append(ShellQuote.quote(stdinFile));
        }
        return sb.toString();
    }

    /** As {@link #display()}: a record's own toString would print the variables' values. */
    @Override
    public String toString() {
        return "Command[" + display() + "]";
    }
}
