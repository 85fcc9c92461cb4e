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

    /** Where the commands run, for messages: "this machine" or "alice@login1". */
    String where();

    /** The user the commands run as there: whose limits the scheduler applies. */
    default String user() {
        String u = System.getenv("USER");
        return u != null && !u.isBlank() ? u : System.getProperty("user.name");
    }
}
