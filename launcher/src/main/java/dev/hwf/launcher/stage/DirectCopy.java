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
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

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
    /** Files per command (one ssh connection each). */
    private static final int PER_COMMAND = 5000;
    /** How often the bytes written are looked at while a copy runs. */
    private static final Duration PROGRESS_EVERY = Duration.ofSeconds(2);
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
                run(fromDir, toDir, batch, bytes, done, total, progress);
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
                out.put(f.relative(), new Sent(sum, began, null)); // the copy is checked where it lies
            }
        }
        return out;
    }

    /** The files in batches of at most {@link #PER_COMMAND} files. */
    static List<List<Store.Found>> batches(List<Store.Found> files) {
        List<List<Store.Found>> out = new ArrayList<>();
        for (int i = 0; i < files.size(); i += PER_COMMAND) {
            out.add(files.subList(i, Math.min(files.size(), i + PER_COMMAND)));
        }
        return out;
    }

    /**
     * Runs one batch's copy on the site that reaches the other, telling the bytes written so far
     * (the sizes of the temporary files, looked at every {@link #PROGRESS_EVERY}) as it goes.
     */
    private void run(String fromDir, String toDir, List<Store.Found> batch, long bytes, long doneBefore,
                                    long total, Progress progress) throws CopyFailed {
        Store runner = pull ? to : from;
        String line = pull ? pullLine(fromDir, toDir, batch) : pushLine(fromDir, toDir, batch);
        Duration timeout = Duration.ofSeconds(Math.max(600, bytes / SLOW_BYTES_PER_SECOND));
        String what = "copying " + batch.size() + " file" + (batch.size() == 1 ? "" : "s") + " from site " + fromName
                + " to site " + toName + " " + describe();
        CompletableFuture<CommandResult> copy = CompletableFuture.supplyAsync(
                () -> runner.runner().run(Command.of("bash", "-o", "pipefail", "-c", line), timeout));
        CommandResult r;
        try {
            while (true) {
                try {
                    r = copy.get(PROGRESS_EVERY.toMillis(), TimeUnit.MILLISECONDS);
                    break;
                } catch (TimeoutException e) {
                    progress.bytes(doneBefore + Math.min(bytes, written(toDir, batch)), total);
                }
            }
        } catch (ExecutionException e) { // it could not be started, or ran past its time
            throw new CopyFailed(what + " on " + runner.where() + ": " + e.getCause().getMessage(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CopyFailed(what + ": interrupted", e);
        }
        if (r.exitCode() != 0) {
            String err = r.stderr().isBlank() ? "exit " + r.exitCode() : r.firstErrorLine();
            throw new CopyFailed(what + " failed on " + runner.where() + ": " + err + "; check that "
                    + (pull ? toName : fromName) + "'s login node can run 'ssh " + address
                    + " true' without a password (a key of its own, its known_hosts), or remove " + (pull ? fromName
                    : toName) + " from reaches: of site " + (pull ? toName : fromName), null);
        }
    }

    /** The bytes in the batch's temporary files now; 0 when they cannot be looked at (the copy goes on). */
    private long written(String toDir, List<Store.Found> batch) {
        try {
            long n = 0;
            for (String glob : List.of(InputCopy.PARTIAL + "*", "**/" + InputCopy.PARTIAL + "*")) {
                for (Store.Found f : to.find(toDir, glob)) {
                    n += f.size();
                }
            }
            return n;
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }

    /** Run on the receiving site: it reaches the sending one, which writes the archive, and unpacks it. */
    String pullLine(String fromDir, String toDir, List<Store.Found> batch) {
        return names(batch) + " | " + ShellQuote.quote(ssh) + " " + address.sshArguments() + " "
                + ShellQuote.quote(create(fromDir)) + " | (" + extract(toDir) + ")";
    }

    /** Run on the sending site: it writes the archive into the receiving one, reached by ssh, which unpacks it. */
    String pushLine(String fromDir, String toDir, List<Store.Found> batch) {
        return names(batch) + " | (" + create(fromDir) + ") | " + ShellQuote.quote(ssh) + " " + address.sshArguments()
                + " " + ShellQuote.quote(extract(toDir));
    }

    /**
     * The batch's names, each ended by a NUL, from the shell's own printf: no command line holds
     * them, so a batch is not bounded by the system's limit on one.
     */
    private static String names(List<Store.Found> batch) {
        StringBuilder b = new StringBuilder("printf '%s\\0'");
        batch.forEach(f -> b.append(' ').append(ShellQuote.quote(f.relative())));
        return b.toString();
    }

    /** The archive of the files named on stdin, relative to {@code fromDir}. */
    private static String create(String fromDir) {
        return "cd " + ShellQuote.quote(fromDir) + " && tar -c -f - --null -T -";
    }

    /**
     * Unpacks each file under its temporary name (its last path part with the partial prefix), with
     * the receiving site's modes. (Checksumming each file as it is written, through tar's
     * {@code --to-command}, costs a few processes per file: 1,000 small files took 49 s that way here,
     * against 6 s for unpacking them and checksumming them after, many per command.)
     */
    private String extract(String toDir) {
        return "umask " + to.modes().umask() + " && mkdir -p -- " + ShellQuote.quote(toDir) + " && tar -x -f - -C "
                + ShellQuote.quote(toDir) + " --no-same-owner --no-same-permissions "
                + ShellQuote.quote("--transform=s,[^/]*$," + InputCopy.PARTIAL + "&,");
    }
}
