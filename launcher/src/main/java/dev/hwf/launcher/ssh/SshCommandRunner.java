package dev.hwf.launcher.ssh;

import dev.hwf.api.Command;
import dev.hwf.api.ShellQuote;
import dev.hwf.launcher.ExitCodes;
import dev.hwf.launcher.HwfException;
import dev.hwf.launcher.exec.CommandResult;
import dev.hwf.launcher.exec.CommandRunner;
import java.time.Duration;

/**
 * Runs scheduler commands on a cluster over SSH, each as an exec channel on the process's one
 * connection to it. SSH carries a command line, not an argument vector, and the remote login shell
 * parses it; so every argument is quoted as one shell word, and a stdin file becomes a
 * {@code < path} redirection on the remote side. The login shell must be a POSIX one (sh, bash,
 * ksh, zsh; not csh or fish).
 */
public final class SshCommandRunner implements CommandRunner {
    private final SshConnection connection;

    public SshCommandRunner(SshConnection connection) {
        this.connection = connection;
    }

    @Override
    public CommandResult run(Command command, Duration timeout) {
        return connection.exec(commandLine(command), command.env(), command.display(), timeout);
    }

    /** Never sent a second time once the line may have reached the remote shell (see {@link SshConnection}). */
    @Override
    public CommandResult runOnce(Command command, Duration timeout) {
        return connection.exec(commandLine(command), command.env(), command.display(), timeout, true);
    }

    @Override
    public String user() {
        return connection.target().user();
    }

    @Override
    public String where() {
        return connection.target().where();
    }

    /** The remote command line: each argument one quoted word ({@link ShellQuote#command}); stdin as {@code < quoted-path}. */
    public static String commandLine(Command command) {
        command.argv().forEach(SshCommandRunner::noNul);
        StringBuilder sb = new StringBuilder(ShellQuote.command(command.argv()));
        if (command.stdinFile() != null) {
            sb.append(" < ").append(ShellQuote.word(noNul(command.stdinFile())));
        }
        return sb.toString();
    }

    private static String noNul(String arg) {
        if (arg.indexOf('\0') >= 0) {
            throw new HwfException(ExitCodes.BAD_INPUT, "a command argument holds a NUL character, which no remote "
                    + "command line can carry: " + arg.replace("\0", "\\0"));
        }
        return arg;
    }
}
