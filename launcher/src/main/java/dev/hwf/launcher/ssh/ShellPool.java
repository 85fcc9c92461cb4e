package dev.hwf.launcher.ssh;

import com.jcraft.jsch.JSchException;
import com.jcraft.jsch.Session;
import dev.hwf.launcher.exec.CommandResult;
import dev.hwf.launcher.exec.TransportException;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link RemoteShell}s of one {@link SshConnection}: idle shells are reused, one more is
 * started only when every shell is busy, and a host whose login shell cannot run one is marked so
 * once, after which its commands run on their own exec channels. Each shell holds one of the
 * connection's channel permits while it is open.
 */
final class ShellPool {
    /** Remote shells at most: one channel stays free for SFTP. */
    static final int MAX_SHELLS = SshConnection.MAX_CHANNELS - 1;
    static final Duration SHELL_START_TIMEOUT = Duration.ofSeconds(30);
    /** How long a command waits for a busy shell before another shell is started for it. */
    static final long SHELL_GROW_AFTER_MS = 100;

    /** The connection's logger: what it logs about its shells reads as before. */
    private static final Logger LOG = LoggerFactory.getLogger(SshConnection.class);

    private final SshConnection connection;
    private final Semaphore channels;
    private final Object shellLock = new Object();

    // guarded by shellLock
    private final Deque<RemoteShell> idleShells = new ArrayDeque<>();
    private int shellsOpen;
    private boolean shellStarting;
    private boolean shellEverStarted;
    private volatile boolean shellUnavailable;

    ShellPool(SshConnection connection, Semaphore channels) {
        this.connection = connection;
        this.channels = channels;
    }

    private String where() {
        return connection.target().display();
    }

    /** False once this host's login shell has shown it cannot run a remote shell. */
    boolean usable() {
        return !shellUnavailable;
    }

    /** Runs the command on one of the connection's remote shells; null when this host cannot run one. */
    CommandResult run(String commandLine, String display, Duration timeout, boolean once) {
        for (int attempt = 0; ; attempt++) {
            RemoteShell sh = takeShell(timeout, display);
            if (sh == null) {
                return null;
            }
            try {
                CommandResult r = sh.run(commandLine, timeout);
                synchronized (shellLock) {
                    idleShells.push(sh);
                    shellLock.notifyAll();
                }
                return r;
            } catch (RemoteShell.Lost e) {
                discard(sh);
                if (e.timedOut) {
                    throw connection.didNotFinish(display, timeout, e);
                }
                if (attempt == 0 && (once ? !e.written : !e.started)) {
                    // the shell never took the line: the command did not run (for one that must not run
                    // twice: the line was not even written), so it may go again
                    LOG.debug("ssh: '{}' did not start on {} ({}); once more", display, where(),
                            e.getMessage());
                    continue;
                }
                String how = sh.session().isConnected() ? "the remote shell running it ended (" + e.getMessage() + ")"
                        : "the SSH connection to " + where() + " dropped";
                throw new TransportException(e.started || e.written ? "while '" + display + "' ran, " + how
                        + "; its outcome is unknown" : "cannot start '" + display + "': " + how, e);
            }
        }
    }

    /**
     * An idle live shell, or a new one; null when this host's login shell cannot run one. Shells
     * start one at a time, and only for a command that found every shell busy for
     * {@value #SHELL_GROW_AFTER_MS} ms: a start costs the login shell's whole start-up, in which one
     * shell runs dozens of short commands.
     */
    private RemoteShell takeShell(Duration timeout, String display) {
        long started = System.nanoTime();
        long deadline = started + timeout.toNanos();
        synchronized (shellLock) {
            while (true) {
                if (shellUnavailable) {
                    return null;
                }
                while (!idleShells.isEmpty()) {
                    RemoteShell sh = idleShells.pop();
                    if (sh.alive()) {
                        return sh;
                    }
                    closeIdle(sh);
                }
                boolean waitedEnough = shellsOpen == 0
                        || System.nanoTime() - started >= TimeUnit.MILLISECONDS.toNanos(SHELL_GROW_AFTER_MS);
                if (!shellStarting && waitedEnough && shellsOpen < MAX_SHELLS && channels.tryAcquire()) {
                    shellsOpen++;
                    shellStarting = true;
                    break;
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw connection.busy(timeout, display);
                }
                try {
                    shellLock.wait(Math.max(1, Math.min(50, TimeUnit.NANOSECONDS.toMillis(left))));
                } catch (InterruptedException e) {
                    throw SshConnection.interrupted(display, e);
                }
            }
        }
        boolean made = false;
        try {
            for (int attempt = 0; ; attempt++) {
                Session s = connection.session();
                try {
                    long t0 = System.nanoTime();
                    RemoteShell sh = RemoteShell.start(s, SHELL_START_TIMEOUT);
                    made = true;
                    synchronized (shellLock) {
                        shellEverStarted = true;
                    }
                    LOG.debug("ssh: started a remote shell on {} in {} ms", where(),
                            (System.nanoTime() - t0) / 1_000_000);
                    return sh;
                } catch (RemoteShell.Unavailable e) {
                    synchronized (shellLock) {
                        if (shellEverStarted) { // it worked before: this is trouble of the moment
                            throw new TransportException("cannot start another remote shell on " + where()
                                    + ": " + e.getMessage(), e);
                        }
                    }
                    shellUnavailable = true;
                    LOG.info("ssh: {} on {}; running each command on its own exec channel", e.getMessage(),
                            where());
                    return null;
                } catch (JSchException | IOException e) {
                    if (attempt == 0 && SshConnection.lost(s, e)) {
                        continue;
                    }
                    throw new TransportException("cannot start a remote shell for '" + display + "' on "
                            + where() + ": " + e.getMessage(), e);
                }
            }
        } finally {
            synchronized (shellLock) {
                shellStarting = false;
                if (!made) {
                    shellsOpen--;
                    channels.release();
                }
                shellLock.notifyAll();
            }
        }
    }

    private void discard(RemoteShell sh) {
        sh.close();
        synchronized (shellLock) {
            shellsOpen--;
            shellLock.notifyAll();
        }
        channels.release();
    }

    /** Closes the idle shells, giving back their channels. */
    void close() {
        synchronized (shellLock) {
            idleShells.forEach(this::closeIdle);
            idleShells.clear();
        }
    }

    /** Closes a shell taken from the idle ones (under shellLock), giving back its channel. */
    private void closeIdle(RemoteShell sh) {
        sh.close();
        shellsOpen--;
        channels.release();
    }
}
