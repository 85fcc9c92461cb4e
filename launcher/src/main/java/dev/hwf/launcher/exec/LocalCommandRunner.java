package dev.hwf.launcher.exec;

import dev.hwf.api.Command;
import java.io.ByteArrayOutputStream;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.commons.exec.CommandLine;
import org.apache.commons.exec.DefaultExecutor;
import org.apache.commons.exec.ExecuteException;
import org.apache.commons.exec.ExecuteWatchdog;
import org.apache.commons.exec.PumpStreamHandler;

/**
 * Runs commands as processes on this machine (Commons Exec), never through a shell; a command's
 * variables are added to the environment the process starts with.
 */
public final class LocalCommandRunner implements CommandRunner {

    @Override
    public CommandResult run(Command command, Duration timeout) {
        CommandLine line = new CommandLine(command.argv().get(0));
        for (String arg : command.argv().subList(1, command.argv().size())) {
            line.addArgument(arg, false); // argv goes to exec as is: no quoting games
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        ExecuteWatchdog watchdog = ExecuteWatchdog.builder().setTimeout(timeout).get();
        DefaultExecutor executor = DefaultExecutor.builder().get();
        executor.setExitValues(null);
        executor.setWatchdog(watchdog);
        try (InputStream in = command.stdinFile() == null ? InputStream.nullInputStream()
                : new FileInputStream(command.stdinFile())) {
            executor.setStreamHandler(new PumpStreamHandler(out, err, in));
            int code;
            if (command.env().isEmpty()) {
                code = executor.execute(line);
            } else {
                // the process's environment plus the command's variables, handed over in memory
                Map<String, String> env = new HashMap<>(System.getenv());
                env.putAll(command.env());
                code = executor.execute(line, env);
            }
            if (watchdog.killedProcess()) {
                throw new TransportException("'" + command.display() + "' on " + where() + " did not finish within "
                        + timeout.toSeconds() + " s", null);
            }
            return new CommandResult(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        } catch (ExecuteException e) {
            throw new TransportException("'" + command.display() + "' failed to run on " + where() + ": "
                    + e.getMessage(), e);
        } catch (IOException e) {
            throw new TransportException("cannot run '" + command.argv().get(0) + "' on " + where() + ": "
                    + e.getMessage() + ". Is it installed and on PATH?", e);
        }
    }

    /** Through a few shells on this machine ({@link ShellBatch}), as a shell loop runs them. */
    @Override
    public List<CommandResult> runAllOnce(List<Command> commands, Duration timeout, int inFlight) {
        return ShellBatch.run(commands, timeout, inFlight);
    }

    @Override
    public String where() {
        return "this machine";
    }
}
