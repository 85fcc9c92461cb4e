package dev.hwf.launcher.stage;

import dev.hwf.api.Command;
import dev.hwf.api.ShellQuote;
import dev.hwf.launcher.exec.CommandResult;
import dev.hwf.launcher.stage.InputCopy.CopyFailed;
import dev.hwf.launcher.stage.InputCopy.Progress;
import dev.hwf.launcher.stage.InputCopy.Sent;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * A copy between two sites that goes straight from one to the other, when one site says it can
 * reach the other ({@code reaches:} in SPEC section 7): one of the two login nodes runs {@code ssh}
 * to the other, with a {@code tar} stream through it, so the bytes never pass through this machine.
 * The site that reaches the other runs it: the receiving site pulls, or the sending one pushes.
 *
 * <p>Files arrive under their temporary names ({@link InputCopy#partial}), made private or group
 * readable as the receiving site's files are; the source's SHA-256 is read on the sending site
 * while the bytes move. Checking and renaming are then {@link InputCopy}'s, as for a streamed copy.
 * Needs {@code ssh} and GNU {@code tar} on the login nodes, and a key the running site may use
 * without a password (its own {@code ~/.ssh}, its agent or {@code ~/.ssh/config}).
 */
public final class DirectCopy implements InputCopy.Route {
    /** Files per command: well under any command line limit. */
    private static final int PER_COMMAND = 400;
    /** Bytes per command: a bound on what one failed command costs again. */
    private static final long BYTES_PER_COMMAND = 4L << 30;
    /** How long one command may run: ample for its bytes at a slow 2 MB/s, and at least 10 minutes. */
    private static final long SLOW_BYTES_PER_SECOND = 2_000_000;

    private final Store from;
    private final Store to;
    private final boolean pull;
    private final Address address;
    private final String fromName;
    private final String toName;
    private final Clock clock;
    /** The ssh client the running site runs: its own {@code ssh}. */
    private final String ssh;

    /**
     * @param pull    true: the receiving site runs the copy and reaches the sending one at
     *                {@code address}; false: the sending site runs it and reaches the receiving one
     * @param address where the running site reaches the other, as its own {@code ssh} would
     */
    public DirectCopy(Store from, Store to, String fromName, String toName, boolean pull, Address address,
                      Clock clock) {
        this(from, to, fromName, toName, pull, address, clock, "ssh");
    }

    /** As above, with another ssh client (a test's). */
    DirectCopy(Store from, Store to, String fromName, String toName, boolean pull, Address address, Clock clock,
               String ssh) {
        this.ssh = ssh;
        this.from = from;
        this.to = to;
        this.fromName = fromName;
        this.toName = toName;
        this.pull = pull;
        this.address = address;
        this.clock = clock;
    }

    /**
     * Where one site's {@code ssh} reaches another: {@code [user@]host[:port]}.
     *
     * @param user null: the running site's own user name, or its {@code ~/.ssh/config}'s
     * @param port null: 22, or its {@code ~/.ssh/config}'s
     */
    public record Address(String user, String host, Integer port) {
        /** {@code [user@]host[:port]} as written in a workflow; null when it is not that. */
        public static Address parse(String text) {
            java.util.regex.Matcher m = java.util.regex.Pattern
                    .compile("(?:([A-Za-z0-9_][A-Za-z0-9._-]*)@)?([A-Za-z0-9][A-Za-z0-9._-]*)(?::([0-9]{1,5}))?")
                    .matcher(text);
            if (!m.matches()) {
                return null;
            }
            Integer port = m.group(3) == null ? null : Integer.valueOf(m.group(3));
            return port != null && (port < 1 || port > 65535) ? null : new Address(m.group(1), m.group(2), port);
        }

        /** The {@code ssh} arguments that reach it, quoted for a shell. */
        String sshArguments() {
            return "-o BatchMode=yes -o ConnectTimeout=30" + (port == null ? "" : " -p " + port) + " -- "
                    + ShellQuote.quote(user == null ? host : user + "@" + host);
        }

        @Override
        public String toString() {
            return (user == null ? "" : user + "@") + host + (port == null ? "" : ":" + port);
        }
    }

    @Override
    public String describe() {
        return "directly, by ssh from " + (pull ? toName : fromName) + "'s login node to " + address;
    }

    @Override
    public Map<String, Sent> send(String fromDir, String toDir, List<Store.Found> files, long doneBefore, long total,
                                  Progress progress) throws CopyFailed {
        Instant began = clock.instant();
        // the source's checksums, read on the sending site while the bytes move
        List<String> paths = files.stream().map(f -> fromDir + "/" + f.relative()).toList();
        CompletableFuture<Map<String, String>> sums = CompletableFuture.supplyAsync(() -> {
            try {
                return from.sha256(paths);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        long done = doneBefore;
        boolean first = true;
        try {
            for (List<Store.Found> batch : batches(files)) {
                long bytes = batch.stream().mapToLong(Store.Found::size).sum();
                run(fromDir, toDir, batch, bytes);
                if (first) {
                    first = false;
                    progress.writing(InputCopy.partial(toDir, batch.get(0).relative()));
                }
                done += bytes;
                progress.bytes(done, total);
            }
        } finally {
            try {
                sums.join(); // never leave a checksum running on the site past the copy
            } catch (CompletionException e) {
                // reported below when the copy itself went well
            }
        }
        Map<String, String> bySource;
        try {
            bySource = sums.join();
        } catch (CompletionException e) {
            Throwable why = e.getCause() instanceof UncheckedIOException u ? u.getCause() : e.getCause();
            throw new CopyFailed("reading the checksums of the files in " + fromDir + " on " + from.where() + ": "
                    + why.getMessage(), why);
        }
        Map<String, Sent> out = new LinkedHashMap<>();
        for (Store.Found f : files) {
            String sum = bySource.get(fromDir + "/" + f.relative());
            if (sum != null) {
                out.put(f.relative(), new Sent(sum, began));
            }
        }
        return out;
    }

    /** The files in batches of at most {@link #PER_COMMAND} files and about {@link #BYTES_PER_COMMAND} bytes. */
    static List<List<Store.Found>> batches(List<Store.Found> files) {
        List<List<Store.Found>> out = new ArrayList<>();
        List<Store.Found> now = new ArrayList<>();
        long bytes = 0;
        for (Store.Found f : files) {
            if (!now.isEmpty() && (now.size() >= PER_COMMAND || bytes + f.size() > BYTES_PER_COMMAND)) {
                out.add(now);
                now = new ArrayList<>();
                bytes = 0;
            }
            now.add(f);
            bytes += f.size();
        }
        if (!now.isEmpty()) {
            out.add(now);
        }
        return out;
    }

    private void run(String fromDir, String toDir, List<Store.Found> batch, long bytes) throws CopyFailed {
        Store runner = pull ? to : from;
        String line = pull ? pullLine(fromDir, toDir, batch) : pushLine(fromDir, toDir, batch);
        Duration timeout = Duration.ofSeconds(Math.max(600, bytes / SLOW_BYTES_PER_SECOND));
        String what = "copying " + batch.size() + " file" + (batch.size() == 1 ? "" : "s") + " from site " + fromName
                + " to site " + toName + " " + describe();
        CommandResult r;
        try {
            r = runner.runner().run(Command.of("bash", "-o", "pipefail", "-c", line), timeout);
        } catch (RuntimeException e) { // it could not be started, or ran past its time
            throw new CopyFailed(what + " on " + runner.where() + ": " + e.getMessage(), e);
        }
        if (r.exitCode() != 0) {
            String err = r.stderr().isBlank() ? "exit " + r.exitCode() : r.firstErrorLine();
            throw new CopyFailed(what + " failed on " + runner.where() + ": " + err + "; check that "
                    + (pull ? toName : fromName) + "'s login node can run 'ssh " + address
                    + " true' without a password (a key of its own, its known_hosts), or remove " + (pull ? fromName
                    : toName) + " from reaches: of site " + (pull ? toName : fromName), null);
        }
    }

    /** Run on the receiving site: it reaches the sending one, which writes the archive, and unpacks it. */
    String pullLine(String fromDir, String toDir, List<Store.Found> batch) {
        return mkdir(toDir) + " && " + ShellQuote.quote(ssh) + " " + address.sshArguments() + " " + ShellQuote.quote(create(fromDir, batch))
                + " | " + extract(toDir);
    }

    /** Run on the sending site: it writes the archive into the receiving one, reached by ssh, which unpacks it. */
    String pushLine(String fromDir, String toDir, List<Store.Found> batch) {
        return create(fromDir, batch) + " | " + ShellQuote.quote(ssh) + " " + address.sshArguments() + " "
                + ShellQuote.quote(mkdir(toDir) + " && " + extract(toDir));
    }

    private String mkdir(String toDir) {
        return "umask " + to.modes().umask() + " && mkdir -p -- " + ShellQuote.quote(toDir);
    }

    private static String create(String fromDir, List<Store.Found> batch) {
        StringBuilder b = new StringBuilder("cd ").append(ShellQuote.quote(fromDir)).append(" && tar -c -f - --");
        batch.forEach(f -> b.append(' ').append(ShellQuote.quote(f.relative())));
        return b.toString();
    }

    /** Unpacks each file under its temporary name: its last path part with the partial prefix. */
    private static String extract(String toDir) {
        return "tar -x -f - -C " + ShellQuote.quote(toDir) + " --no-same-owner --no-same-permissions "
                + ShellQuote.quote("--transform=s,[^/]*$," + InputCopy.PARTIAL + "&,");
    }
}
