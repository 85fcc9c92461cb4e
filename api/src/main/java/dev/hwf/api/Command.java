package dev.hwf.api;

import java.util.List;

/**
 * A command an adapter wants run: an argument vector (never a shell string) and, optionally,
 * a file whose content is fed to the command's standard input (LSF's {@code bsub < script}).
 */
public record Command(List<String> argv, String stdinFile) {
    public Command {
        argv = List.copyOf(argv);
        if (argv.isEmpty()) {
            throw new IllegalArgumentException("empty command");
        }
    }

    public static Command of(String... argv) {
        return new Command(List.of(argv), null);
    }

    public static Command of(List<String> argv) {
        return new Command(argv, null);
    }

    /** The command as a user could paste it into a shell, for logs and error messages. */
    public String display() {
        StringBuilder sb = new StringBuilder();
        for (String a : argv) {
            if (sb.length() > 0) {
                sb.append(' ');
            }
            sb.append(ShellQuote.quote(a));
        }
        if (stdinFile != null) {
            sb.append(" < ").append(ShellQuote.quote(stdinFile));
        }
        return sb.toString();
    }
}
