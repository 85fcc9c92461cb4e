package dev.hwf.api;

import java.util.Collection;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Quoting for POSIX shells. Everything a user writes, except a task's own command, passes through
 * here before it reaches a script or a command line.
 */
public final class ShellQuote {
    // compiled once: quote() runs for every value of every script and scheduler command line
    private static final Pattern BARE = Pattern.compile("[A-Za-z0-9_@%+=:,./-]+");
    private static final Pattern VARIABLE = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

    private ShellQuote() {
    }

    /**
     * The value as one shell word that expands to exactly the value: bare when it holds only
     * safe characters, otherwise in single quotes with embedded single quotes as {@code '\''}.
     */
    public static String quote(String value) {
        if (value.isEmpty()) {
            return "''";
        }
        if (BARE.matcher(value).matches()) {
            return value;
        }
        return "'" + value.replace("'", "'\\''") + "'";
    }

    /**
     * The value as one word of a command line, after its first: {@link #quote}, and quoted also when
     * it starts with '=' (zsh expands a bare {@code =cmd} to the command's path).
     */
    public static String word(String value) {
        String q = quote(value);
        return q.startsWith("=") ? "'" + q + "'" : q; // bare means safe characters only: no quote inside
    }

    /**
     * A command's words as one shell command line, each expanding to exactly itself ({@link #word});
     * the first quoted also when it holds '=', which a shell would read as a variable assignment
     * (after other assignments too).
     */
    public static String command(List<String> argv) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < argv.size(); i++) {
            String q = word(argv.get(i));
            if (i == 0 && q.equals(argv.get(i)) && q.contains("=")) {
                q = "'" + q + "'";
            }
            sb.append(i == 0 ? "" : " ").append(q);
        }
        return sb.toString();
    }

    /**
     * True when the value stays on one line wherever it goes (a script's directive, a secret's
     * value, a line a remote shell reads): no line break, no NUL.
     */
    public static boolean isOneLine(String value) {
        return value.indexOf('\n') < 0 && value.indexOf('\r') < 0 && value.indexOf('\0') < 0;
    }

    /** True when the string is a valid shell variable name. */
    public static boolean isVariableName(String name) {
        return VARIABLE.matcher(name).matches();
    }

    /**
     * Variable names joined by commas, as {@code sbatch --export} and {@code qsub -v} take them.
     *
     * @throws IllegalArgumentException for a name that is not a variable name
     */
    public static String variableList(Collection<String> names) {
        for (String name : names) {
            if (!isVariableName(name)) {
                throw new IllegalArgumentException("not a variable name: " + name);
            }
        }
        return String.join(",", names);
    }
}
