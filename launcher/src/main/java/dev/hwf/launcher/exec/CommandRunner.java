package dev.hwf.launcher.exec;

import dev.hwf.api.Command;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.slf4j.LoggerFactory;

/** The one seam through which every scheduler command runs: on this machine, or over SSH. */
public interface CommandRunner {
    /**
     * Runs the command to its end and returns whatever exit code it had.
     *
     * @throws TransportException when it could not be started or ran past {@code timeout}
     */
    CommandResult run(Command command, Duration timeout);

    /**
     * Runs a command that must not run twice (a submission): where the transport retries a command
     * it believes never started, it does not retry this one once it may have reached the other side,
     * and reports its outcome as unknown instead ({@link TransportException}), which hwf resolves by
     * looking the job up by name.
     */
    default CommandResult runOnce(Command command, Duration timeout) {
        return run(command, timeout);
    }

    /**
     * Runs commands that must not run twice ({@link #runOnce}), at most {@code inFlight} at once. The
     * results come in the commands' order; a null is a command whose outcome is not known (it did not
     * complete, or could not be started), which hwf resolves by looking its job up by name.
     */
    default List<CommandResult> runAllOnce(List<Command> commands, Duration timeout, int inFlight) {
        List<CommandResult> results = new ArrayList<>(Collections.nCopies(commands.size(), null));
        if (commands.isEmpty()) {
            return results;
        }
        ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, Math.min(inFlight, commands.size())), r -> {
            Thread th = new Thread(r, "hwf-submit");
            th.setDaemon(true);
            return th;
        });
        try {
            List<Future<CommandResult>> futures = new ArrayList<>();
            for (Command c : commands) {
                futures.add(pool.submit(() -> runOnce(c, timeout)));
            }
            for (int i = 0; i < futures.size(); i++) {
                try {
                    results.set(i, futures.get(i).get());
                } catch (ExecutionException e) {
                    // the caller says what a null means for its command; here only why
                    LoggerFactory.getLogger(CommandRunner.class).debug("'{}' on {} did not complete: {}",
                            commands.get(i).display(), where(), e.getCause().getMessage());
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            pool.shutdownNow();
        }
        return results;
    }

    /** Where the commands run, for messages: "this machine" or "alice@login1". */
    String where();

    /** The user the commands run as there: whose limits the scheduler applies. */
    default String user() {
        String u = System.getenv("USER");
        return u != null && !u.isBlank() ? u : System.getProperty("user.name");
    }
}
