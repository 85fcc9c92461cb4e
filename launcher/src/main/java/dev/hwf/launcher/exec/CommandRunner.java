package dev.hwf.launcher.exec;

import dev.hwf.api.Command;
import java.time.Duration;

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

    /** Where the commands run, for messages: "this machine" or "alice@login1". */
    String where();

    /** The user the commands run as there: whose limits the scheduler applies. */
    default String user() {
        String u = System.getenv("USER");
        return u != null && !u.isBlank() ? u : System.getProperty("user.name");
    }
}
