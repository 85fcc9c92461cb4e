package dev.hwf.launcher.stage;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Copies the files one upstream task left for a dependant on another site into the dependant's
 * task directory (SPEC section 7). A file appears under its name only once it is whole and its
 * SHA-256 matches the source's: it is written under a temporary name beside it, checked where it
 * lies, then renamed. A file already there with the source's checksum is not copied again, so a
 * copy cut off at any moment (hwf killed) is finished by running it again.
 */
public final class InputCopy {
    /** The prefix of a file being written; never a name a task gives its outputs. */
    public static final String PARTIAL = ".hwf-partial.";
    private static final int BUFFER = 1 << 18;

    private final Store from;
    private final Store to;
    private final Clock clock;
    private final Route route;

    /** A copy streamed through this machine, over the connections hwf holds to both sites. */
    public InputCopy(Store from, Store to, Clock clock) {
        this(from, to, clock, null);
    }

    /** A copy that goes by {@code route} (null: streamed through this machine). */
    public InputCopy(Store from, Store to, Clock clock, Route route) {
        this.from = from;
        this.to = to;
        this.clock = clock;
        this.route = route != null ? route : new Streamed();
    }

    /**
     * How a copy's bytes go from one site to the other: streamed through this machine, or by a
     * command run on one of the two sites ({@link DirectCopy}). Either way each file is written
     * under its temporary name ({@link #partial}); checking and renaming are the copy's.
     */
    public interface Route {
        /**
         * Writes each file of {@code files} from {@code fromDir} to its temporary name in {@code toDir}.
         *
         * @param doneBefore the bytes of the copy already in place, for {@code progress}
         * @return each file's source SHA-256 and when its copy began, by relative path
         */
        Map<String, Sent> send(String fromDir, String toDir, List<Store.Found> files, long doneBefore, long total,
                               Progress progress) throws CopyFailed;

        /** How the bytes go, for the staging's reason: "through this machine". */
        String describe();
    }

    /**
     * One file sent: the SHA-256 of the source's bytes, when its copy began, and the SHA-256 of the
     * copy as the receiving site wrote it (null: not known, so read where it lies).
     */
    public record Sent(String sha256, Instant started, String landed) {
    }

    /** One file of a copy: its path relative to both task directories, size, checksum and times. */
    public record FileCopy(String relative, long bytes, String sha256, Instant started, Instant ended,
                           boolean alreadyThere) {
    }

    /** Hears how a copy goes: bytes as they are written, and each file once it is in place. */
    public interface Progress {
        /** {@code done} of {@code total} bytes of this copy are written so far (files already there count as done). */
        default void bytes(long done, long total) {
        }

        /** A file is in place under its own name (copied now, or found there already). */
        default void placed(FileCopy file) {
        }

        /** A file's first bytes are written under its temporary name (once per file, for tests that stop a copy there). */
        default void writing(String partial) {
        }
    }

    /** A copy that could not be done, naming the file and the site where it went wrong. */
    public static final class CopyFailed extends IOException {
        public CopyFailed(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** The files of {@code fromDir} matching the globs, with their sizes, each once, in path order. */
    public List<Store.Found> plan(String fromDir, List<String> globs) throws IOException {
        Map<String, Store.Found> all = new LinkedHashMap<>();
        for (String g : globs) {
            for (Store.Found f : from.find(fromDir, g)) {
                if (!f.relative().contains(PARTIAL)) {
                    all.putIfAbsent(f.relative(), f);
                }
            }
        }
        return new ArrayList<>(all.values());
    }

    /**
     * Copies {@code files} (from {@link #plan}) from {@code fromDir} to {@code toDir}.
     *
     * @return every file, copied now or already there
     * @throws CopyFailed naming the file and the site, when one cannot be read, written or checked
     */
    public List<FileCopy> copy(String fromDir, String toDir, List<Store.Found> files, Progress progress)
            throws CopyFailed {
        long total = files.stream().mapToLong(Store.Found::size).sum();
        // the source is checksummed ahead only where a file of that name is there already (is it the
        // same?); a file copied is checksummed as it is read, which is the source's checksum
        Map<String, String> there = checksums(to, toDir, files, "reading the checksums of");
        List<Store.Found> present = files.stream().filter(f -> there.containsKey(toDir + "/" + f.relative())).toList();
        Map<String, String> sourceSums = new LinkedHashMap<>(present.isEmpty() ? Map.of()
                : checksums(from, fromDir, present, "reading the checksums of"));
        List<FileCopy> out = new ArrayList<>();
        long done = 0;
        List<Store.Found> toCopy = new ArrayList<>();
        for (Store.Found f : files) {
            String sum = sourceSums.get(fromDir + "/" + f.relative());
            if (sum != null && sum.equals(there.get(toDir + "/" + f.relative()))) {
                Instant now = clock.instant();
                FileCopy c = new FileCopy(f.relative(), f.size(), sum, now, now, true);
                out.add(c);
                progress.placed(c);
                done += f.size();
            } else {
                toCopy.add(f);
            }
        }
        progress.bytes(done, total);
        // written under temporary names, then checked where they lie in one go, then renamed
        Map<String, Sent> sent = toCopy.isEmpty() ? Map.of()
                : route.send(fromDir, toDir, toCopy, done, total, progress);
        Map<String, Instant> started = new LinkedHashMap<>();
        for (Store.Found f : toCopy) {
            Sent one = sent.get(f.relative());
            if (one == null) {
                throw new CopyFailed(f.relative() + ": no checksum of the source on " + from.where()
                        + " (is it still there?); copied again next time", null);
            }
            started.put(f.relative(), one.started());
            sourceSums.put(fromDir + "/" + f.relative(), one.sha256());
        }
        // the copies' checksums: as the receiving site wrote them, else read where they lie, in one go
        Map<String, String> written = new LinkedHashMap<>();
        List<String> unchecked = new ArrayList<>();
        for (Store.Found f : toCopy) {
            String landed = sent.get(f.relative()).landed();
            if (landed != null) {
                written.put(partial(toDir, f.relative()), landed);
            } else {
                unchecked.add(partial(toDir, f.relative()));
            }
        }
        try {
            if (!unchecked.isEmpty()) {
                written.putAll(to.sha256(unchecked));
            }
        } catch (IOException e) {
            throw new CopyFailed("checking the copies in " + toDir + " on " + to.where() + ": " + e.getMessage(), e);
        }
        for (Store.Found f : toCopy) {
            String want = sourceSums.get(fromDir + "/" + f.relative());
            String tmp = partial(toDir, f.relative());
            if (!want.equals(written.get(tmp))) {
                delete(tmp);
                throw new CopyFailed(f.relative() + ": the copy on " + to.where() + " has SHA-256 "
                        + written.getOrDefault(tmp, "(none: it is missing)") + ", not the source's " + want
                        + "; it was removed and is copied again next time", null);
            }
            try {
                to.rename(tmp, toDir + "/" + f.relative());
            } catch (IOException e) {
                throw new CopyFailed("placing " + f.relative() + " in " + toDir + " on " + to.where() + ": "
                        + e.getMessage(), e);
            }
            FileCopy c = new FileCopy(f.relative(), f.size(), want, started.get(f.relative()), clock.instant(), false);
            out.add(c);
            progress.placed(c);
        }
        return out;
    }

    /** The temporary name a file is written under, beside where it goes. */
    public static String partial(String toDir, String relative) {
        int slash = relative.lastIndexOf('/');
        return toDir + "/" + relative.substring(0, slash + 1) + PARTIAL + relative.substring(slash + 1);
    }

    private Map<String, String> checksums(Store s, String dir, List<Store.Found> files, String what)
            throws CopyFailed {
        try {
            return s.sha256(files.stream().map(f -> dir + "/" + f.relative()).toList());
        } catch (IOException e) {
            throw new CopyFailed(what + " the files in " + dir + " on " + s.where() + ": " + e.getMessage(), e);
        }
    }

    /** Each file streamed through this machine: read from one site's connection, written to the other's. */
    private final class Streamed implements Route {
        @Override
        public Map<String, Sent> send(String fromDir, String toDir, List<Store.Found> files, long doneBefore,
                                      long total, Progress progress) throws CopyFailed {
            Map<String, Sent> out = new LinkedHashMap<>();
            long done = doneBefore;
            for (Store.Found f : files) {
                Instant began = clock.instant();
                String sum = stream(fromDir + "/" + f.relative(), partial(toDir, f.relative()), done, total, progress);
                out.put(f.relative(), new Sent(sum, began, null));
                done += f.size();
            }
            return out;
        }

        @Override
        public String describe() {
            return "through this machine";
        }
    }

    /** How this copy's bytes go, for the staging's reason. */
    public String describe() {
        return route.describe();
    }

    /** Streams one file to its temporary name; returns the SHA-256 of what was read. */
    private String stream(String src, String tmp, long doneBefore, long total, Progress progress) throws CopyFailed {
        MessageDigest digest = Checksums.sha256();
        try {
            from.read(src, in -> {
                try {
                    to.write(tmp, out -> {
                        pump(new DigestInputStream(in, digest), out, doneBefore, total, progress, tmp);
                        return null;
                    });
                } catch (SourceRead e) {
                    throw e;
                } catch (IOException e) {
                    throw new Side(e);
                }
                return null;
            });
        } catch (Side e) {
            throw new CopyFailed("writing " + tmp + " on " + to.where() + ": " + e.getCause().getMessage(), e);
        } catch (IOException e) { // opening or reading the source
            Throwable why = e instanceof SourceRead ? e.getCause() : e;
            throw new CopyFailed("reading " + src + " on " + from.where() + ": " + why.getMessage(), e);
        }
        return Checksums.hex(digest);
    }

    private static void pump(InputStream in, OutputStream out, long doneBefore, long total, Progress progress,
                             String tmp) throws IOException {
        byte[] buf = new byte[BUFFER];
        long done = doneBefore;
        long reported = doneBefore;
        boolean begun = false;
        while (true) {
            int n;
            try {
                n = in.read(buf);
            } catch (IOException e) {
                throw new SourceRead(e);
            }
            if (n < 0) {
                break;
            }
            out.write(buf, 0, n);
            done += n;
            if (!begun) {
                begun = true;
                out.flush();
                progress.writing(tmp);
            }
            if (done - reported >= 64L << 20) { // every 64 MiB
                progress.bytes(done, total);
                reported = done;
            }
        }
        progress.bytes(done, total);
    }

    /** A failure reading the source, told apart from one writing the copy. */
    private static final class SourceRead extends IOException {
        SourceRead(IOException cause) {
            super(cause);
        }
    }

    /** A failure writing the copy, carried out of the source's read. */
    private static final class Side extends IOException {
        Side(IOException cause) {
            super(cause);
        }
    }

    private void delete(String path) {
        try {
            to.delete(path);
        } catch (IOException e) {
            // copied again next time, over it
        }
    }
}
