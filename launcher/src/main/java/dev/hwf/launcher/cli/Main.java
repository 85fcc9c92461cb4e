package dev.hwf.launcher.cli;

import dev.hwf.launcher.ExitCodes;
import dev.hwf.launcher.HwfException;
import dev.hwf.launcher.ssh.SshConnections;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.util.List;
import picocli.CommandLine;

/** The {@code hwf} program. Exit codes follow SPEC.md section 4. */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    /**
     * The commands to build the command line with: the one {@code args} names, or all of them when
     * they name none (help, a usage error, a misspelt command and its suggestions), or name the one
     * that describes them all (completion). picocli builds each command's model from its annotations
     * when it is added, which for all fourteen costs about as much as the JVM's start. {@code hwf
     * --version} alone needs none.
     */
    static List<Class<?>> commands(String[] args) {
        if (args.length == 1 && (args[0].equals("--version") || args[0].equals("-V"))) {
            return List.of();
        }
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (a.equals("--journal")) {
                i++; // its value
            } else if (!a.startsWith("-")) {
                for (Class<?> c : HwfCommand.COMMANDS) {
                    if (c.getAnnotation(CommandLine.Command.class).name().equals(a)) {
                        return c == CompletionCommand.class ? HwfCommand.COMMANDS : List.of(c);
                    }
                }
                break;
            } else if (a.equals("--")) {
                break;
            }
        }
        return HwfCommand.COMMANDS;
    }

    /** hwf's command line with every command: its whole model, as the man page is made from it (bin/release). */
    public static CommandLine commandLine() {
        return commandLine(System.out, System.err, HwfCommand.COMMANDS);
    }

    private static CommandLine commandLine(PrintStream out, PrintStream err, List<Class<?>> commands) {
        CommandLine cli = new CommandLine(new HwfCommand(out, err));
        for (Class<?> command : commands) {
            cli.addSubcommand(command);
        }
        return cli;
    }

    /** Runs one hwf command and returns its exit code; used by {@link #main} and by tests. */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        Logging.configure(args);
        if (Logging.has(args, "-q", "--quiet") && Logging.has(args, "-v", "--verbose")) {
            err.println("hwf: --quiet and --verbose contradict each other; give one of them");
            return ExitCodes.BAD_INPUT;
        }
        CommandLine cli = commandLine(out, err, commands(args));
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        cli.setParameterExceptionHandler((ex, a) -> {
            err.println("hwf: " + ex.getMessage());
            CommandLine.UnmatchedArgumentException.printSuggestions(ex, err);
            err.println("Run 'hwf " + (ex.getCommandLine().getCommandName().equals("hwf") ? ""
                    : ex.getCommandLine().getCommandName() + " ") + "--help' for usage.");
            return ExitCodes.BAD_INPUT;
        });
        cli.setExecutionExceptionHandler((ex, c, parsed) -> {
            if (ex instanceof HwfException h) {
                err.println("hwf: " + h.getMessage());
                return h.exitCode();
            }
            err.println("hwf: internal error: " + ex);
            ex.printStackTrace(err);
            err.println("This is a bug in hwf; please report it with the lines above.");
            return ExitCodes.TASK_FAILED;
        });
        try {
            return cli.execute(args);
        } finally {
            SshConnections.closeAll(); // the command's one SSH connection per host ends with it
        }
    }
}
