package dev.hwf.launcher.ssh;

import com.jcraft.jsch.ChannelExec;
import com.jcraft.jsch.JSchException;
import com.jcraft.jsch.Session;
import dev.hwf.api.ShellQuote;
import dev.hwf.launcher.exec.CommandResult;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A long-lived POSIX shell on the cluster, started once per connection on one exec channel, that
 * runs hwf's commands one after another. It exists for speed: a command on a fresh exec channel
 * costs the login shell's whole start-up ({@code ~/.bashrc}, module systems: tens to hundreds of
 * milliseconds on real login nodes), paid here once per connection instead of once per command.
 *
 * <p>Each command runs in a subshell, in the directory the login shell started in (the home
 * directory, as for a command on its own channel), with stdin from /dev/null and its stdout and
 * stderr in files of a private temporary directory; it comes back framed by byte counts, so any
 * output is carried exactly. A command line travels as one line: quoted as a single shell word, with newlines (only
 * ever inside single quotes there) spelled as {@code $HWF_NL}, and evaluated back on the remote side.
 * When the login shell cannot run the loop (csh, fish, no mktemp), the connection falls back to one
 * exec channel per command.
 */
final class RemoteShell {
    /** The remote loop, in POSIX sh; the login shell runs it after its start-up files. */
    static final String SCRIPT = String.join("\n",
            "HWF_NL='",
            "'",
            "hwf_home=$PWD",
            "hwf_d=$(mktemp -d \"${TMPDIR:-/tmp}/hwf-ssh.XXXXXX\") && cd \"$hwf_d\" || exit 97",
            "trap 'rm -rf \"$hwf_d\"' EXIT",
            "trap 'rm -rf \"$hwf_d\"; exit 129' HUP",
            "trap 'rm -rf \"$hwf_d\"; exit 143' TERM",
            "printf '\\nhwf-ready\\n'",
            "while IFS= read -r hwf_line; do",
            "  printf 'hwf-run\\n'",
            "  eval \"hwf_cmd=$hwf_line\"",
            "  ( cd \"$hwf_home\" && eval \"$hwf_cmd\" ) </dev/null >o 2>e",
            "  hwf_rc=$?",
            "  set -- $(wc -c o e)",
            "  printf 'hwf-done %s %s %s\\n' \"$hwf_rc\" \"$1\" \"$3\"",
            "  cat o e",
            "done",
            "");
    private static final int MAX_NOISE = 1 << 20;
    private static final ScheduledExecutorService WATCHDOG = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "hwf-ssh-watchdog");
        t.setDaemon(true);
        return t;
    });

    /** The shell could not start its loop: this login shell cannot host it. */
    static final class Unavailable extends Exception {
        Unavailable(String message) {
            super(message);
        }
    }

    /**
     * The shell or its connection went away. {@code started}: the shell answered that it took the
     * command line ("hwf-run", before it runs one); its outcome is unknown. {@code written}: the line
     * was written to the channel, so the shell may have read and run it even though its answer never
     * arrived (seen on the test login node: an sbatch ran, the answer was lost, and a second send made
     * a second job). A line never written did not run and may go again; one written but not answered
     * most likely met a shell that had already died (a dropped connection), and may go again only
     * where running it twice does no harm.
     */
    static final class Lost extends Exception {
        final boolean started;
        final boolean written;
        final boolean timedOut;

        Lost(String message, boolean started, boolean written, boolean timedOut, Throwable cause) {
            super(message, cause);
            this.started = started;
            this.written = written;
            this.timedOut = timedOut;
        }
    }

    private final Session session;
    private final ChannelExec channel;
    private final InputStream out;
    private final OutputStream in;
    private final ByteArrayOutputStream noise;

    private RemoteShell(Session session, ChannelExec channel, InputStream out, OutputStream in,
                        ByteArrayOutputStream noise) {
        this.session = session;
        this.channel = channel;
        this.out = out;
        this.in = in;
        this.noise = noise;
    }

    /**
     * Starts the loop on a new exec channel and waits for it to say it is ready.
     *
     * @throws Unavailable when the login shell ends or stays silent instead
     */
    static RemoteShell start(Session session, Duration startTimeout) throws JSchException, IOException, Unavailable {
        ChannelExec ch = (ChannelExec) SshConnection.open(session, "exec");
        ch.setCommand(SCRIPT.getBytes(StandardCharsets.UTF_8));
        BoundedBuffer err = new BoundedBuffer();
        ch.setErrStream(err, true);
        InputStream out = ch.getInputStream();
        OutputStream in = ch.getOutputStream();
        ch.connect();
        RemoteShell shell = new RemoteShell(session, ch, out, in, err);
        AtomicBoolean fired = new AtomicBoolean();
        ScheduledFuture<?> dog = WATCHDOG.schedule(() -> {
            fired.set(true);
            ch.disconnect();
        }, startTimeout.toMillis(), TimeUnit.MILLISECONDS);
        try {
            int skipped = 0;
            while (true) {
                String line = shell.readLine(MAX_NOISE);
                if (line == null) {
                    ch.disconnect();
                    if (!session.isConnected()) {
                        throw new IOException("the connection dropped while the remote shell started");
                    }
                    throw new Unavailable(fired.get() ? "the login shell did not start hwf's command loop within "
                            + startTimeout.toSeconds() + " s" : "the login shell could not run hwf's command loop ("
                            + shell.noise() + ")");
                }
                if (line.equals("hwf-ready")) {
                    return shell;
                }
                skipped += line.length() + 1;
                if (skipped > MAX_NOISE) {
                    ch.disconnect();
                    throw new Unavailable("the login shell printed more than 1 MiB before hwf's command loop");
                }
            }
        } finally {
            dog.cancel(false);
        }
    }

    boolean alive() {
        return channel.isConnected() && !channel.isClosed() && session.isConnected();
    }

    Session session() {
        return session;
    }

    void close() {
        channel.disconnect();
    }

    /** Runs one command line; the shell is unusable after a {@link Lost}. */
    CommandResult run(String commandLine, Duration timeout) throws Lost {
        AtomicBoolean fired = new AtomicBoolean();
        ScheduledFuture<?> dog = WATCHDOG.schedule(() -> {
            fired.set(true);
            channel.disconnect();
        }, Math.max(1, timeout.toMillis()), TimeUnit.MILLISECONDS);
        boolean started = false;
        boolean written = false;
        try {
            in.write((encode(commandLine) + "\n").getBytes(StandardCharsets.UTF_8));
            in.flush();
            written = true; // from here on the shell may run it, whatever it answers
            String ack = readLine(4096);
            if (ack == null) {
                throw new IOException("the remote shell ended");
            }
            if (!ack.equals("hwf-run")) {
                throw new IOException("the remote shell answered '" + ack + "'");
            }
            started = true;
            String header = readLine(4096);
            if (header == null) {
                throw new IOException("the remote shell ended");
            }
            String[] f = header.split(" ");
            if (f.length != 4 || !f[0].equals("hwf-done")) {
                throw new IOException("the remote shell answered '" + header + "'");
            }
            int code = Integer.parseInt(f[1]);
            byte[] stdout = readBytes(Integer.parseInt(f[2]));
            byte[] stderr = readBytes(Integer.parseInt(f[3]));
            return new CommandResult(code, new String(stdout, StandardCharsets.UTF_8),
                    new String(stderr, StandardCharsets.UTF_8));
        } catch (IOException | RuntimeException e) {
            channel.disconnect();
            throw new Lost(fired.get() ? "did not finish within " + timeout.toSeconds() + " s" : e.getMessage(),
                    started, written, fired.get(), e);
        } finally {
            dog.cancel(false);
        }
    }

    /** The command line as one line that the loop evaluates back to exactly the command line. */
    static String encode(String commandLine) {
        // quote() puts every newline inside single quotes; there '"$HWF_NL"' spells one newline
        return ShellQuote.quote(commandLine).replace("\n", "'\"$HWF_NL\"'");
    }

    private String readLine(int max) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        while (true) {
            int b = out.read();
            if (b < 0) {
                return null;
            }
            if (b == '\n') {
                return line.toString(StandardCharsets.UTF_8);
            }
            if (line.size() >= max) {
                throw new IOException("a line from the remote shell is longer than " + max + " bytes");
            }
            line.write(b);
        }
    }

    private byte[] readBytes(int n) throws IOException {
        byte[] buf = out.readNBytes(n);
        if (buf.length != n) {
            throw new IOException("the remote shell ended in the middle of a command's output");
        }
        return buf;
    }

    private String noise() {
        String s = noise.toString(StandardCharsets.UTF_8).strip();
        return s.isEmpty() ? "no message" : s.lines().findFirst().orElse("");
    }

    /** Keeps the first 64 KiB written to it (the login shell's stderr, for messages). */
    private static final class BoundedBuffer extends ByteArrayOutputStream {
        @Override
        public synchronized void write(byte[] b, int off, int len) {
            int room = Math.max(0, 65536 - count);
            super.write(b, off, Math.min(room, len));
        }

        @Override
        public synchronized void write(int b) {
            if (count < 65536) {
                super.write(b);
            }
        }
    }
}
