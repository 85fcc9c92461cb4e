package dev.hwf.launcher.ssh;

import com.jcraft.jsch.Channel;
import com.jcraft.jsch.ChannelExec;
import com.jcraft.jsch.ChannelSftp;
import com.jcraft.jsch.JSchException;
import com.jcraft.jsch.Session;
import com.jcraft.jsch.SftpException;
import dev.hwf.api.ShellQuote;
import dev.hwf.launcher.HwfException;
import dev.hwf.launcher.exec.CommandResult;
import dev.hwf.launcher.exec.TransportException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One SSH connection (a JSch session) to one target, shared by everything an hwf process does
 * there: scheduler commands run on channels of it, and one long-lived SFTP channel carries the
 * files. It connects on first use, never before.
 *
 * <p>Commands run in {@link RemoteShell}s ({@link ShellPool}): long-lived shells on exec channels
 * of the connection, so the login shell starts once per connection rather than once per command;
 * where the login shell cannot host one (or {@value #MODE_ENV}=exec), each command gets its own
 * exec channel. How a session is opened and its refusals explained is {@link SshLogin}'s.
 *
 * <p>At most {@value #MAX_CHANNELS} channels are open at once (the SFTP channel and the shells
 * count), below OpenSSH's default {@code MaxSessions} of 10, so a busy hwf never has a channel
 * refused.
 *
 * <p>When the connection drops, the next use reconnects, trying {@link #RECONNECT_DELAYS_MS} apart
 * (under 4 s in all); when every try fails, uses during a cool-down (1 s, doubling to 30 s) fail
 * at once with the last error, so a pass over many tasks does not wait once per task. A command
 * whose connection dropped before it started is started again on the new connection; one that was
 * running is reported as a {@link TransportException} ("unknown"), never retried, because it may
 * have taken effect. Refusals (host key, keys) are retried only after the longest cool-down.
 */
public final class SshConnection implements AutoCloseable {
    /** Channels open at once on one connection, the SFTP channel included. */
    public static final int MAX_CHANNELS = 8;
    /**
     * How long to wait for a free channel for SFTP. Opening a channel itself uses JSch's untimed
     * connect(): it waits in 10 ms slices (20 s at most) and so notices a dropped connection at
     * once, where a timed connect would sleep through it for the whole timeout.
     */
    static final int CHANNEL_WAIT_MS = 20_000;
    static final long[] RECONNECT_DELAYS_MS = {0, 250, 500, 1_000, 2_000};
    static final long MAX_COOLDOWN_MS = 30_000;

    private static final Logger LOG = LoggerFactory.getLogger(SshConnection.class);
    /** The environment variable that, set to {@code exec}, runs every command on its own exec channel. */
    public static final String MODE_ENV = "HWF_SSH_COMMANDS";

    private final SshTarget target;
    private final Map<String, String> env;
    private final Semaphore channels = new Semaphore(MAX_CHANNELS, true);
    private final Object sftpLock = new Object();
    private final boolean shells;
    private final ShellPool shellPool = new ShellPool(this, channels);

    // guarded by this
    private Session session;
    private boolean everConnected;
    private boolean closed;
    private long retryNotBefore;
    private long cooldownMs;
    private TransportException lastFailure;

    // guarded by sftpLock
    private ChannelSftp sftp;
    private boolean sftpHoldsPermit;
    private volatile String home;

    /**
     * @param env the environment to read {@code SSH_AUTH_SOCK} and {@code HWF_SSH_PASSPHRASE} from
     */
    public SshConnection(SshTarget target, Map<String, String> env) {
        this.target = target;
        this.env = Map.copyOf(env);
        this.shells = !"exec".equals(this.env.get(MODE_ENV));
    }

    public SshTarget target() {
        return target;
    }

    /** How many SSH connections this hwf process has opened (reconnections included). */
    public static int opened() {
        return SshLogin.opened();
    }

    /**
     * The host key the server presented and known_hosts vouched for, as OpenSSH shows it
     * ("ssh-ed25519 SHA256:…"); connects first when not yet connected.
     */
    public String hostKey() {
        byte[] blob = java.util.Base64.getDecoder().decode(session().getHostKey().getKey());
        return HostKeyCheck.keyType(blob) + " " + HostKeyCheck.fingerprint(blob);
    }

    // ------------------------------------------------------------------ commands

    /**
     * Runs one remote command line (on a remote shell, else on its own exec channel) with an empty
     * stdin and returns its exit code and output. {@code display} names the command in messages.
     */
    public CommandResult exec(String commandLine, String display, Duration timeout) {
        return exec(commandLine, Map.of(), display, timeout);
    }

    /**
     * As {@link #exec(String, String, Duration)}, with variables added to the command's environment.
     * Their values travel only in the input stream of the shell that runs the command (a remote
     * shell's stream of command lines, or the exec channel's stdin, read by {@code read}), never in
     * a file or on a command line that {@code ps} shows. Each value is one line.
     */
    public CommandResult exec(String commandLine, Map<String, String> env, String display, Duration timeout) {
        return exec(commandLine, env, display, timeout, false);
    }

    /**
     * As {@link #exec(String, Map, String, Duration)}; {@code once}: the command must not run twice (a
     * submission), so a line that may have reached a remote shell is never sent again, however
     * likely it is that the shell had died before reading it: its outcome is unknown instead.
     */
    public CommandResult exec(String commandLine, Map<String, String> env, String display, Duration timeout,
                              boolean once) {
        for (Map.Entry<String, String> e : env.entrySet()) {
            if (!ShellQuote.isVariableName(e.getKey()) || !ShellQuote.isOneLine(e.getValue())) {
                throw new IllegalArgumentException("variable " + e.getKey() + " cannot be passed over SSH:"
                        + " a value must be one line");
            }
        }
        if (shells && shellPool.usable()) {
            StringBuilder exports = new StringBuilder();
            env.forEach((name, value) -> exports.append("export ").append(name).append('=')
                    .append(ShellQuote.quote(value)).append("; "));
            CommandResult r = shellPool.run(exports + commandLine, display, timeout, once);
            if (r != null) {
                return r;
            }
        }
        StringBuilder reads = new StringBuilder();
        StringBuilder values = new StringBuilder();
        env.forEach((name, value) -> {
            reads.append("IFS= read -r ").append(name).append(" && export ").append(name).append(" && ");
            values.append(value).append('\n');
        });
        long deadline = System.nanoTime() + timeout.toNanos();
        acquire(timeout, display);
        try {
            return execOnChannel(reads + commandLine, values.toString(), display, timeout, deadline);
        } finally {
            channels.release();
        }
    }

    private CommandResult execOnChannel(String commandLine, String input, String display, Duration timeout,
                                        long deadline) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        ChannelExec ch = null;
        Session s;
        for (int attempt = 0; ; attempt++) {
            s = session();
            try {
                ch = (ChannelExec) open(s, "exec");
                ch.setCommand(commandLine.getBytes(StandardCharsets.UTF_8));
                ch.setOutputStream(out, true);
                ch.setErrStream(err, true);
                OutputStream stdin = ch.getOutputStream();
                ch.connect();
                // the command reads the variables' values, then an empty stdin: never hwf's
                stdin.write(input.getBytes(StandardCharsets.UTF_8));
                stdin.close();
                break;
            } catch (JSchException | IOException e) {
                if (ch != null) {
                    ch.disconnect();
                    ch = null;
                }
                out.reset();
                err.reset();
                if (attempt == 0 && lost(s, e)) {
                    LOG.debug("ssh: connection to {} dropped before '{}' started; starting it on a new one",
                            target.display(), display);
                    continue;
                }
                throw new TransportException("cannot start '" + display + "' on " + target.display() + ": "
                        + e.getMessage(), e);
            }
        }
        try {
            while (!ch.isClosed() && s.isConnected()) {
                if (System.nanoTime() - deadline > 0) {
                    try {
                        ch.sendSignal("KILL");
                    } catch (Exception ignored) {
                        // best effort: the channel is closed below either way
                    }
                    throw didNotFinish(display, timeout, null);
                }
                Thread.sleep(1);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TransportException("interrupted while '" + display + "' ran on " + target.display(), e);
        } finally {
            ch.disconnect();
        }
        int code = ch.getExitStatus();
        if (code < 0) {
            if (!s.isConnected()) {
                throw new TransportException("the SSH connection to " + target.display() + " dropped while '"
                        + display + "' ran; its outcome is unknown", null);
            }
            code = 255; // ended by a signal: no exit status, as ssh(1) reports it
        }
        return new CommandResult(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    /**
     * True when a failure to open a channel means the connection is gone. JSch closes a dead
     * session's channels before it marks the session down, so "session is down" may come while
     * the session still says it is connected: hwf then ends it itself, and the next use reconnects.
     */
    static boolean lost(Session s, Exception e) {
        if (!s.isConnected() || String.valueOf(e.getMessage()).contains("session is down")) {
            s.disconnect();
            return true;
        }
        return false;
    }

    /** Opens a channel; JSch answers null instead of failing when the session dies meanwhile. */
    static Channel open(Session s, String type) throws JSchException {
        Channel c = s.openChannel(type);
        if (c == null) {
            throw new JSchException("session is down");
        }
        return c;
    }

    private void acquire(Duration timeout, String what) {
        try {
            if (!channels.tryAcquire(Math.max(1, timeout.toMillis()), TimeUnit.MILLISECONDS)) {
                throw busy(timeout, what);
            }
        } catch (InterruptedException e) {
            throw interrupted(what, e);
        }
    }

    /** No channel came free for {@code what} within the timeout. */
    TransportException busy(Duration timeout, String what) {
        return new TransportException("all " + MAX_CHANNELS + " SSH channels to " + target.display()
                + " stayed busy for " + timeout.toSeconds() + " s; '" + what + "' did not start", null);
    }

    /** Interrupted while waiting for a channel for {@code what}: the thread stays interrupted. */
    static TransportException interrupted(String what, InterruptedException e) {
        Thread.currentThread().interrupt();
        return new TransportException("interrupted while waiting for an SSH channel for '" + what + "'", e);
    }

    /** A command ran past its timeout. */
    TransportException didNotFinish(String display, Duration timeout, Throwable cause) {
        return new TransportException("'" + display + "' on " + target.display() + " did not finish within "
                + timeout.toSeconds() + " s", cause);
    }

    // ------------------------------------------------------------------ files

    /** One SFTP operation; may throw SftpException, which {@link #sftp} sorts out. */
    @FunctionalInterface
    public interface SftpCall<T> {
        T apply(ChannelSftp sftp) throws SftpException;
    }

    /** An SFTP operation failed on a healthy connection (no such file, permission denied, ...). */
    public static final class SftpFailure extends RuntimeException {
        private final int id;

        SftpFailure(int id, String message, Throwable cause) {
            super(message, cause);
            this.id = id;
        }

        /** The SFTP status code ({@code ChannelSftp.SSH_FX_*}). */
        public int id() {
            return id;
        }
    }

    /**
     * Runs an SFTP operation on the connection's SFTP channel, one at a time. When the connection
     * drops under it, it runs once more on a new connection (operations must be safe to repeat).
     *
     * @throws SftpFailure        when the server answers with an error
     * @throws TransportException when the connection is lost
     */
    public <T> T sftp(String what, SftpCall<T> call) {
        synchronized (sftpLock) {
            for (int attempt = 0; ; attempt++) {
                ChannelSftp ch = sftpChannel();
                try {
                    return call.apply(ch);
                } catch (SftpException e) {
                    if (!lost(ch, e)) {
                        throw new SftpFailure(e.id, e.getMessage(), e);
                    }
                    dropSftp();
                    if (attempt == 0) {
                        LOG.debug("ssh: connection to {} dropped during {}; once more", target.display(), what);
                        continue;
                    }
                    throw new TransportException("the SSH connection to " + target.display() + " dropped during "
                            + what + ": " + e.getMessage(), e);
                } catch (HwfException e) {
                    throw e;
                } catch (RuntimeException e) {
                    if (!lost(ch, e)) {
                        throw e;
                    }
                    dropSftp();
                    if (attempt == 0) {
                        continue;
                    }
                    throw new TransportException("the SSH connection to " + target.display() + " dropped during "
                            + what + ": " + e, e);
                }
            }
        }
    }

    /** The remote home directory (where SFTP starts), asked once per connection object. */
    public String home() {
        String h = home;
        if (h != null) {
            return h;
        }
        return sftp("finding the home directory", ch -> home);
    }

    private static boolean lost(ChannelSftp ch, Exception e) {
        if (e instanceof SftpException se && (se.id == ChannelSftp.SSH_FX_NO_CONNECTION
                || se.id == ChannelSftp.SSH_FX_CONNECTION_LOST)) {
            return true;
        }
        if (e.getCause() instanceof IOException || !ch.isConnected() || ch.isClosed()) {
            return true;
        }
        try {
            return !ch.getSession().isConnected();
        } catch (JSchException x) {
            return true;
        }
    }

    private ChannelSftp sftpChannel() {
        if (sftp != null && sftp.isConnected() && !sftp.isClosed()) {
            return sftp;
        }
        dropSftp();
        for (int attempt = 0; ; attempt++) {
            Session s = session();
            acquire(Duration.ofMillis(CHANNEL_WAIT_MS), "sftp");
            sftpHoldsPermit = true;
            ChannelSftp c = null;
            try {
                c = (ChannelSftp) open(s, "sftp");
                c.connect();
                if (home == null) {
                    home = c.getHome();
                }
                sftp = c;
                return c;
            } catch (JSchException | SftpException e) {
                if (c != null) {
                    c.disconnect();
                }
                dropSftp();
                if (attempt == 0 && lost(s, e)) {
                    continue;
                }
                throw new TransportException("cannot open an SFTP channel to " + target.display() + ": "
                        + e.getMessage() + ". hwf copies job scripts by SFTP: the server must offer the sftp "
                        + "subsystem (Subsystem sftp in sshd_config).", e);
            }
        }
    }

    private void dropSftp() {
        if (sftp != null) {
            sftp.disconnect();
            sftp = null;
        }
        if (sftpHoldsPermit) {
            channels.release();
            sftpHoldsPermit = false;
        }
    }

    // ------------------------------------------------------------------ the session

    /** The connected session, connecting or reconnecting as needed. */
    synchronized Session session() {
        if (closed) {
            throw new TransportException("the SSH connection to " + target.display() + " is closed", null);
        }
        if (session != null && session.isConnected()) {
            return session;
        }
        boolean dropped = session != null;
        if (session != null) {
            session.disconnect();
            session = null;
        }
        if (lastFailure != null && System.nanoTime() - retryNotBefore < 0) {
            String msg = lastFailure.getMessage();
            throw lastFailure instanceof SshRefusedException ? new SshRefusedException(msg, lastFailure)
                    : new TransportException(msg, lastFailure);
        }
        if (dropped) {
            LOG.warn("the SSH connection to {} dropped; reconnecting", target.display());
        }
        long[] delays = everConnected ? RECONNECT_DELAYS_MS : new long[] {0};
        TransportException last = null;
        for (long delay : delays) {
            if (delay > 0) {
                try {
                    Thread.sleep(delay);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new TransportException("interrupted while reconnecting to " + target.display(), e);
                }
            }
            try {
                session = SshLogin.connect(target, env);
                everConnected = true;
                lastFailure = null;
                cooldownMs = 0;
                return session;
            } catch (SshRefusedException e) {
                cooldownMs = MAX_COOLDOWN_MS;
                retryNotBefore = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(cooldownMs);
                lastFailure = e;
                throw e;
            } catch (TransportException e) {
                last = e;
            }
        }
        cooldownMs = Math.min(MAX_COOLDOWN_MS, Math.max(1_000, cooldownMs * 2));
        retryNotBefore = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(cooldownMs);
        lastFailure = !everConnected ? last : new TransportException("the SSH connection to " + target.display()
                + " dropped and " + delays.length + " tries to reconnect failed: " + last.getMessage()
                + " hwf tries again on its next pass.", last);
        throw lastFailure;
    }

    /** Closes the SFTP channel and the session; later uses fail. */
    @Override
    public void close() {
        shellPool.close();
        synchronized (sftpLock) {
            dropSftp();
        }
        synchronized (this) {
            closed = true;
            if (session != null) {
                session.disconnect();
                session = null;
                LOG.debug("ssh: closed the connection to {}", target.display());
            }
        }
    }
}
