package dev.hwf.launcher.ssh;

import dev.hwf.launcher.exec.TransportException;

/**
 * The SSH server was reached but hwf will not (unknown or changed host key) or may not (no key
 * accepted) log in. Trying again does not help, so hwf does not; exit code 3 like any
 * {@link TransportException}.
 */
public final class SshRefusedException extends TransportException {
    public SshRefusedException(String message, Throwable cause) {
        super(message, cause);
    }
}
