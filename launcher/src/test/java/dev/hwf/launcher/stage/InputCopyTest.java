package dev.hwf.launcher.stage;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hwf.launcher.exec.CommandRunner;
import dev.hwf.launcher.exec.FileModes;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Input staging between two directories on real files: what lands, what is skipped, what a cut-off copy leaves. */
class InputCopyTest {
    @TempDir
    Path tmp;
    Path up;
    Path down;
    final LocalStore store = new LocalStore(FileModes.PRIVATE);

    @BeforeEach
    void files() throws IOException {
        up = Files.createDirectories(tmp.resolve("cpu/run/simulate"));
        down = tmp.resolve("gpu/run/train");
        Random r = new Random(7);
        for (int i = 0; i < 3; i++) {
            byte[] b = new byte[100_000 + i];
            r.nextBytes(b);
            Files.write(up.resolve("dose-" + i + ".csv"), b);
        }
        Files.createDirectories(up.resolve("sub"));
        Files.writeString(up.resolve("sub/dose-9.csv"), "nested\n");
        Files.writeString(up.resolve("out.1.0.log"), "not an output\n");
    }

    private List<String> names(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(Files::isRegularFile).map(p -> dir.relativize(p).toString()).sorted().toList();
        }
    }

    @Test
    void matchingFilesArriveWholeWithTheSourcesChecksumsAndTheSitesMode() throws Exception {
        InputCopy copy = new InputCopy(store, store, Clock.systemUTC());
        List<Store.Found> plan = copy.plan(up.toString(), List.of("dose-*.csv", "sub/*.csv"));
        assertEquals(List.of("dose-0.csv", "dose-1.csv", "dose-2.csv", "sub/dose-9.csv"),
                plan.stream().map(Store.Found::relative).toList());
        List<long[]> ticks = new ArrayList<>();
        List<InputCopy.FileCopy> done = copy.copy(up.toString(), down.toString(), plan, new InputCopy.Progress() {
            @Override
            public void bytes(long d, long total) {
                ticks.add(new long[] {d, total});
            }
        });
        assertEquals(List.of("dose-0.csv", "dose-1.csv", "dose-2.csv", "sub/dose-9.csv"), names(down));
        for (InputCopy.FileCopy c : done) {
            assertArrayEquals(Files.readAllBytes(up.resolve(c.relative())), Files.readAllBytes(down.resolve(c.relative())));
            assertEquals(sha256(up.resolve(c.relative())), c.sha256());
            assertEquals(Files.size(up.resolve(c.relative())), c.bytes());
            assertFalse(c.alreadyThere());
            assertEquals(0600, FileModes.of(down.resolve(c.relative())));
        }
        long total = plan.stream().mapToLong(Store.Found::size).sum();
        assertEquals(total, ticks.get(ticks.size() - 1)[0], "the last tick says every byte is done");
    }

    @Test
    void filesAlreadyThereWithTheSameChecksumAreNotCopiedAgain() throws Exception {
        InputCopy copy = new InputCopy(store, store, Clock.systemUTC());
        List<Store.Found> plan = copy.plan(up.toString(), List.of("dose-*.csv"));
        copy.copy(up.toString(), down.toString(), plan, new InputCopy.Progress() { });
        Files.writeString(down.resolve("dose-1.csv"), "stale"); // differs: copied again
        CountingStore counting = new CountingStore(store);
        List<InputCopy.FileCopy> again = new InputCopy(counting, store, Clock.systemUTC())
                .copy(up.toString(), down.toString(), plan, new InputCopy.Progress() { });
        assertEquals(2, again.stream().filter(InputCopy.FileCopy::alreadyThere).count());
        assertEquals(List.of("dose-1.csv"), again.stream().filter(c -> !c.alreadyThere())
                .map(InputCopy.FileCopy::relative).toList());
        assertEquals(1, counting.reads, "only the changed file is read again");
        assertArrayEquals(Files.readAllBytes(up.resolve("dose-1.csv")), Files.readAllBytes(down.resolve("dose-1.csv")));
    }

    @Test
    void aCopyCutOffMidwayLeavesNoFileUnderItsNameAndIsFinishedByTheNext() throws Exception {
        InputCopy copy = new InputCopy(store, new FailingStore(store, 150_000), Clock.systemUTC());
        List<Store.Found> plan = copy.plan(up.toString(), List.of("dose-*.csv"));
        InputCopy.CopyFailed e = assertThrows(InputCopy.CopyFailed.class,
                () -> copy.copy(up.toString(), down.toString(), plan, new InputCopy.Progress() { }));
        assertTrue(e.getMessage().contains("writing ") && e.getMessage().contains("on this machine"), e.getMessage());
        assertTrue(names(down).stream().noneMatch(n -> n.startsWith("dose-")),
                "nothing under a real name: " + names(down));
        List<InputCopy.FileCopy> finished = new InputCopy(store, store, Clock.systemUTC())
                .copy(up.toString(), down.toString(), plan, new InputCopy.Progress() { });
        assertEquals(3, finished.size());
        assertEquals(List.of("dose-0.csv", "dose-1.csv", "dose-2.csv"), names(down),
                "the leftover partial file is replaced by the finished copy");
    }

    @Test
    void aCorruptCopyIsRemovedAndNamed() throws Exception {
        Store corrupting = new DelegatingStore(store) {
            @Override
            public Map<String, String> sha256(Collection<String> paths) throws IOException {
                Map<String, String> m = new java.util.LinkedHashMap<>(super.sha256(paths));
                m.replaceAll((k, v) -> k.contains(InputCopy.PARTIAL) ? "0".repeat(64) : v);
                return m;
            }
        };
        InputCopy copy = new InputCopy(store, corrupting, Clock.systemUTC());
        List<Store.Found> plan = copy.plan(up.toString(), List.of("dose-0.csv"));
        InputCopy.CopyFailed e = assertThrows(InputCopy.CopyFailed.class,
                () -> copy.copy(up.toString(), down.toString(), plan, new InputCopy.Progress() { }));
        assertTrue(e.getMessage().startsWith("dose-0.csv: the copy on this machine has SHA-256 000"), e.getMessage());
        assertEquals(List.of(), names(down));
    }

    @Test
    void aMissingSourceDirectoryPlansNothing() throws Exception {
        assertEquals(List.of(), new InputCopy(store, store, Clock.systemUTC())
                .plan(tmp.resolve("nowhere").toString(), List.of("*")));
    }

    private static String sha256(Path p) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(p)));
    }

    /** A store that hands every call to another. */
    static class DelegatingStore implements Store {
        final Store d;

        DelegatingStore(Store d) {
            this.d = d;
        }

        @Override
        public String where() {
            return d.where();
        }

        @Override
        public List<Found> find(String dir, String glob) throws IOException {
            return d.find(dir, glob);
        }

        @Override
        public Map<String, String> sha256(Collection<String> paths) throws IOException {
            return d.sha256(paths);
        }

        @Override
        public <T> T read(String path, StreamBody<InputStream, T> body) throws IOException {
            return d.read(path, body);
        }

        @Override
        public void write(String path, StreamBody<OutputStream, Void> body) throws IOException {
            d.write(path, body);
        }

        @Override
        public void rename(String from, String to) throws IOException {
            d.rename(from, to);
        }

        @Override
        public void delete(String path) throws IOException {
            d.delete(path);
        }

        @Override
        public FileModes modes() {
            return d.modes();
        }

        @Override
        public CommandRunner runner() {
            return d.runner();
        }
    }

    /** Counts the files read. */
    static final class CountingStore extends DelegatingStore {
        int reads;

        CountingStore(Store d) {
            super(d);
        }

        @Override
        public <T> T read(String path, StreamBody<InputStream, T> body) throws IOException {
            reads++;
            return super.read(path, body);
        }
    }

    /** Fails writing once this many bytes are written, as a dropped connection or a full disk would. */
    static final class FailingStore extends DelegatingStore {
        private long left;

        FailingStore(Store d, long bytes) {
            super(d);
            left = bytes;
        }

        @Override
        public void write(String path, StreamBody<OutputStream, Void> body) throws IOException {
            super.write(path, out -> body.apply(new OutputStream() {
                @Override
                public void write(int b) throws IOException {
                    write(new byte[] {(byte) b}, 0, 1);
                }

                @Override
                public void write(byte[] b, int off, int len) throws IOException {
                    if (len > left) {
                        out.write(b, off, (int) left);
                        left = 0;
                        throw new IOException("connection dropped");
                    }
                    left -= len;
                    out.write(b, off, len);
                }
            }));
        }
    }
}
