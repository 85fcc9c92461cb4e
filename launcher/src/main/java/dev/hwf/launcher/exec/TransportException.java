package dev.hwf.launcher.exec;

import dev.hwf.launcher.ExitCodes;
import dev.hwf.launcher.HwfException;

/**
 * A command could not be run at all, or did not finish in time: the program is missing, the
 * host is unreachable. Says nothing about the jobs; exit code 3 when it ends a command.
 */
public class TransportException extends HwfException {
    public TransportException(String message, Throwable cause) {
        super(ExitCodes.UNREACHABLE, message, cause);
    }
}
