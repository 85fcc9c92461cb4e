package dev.hwf.launcher.ssh;

import com.jcraft.jsch.Channel;
import com.jcraft.jsch.ChannelExec;
import com.jcraft.jsch.ChannelSftp;
import com.jcraft.jsch.HostKeyRepository;
import com.jcraft.jsch.JSch;
import com.jcraft.jsch.JSchChangedHostKeyException;
import com.jcraft.jsch.JSchException;
import com.jcraft.jsch.JSchHostKeyException;
import com.jcraft.jsch.JSchUnknownHostKeyException;
import com.jcraft.jsch.Session;
import com.jcraft.jsch.SftpException;
import dev.hwf.api.ShellQuote;
import dev.hwf.launcher.HwfException;
import dev.hwf.launcher.exec.CommandResult;
import dev.hwf.launcher.exec.TransportException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One SSH connection (a JSch session) to one target, shared by everything an hwf process does
 * there: scheduler commands run on channels of it, and one long-lived SFTP channel carries the
 * files. It connects on first use, never before.
 *
 * <p>Commands run in {@link RemoteShell}s: long-lived shells on exec channels of the connection,
 * so the login shell starts once per connection rather than once per command; where the login
 * shell cannot host one (or {@value #MODE_ENV}=exec), each command gets its own exec channel.
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
    static final int CONNECT_TIMEOUT_MS = 15_000;
    /**
     * How long to wait for a free channel for SFTP. Opening a channel itself uses JSch's untimed
     * connect(): it waits in 10 ms slices (20 s at most) and so notices a dropped connection at
     * once, where a timed connect would sleep through it for the whole timeout.
     */
    static final int CHANNEL_WAIT_MS = 20_000;
    static final long[] RECONNECT_DELAYS_MS = {0, 250, 500, 1_000, 2_000};
    static final long MAX_COOLDOWN_MS = 30_000;
    /** Host key and user key algorithms: no SHA-1 ({@code ssh-rsa}) signatures, no DSA. */
    static final String ALGORITHMS = "ssh-ed25519,ecdsa-sha2-nistp256,ecdsa-sha2-nistp384,ecdsa-sha2-nistp521,"
            + "rsa-sha2-512,rsa-sha2-256";

    private static final Logger LOG = LoggerFactory.getLogger(SshConnection.class);
    private static final AtomicInteger OPENED = new AtomicInteger();

    /** Remote shells at most: one channel stays free for SFTP. */
    static final int MAX_SHELLS = MAX_CHANNELS - 1;
    static final Duration SHELL_START_TIMEOUT = Duration.ofSeconds(30);
    /** How long a command waits for a busy shell before another shell is started for it. */
    static final long SHELL_GROW_AFTER_MS = 100;
    /** The environment variable that, set to {@code exec}, runs every command on its own exec channel. */
    public static final String MODE_ENV = "HWF_SSH_COMMANDS";

    private final SshTarget target;
    private final Map<String, String> env;
    private final Semaphore channels = new Semaphore(MAX_CHANNELS, true);
    private final Object sftpLock = new Object();
    private final Object shellLock = new Object();
    private final boolean shells;

    // guarded by shellLock
    private final Deque<RemoteShell> idleShells = new ArrayDeque<>();
    private int shellsOpen;
    private boolean shellStarting;
    private boolean shellEverStarted;
    private volatile boolean shellUnavailable;

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
        return OPENED.get();
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
        if (shells && !shellUnavailable) {
            StringBuilder exports = new StringBuilder();
            env.forEach((name, value) -> exports.append("export ").append(name).append('=')
                    .append(ShellQuote.quote(value)).append("; "));
            CommandResult r = execOnShell(exports + commandLine, display, timeout, once);
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
                    throw new TransportException("'" + display + "' on " + target.display() + " did not finish within "
                            + timeout.toSeconds() + " s", null);
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

    /** Runs the command on one of the connection's remote shells; null when this host cannot run one. */
    private CommandResult execOnShell(String commandLine, String display, Duration timeout, boolean once) {
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
                    throw new TransportException("'" + display + "' on " + target.display() + " did not finish within "
                            + timeout.toSeconds() + " s", e);
                }
                if (attempt == 0 && (once ? !e.written : !e.started)) {
                    // the shell never took the line: the command did not run (for one that must not run
                    // twice: the line was not even written), so it may go again
                    LOG.debug("ssh: '{}' did not start on {} ({}); once more", display, target.display(),
                            e.getMessage());
                    continue;
                }
                String how = sh.session().isConnected() ? "the remote shell running it ended (" + e.getMessage() + ")"
                        : "the SSH connection to " + target.display() + " dropped";
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
                    sh.close();
                    shellsOpen--;
                    channels.release();
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
                    throw new TransportException("all " + MAX_CHANNELS + " SSH channels to " + target.display()
                            + " stayed busy for " + timeout.toSeconds() + " s; '" + display + "' did not start", null);
                }
                try {
                    shellLock.wait(Math.max(1, Math.min(50, TimeUnit.NANOSECONDS.toMillis(left))));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new TransportException("interrupted while waiting for an SSH channel for '" + display + "'",
                            e);
                }
            }
        }
        boolean made = false;
        try {
            for (int attempt = 0; ; attempt++) {
                Session s = session();
                try {
                    long t0 = System.nanoTime();
                    RemoteShell sh = RemoteShell.start(s, SHELL_START_TIMEOUT);
                    made = true;
                    synchronized (shellLock) {
                        shellEverStarted = true;
                    }
                    LOG.debug("ssh: started a remote shell on {} in {} ms", target.display(),
                            (System.nanoTime() - t0) / 1_000_000);
                    return sh;
                } catch (RemoteShell.Unavailable e) {
                    synchronized (shellLock) {
                        if (shellEverStarted) { // it worked before: this is trouble of the moment
                            throw new TransportException("cannot start another remote shell on " + target.display()
                                    + ": " + e.getMessage(), e);
                        }
                    }
                    shellUnavailable = true;
                    LOG.info("ssh: {} on {}; running each command on its own exec channel", e.getMessage(),
                            target.display());
                    return null;
                } catch (JSchException | IOException e) {
                    if (attempt == 0 && lost(s, e)) {
                        continue;
                    }
                    throw new TransportException("cannot start a remote shell for '" + display + "' on "
                            + target.display() + ": " + e.getMessage(), e);
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

    /**
     * True when a failure to open a channel means the connection is gone. JSch closes a dead
     * session's channels before it marks the session down, so "session is down" may come while
     * the session still says it is connected: hwf then ends it itself, and the next use reconnects.
     */
    private static boolean lost(Session s, Exception e) {
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
                throw new TransportException("all " + MAX_CHANNELS + " SSH channels to " + target.display()
                        + " stayed busy for " + timeout.toSeconds() + " s; '" + what + "' did not start", null);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TransportException("interrupted while waiting for an SSH channel for '" + what + "'", e);
        }
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
                session = connect();
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

    private Session connect() {
        KeyIdentities keys = KeyIdentities.load(target, env);
        JSch jsch = new JSch();
        Path kh = target.knownHosts();
        try {
            if (Files.exists(kh)) {
                jsch.setKnownHosts(kh.toString());
            }
        } catch (JSchException e) {
            throw new SshRefusedException("cannot read the known_hosts file " + kh + ": " + e.getMessage(), e);
        }
        HostKeyCheck check = new HostKeyCheck(jsch.getHostKeyRepository());
        long t0 = System.nanoTime();
        Session s = null;
        try {
            s = jsch.getSession(target.user(), target.host(), target.port());
            s.setHostKeyRepository(check);
            s.setIdentityRepository(keys);
            s.setConfig("StrictHostKeyChecking", "yes");
            s.setConfig("PreferredAuthentications", "publickey");
            s.setConfig("server_host_key", ALGORITHMS);
            s.setConfig("PubkeyAcceptedAlgorithms", ALGORITHMS);
            s.setConfig("prefer_known_host_key_types", "yes");
            s.setServerAliveInterval(15_000);
            s.setServerAliveCountMax(4);
            s.setDaemonThread(true);
            s.connect(CONNECT_TIMEOUT_MS);
        } catch (JSchException e) {
            if (s != null) {
                s.disconnect();
            }
            throw explain(e, check, keys);
        }
        int n = OPENED.incrementAndGet();
        LOG.debug("ssh: connected to {} in {} ms with {}; host key {} ({} SSH connection(s) opened by this hwf process)",
                target.display(), (System.nanoTime() - t0) / 1_000_000, String.join(", ", keys.described),
                check.presented(), n);
        return s;
    }

    /** Turns a failed connect into a message that says what happened and what to do. */
    private TransportException explain(JSchException e, HostKeyCheck check, KeyIdentities keys) {
        String where = target.display();
        String kh = target.knownHosts().toString();
        String keyscan = "ssh-keyscan " + (target.port() == 22 ? "" : "-p " + target.port() + " ")
                + ShellQuote.quote(target.host()) + " >> " + ShellQuote.quote(kh);
        if (e instanceof JSchUnknownHostKeyException || check.verdict() == HostKeyRepository.NOT_INCLUDED) {
            return new SshRefusedException("the SSH host key of " + target.host() + " port " + target.port() + " ("
                    + check.presented() + ") is not in " + kh + "; hwf connects to known hosts only and did not log "
                    + "in. If this is the cluster you mean and its administrators confirm that fingerprint, add the "
                    + "key: " + keyscan, e);
        }
        if (e instanceof JSchChangedHostKeyException || check.verdict() == HostKeyRepository.CHANGED) {
            String entry = check.checkedHost() != null ? check.checkedHost() : target.host();
            return new SshRefusedException("the SSH host key of " + target.host() + " port " + target.port()
                    + " has CHANGED: the server presents " + check.presented() + ", which is not the key " + kh
                    + " holds for " + entry + ". Someone may be intercepting the connection, or the cluster's host "
                    + "keys were replaced: ask its administrators. Once the new fingerprint is confirmed, replace the "
                    + "old entry: ssh-keygen -R " + ShellQuote.quote(entry) + " -f " + ShellQuote.quote(kh) + " && "
                    + keyscan, e);
        }
        if (e instanceof JSchHostKeyException) {
            return new SshRefusedException("the SSH host key of " + target.host() + " port " + target.port() + " ("
                    + check.presented() + ") is refused by " + kh + ": " + e.getMessage(), e);
        }
        String m = e.getMessage() == null ? e.toString() : e.getMessage();
        if (m.startsWith("Auth fail") || m.startsWith("Auth cancel") || m.contains("Too many authentication")) {
            String offered = keys.described.isEmpty() ? "none" : String.join("; ", keys.described);
            String skipped = keys.skipped.isEmpty() ? "" : " Left out: " + String.join("; ", keys.skipped)
                    + (keys.skipped.stream().anyMatch(x -> x.endsWith("is encrypted")) ? " (load it into ssh-agent "
                    + "with ssh-add, or put its passphrase in " + KeyIdentities.PASSPHRASE_ENV + ")" : "") + ".";
            return new SshRefusedException(where + " did not accept hwf's SSH key (offered: " + offered + ")." + skipped
                    + " Check the user name (site.user, or User in ~/.ssh/config) and that the public key is in "
                    + "~/.ssh/authorized_keys of " + target.user() + " on " + target.host()
                    + ", or name another key with site.identityFile. hwf logs in with keys only.", e);
        }
        Throwable c = e.getCause();
        if (c instanceof UnknownHostException) {
            return new TransportException("cannot connect to " + where + ": the host name " + target.host()
                    + " does not resolve. Check site.host (or HostName in ~/.ssh/config) and your network or VPN.", e);
        }
        if (c instanceof ConnectException || c instanceof NoRouteToHostException) {
            return new TransportException("cannot connect to " + where + ": " + c.getMessage() + ". Is sshd running on "
                    + target.host() + " and listening on port " + target.port() + "? Check site.port (or Port in "
                    + "~/.ssh/config), your network or VPN, and firewalls.", e);
        }
        if (c instanceof SocketTimeoutException || m.toLowerCase(Locale.ROOT).contains("timeout")) {
            return new TransportException("cannot connect to " + where + ": no answer within "
                    + CONNECT_TIMEOUT_MS / 1000 + " s. Check the host name and port, your network or VPN, and "
                    + "firewalls.", e);
        }
        return new TransportException("the SSH connection to " + where + " failed: " + m + ". Check that "
                + "'ssh -p " + target.port() + " " + target.user() + "@" + target.host() + " true' works from this machine.",
                e);
    }

    /** Closes the SFTP channel and the session; later uses fail. */
    @Override
    public void close() {
        synchronized (shellLock) {
            for (RemoteShell sh : idleShells) {
                sh.close();
                shellsOpen--;
                channels.release();
            }
            idleShells.clear();
        }
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
