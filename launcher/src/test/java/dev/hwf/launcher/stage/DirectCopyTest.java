package dev.hwf.launcher.stage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hwf.launcher.exec.FileModes;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.time.Clock;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Direct copies between two sites, both on this machine here: the {@code ssh} the running site
 * would run is a stand-in that runs the remote command in a local bash and notes where it was told
 * to go, so that the commands, their quoting, the tar stream, the temporary names, the modes and the
 * checks are the real ones. The real ssh between two login nodes is SitesIT's.
 */
class DirectCopyTest {
    @TempDir
    Path tmp;
    Path src;
    Path dst;
    Path ssh;
    Path calls;
    final Store local = new LocalStore(FileModes.PRIVATE);
    final DirectCopy.Address address = DirectCopy.Address.parse("alice@login.cpu.example.org:2200");

    @BeforeEach
    void setUp() throws IOException {
        src = Files.createDirectories(tmp.resolve("cpu/run/simulate"));
        dst = tmp.resolve("gpu/run/train");
        calls = tmp.resolve("ssh-calls");
        ssh = tmp.resolve("ssh");
        // the options, then "--", the destination and the command, as DirectCopy writes them
        Files.writeString(ssh, """
                #!/bin/bash
                args="$*"
                while [ "$1" != "--" ]; do shift; done
                echo "$args" >> %s
                exec bash -c "$3"
                """.formatted(calls));
        ssh.toFile().setExecutable(true);
        Random r = new Random(42);
        write(src.resolve("dose-1.csv"), r, 300_000);
        write(src.resolve("sub dir/dose 2.csv"), r, 1000);
        write(src.resolve("-dash.csv"), r, 10);
        write(src.resolve("notes.txt"), r, 10);
    }

    private static void write(Path p, Random r, int n) throws IOException {
        byte[] b = new byte[n];
        r.nextBytes(b);
        Files.createDirectories(p.getParent());
        Files.write(p, b);
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rw-r--r--"));
    }

    private InputCopy copy(boolean pull, String client) {
        return new InputCopy(local, local, Clock.systemUTC(),
                new DirectCopy(local, local, "cpu", "gpu", pull, address, Clock.systemUTC(), client));
    }

    private List<InputCopy.FileCopy> run(InputCopy c, InputCopy.Progress progress) throws IOException {
        List<Store.Found> files = c.plan(src.toString(), List.of("*.csv", "**/*.csv"));
        return c.copy(src.toString(), dst.toString(), files, progress);
    }

    private static String sha256(Path p) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(p)));
    }

    private List<Path> partials() throws IOException {
        if (!Files.exists(dst)) {
            return List.of();
        }
        try (Stream<Path> s = Files.walk(dst)) {
            return s.filter(p -> p.getFileName().toString().startsWith(InputCopy.PARTIAL)).toList();
        }
    }

    private void assertArrived(List<InputCopy.FileCopy> copied) throws Exception {
        assertEquals(3, copied.size(), copied.toString());
        for (InputCopy.FileCopy f : copied) {
            Path there = dst.resolve(f.relative());
            assertEquals(sha256(src.resolve(f.relative())), sha256(there), f.relative());
            assertEquals(sha256(there), f.sha256(), "the journal's checksum is the source's");
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(there)),
                    "private, as the receiving site's files are: " + f.relative());
        }
        assertFalse(Files.exists(dst.resolve("notes.txt")), "only what the glob matches");
        assertEquals(List.of(), partials());
    }

    @Test
    void theReceivingSitePullsEveryFileUnderItsOwnNameWithTheSourcesChecksum() throws Exception {
        assertArrived(run(copy(true, ssh.toString()), new InputCopy.Progress() { }));
        String call = Files.readString(calls).strip();
        assertTrue(call.startsWith("-o BatchMode=yes -o ConnectTimeout=30 -p 2200 -- alice@login.cpu.example.org cd "),
                call);
        assertTrue(call.contains("tar -c -f - --"), call);
    }

    @Test
    void theSendingSitePushesWhenItIsTheOneThatReaches() throws Exception {
        assertArrived(run(copy(false, ssh.toString()), new InputCopy.Progress() { }));
        assertTrue(Files.readString(calls).contains("tar -x -f - "), "the receiving end unpacks");
    }

    @Test
    void filesAlreadyThereWithTheSameChecksumAreNotSentAgain() throws Exception {
        run(copy(true, ssh.toString()), new InputCopy.Progress() { });
        Files.delete(calls);
        List<InputCopy.FileCopy> again = run(copy(true, ssh.toString()), new InputCopy.Progress() { });
        assertTrue(again.stream().allMatch(InputCopy.FileCopy::alreadyThere), again.toString());
        assertFalse(Files.exists(calls), "no ssh at all");
    }

    @Test
    void cutOffAfterTheBytesMovedTheNextCopyFinishesItWithNothingUnderARealName() throws Exception {
        InputCopy.Progress killed = new InputCopy.Progress() {
            @Override
            public void writing(String partial) {
                throw new IllegalStateException("killed");
            }
        };
        assertThrows(IllegalStateException.class, () -> run(copy(true, ssh.toString()), killed));
        assertEquals(3, partials().size(), "every file under its temporary name only");
        assertFalse(Files.exists(dst.resolve("dose-1.csv")));
        assertArrived(run(copy(true, ssh.toString()), new InputCopy.Progress() { }));
    }

    @Test
    void anSshThatCannotGetInFailsTheCopyNamingBothSitesAndWhatToCheck() throws Exception {
        Path refused = tmp.resolve("refused-ssh");
        Files.writeString(refused, "#!/bin/bash\necho 'Host key verification failed.' >&2\nexit 255\n");
        refused.toFile().setExecutable(true);
        InputCopy.CopyFailed e = assertThrows(InputCopy.CopyFailed.class, () -> run(copy(true, refused.toString()),
                new InputCopy.Progress() { }));
        assertTrue(e.getMessage().contains("from site cpu to site gpu"), e.getMessage());
        assertTrue(e.getMessage().contains("Host key verification failed."), e.getMessage());
        assertTrue(e.getMessage().contains("'ssh alice@login.cpu.example.org:2200 true'")
                && e.getMessage().contains("reaches: of site gpu"), e.getMessage());
        assertFalse(Files.exists(dst.resolve("dose-1.csv")), "nothing under a real name");
    }

    @Test
    void addressesAreUserHostAndPortAsSshTakesThem() {
        assertEquals(new DirectCopy.Address("alice", "dtn.cpu.example.org", 2222),
                DirectCopy.Address.parse("alice@dtn.cpu.example.org:2222"));
        assertEquals(new DirectCopy.Address(null, "cpu-login", null), DirectCopy.Address.parse("cpu-login"));
        assertEquals("alice@cpu:22", DirectCopy.Address.parse("alice@cpu:22").toString());
        for (String bad : List.of("", "-oProxyCommand=x", "alice@", "cpu:0", "cpu:70000", "a b", "cpu;true", "@cpu")) {
            assertNull(DirectCopy.Address.parse(bad), bad);
        }
    }

    @Test
    void batchesBoundTheFilesOfOneCommand() {
        List<Store.Found> many = java.util.stream.IntStream.range(0, 12_001)
                .mapToObj(i -> new Store.Found("f" + i, 10)).toList();
        assertEquals(List.of(5000, 5000, 2001), DirectCopy.batches(many).stream().map(List::size).toList());
    }

    @Test
    void aFileTheReceivingEndCouldNotWriteWholeFailsTheCopy() throws Exception {
        Files.createDirectories(dst);
        // a directory that is not empty where a temporary file goes: tar cannot write the file there
        Files.createDirectories(dst.resolve(InputCopy.PARTIAL + "dose-1.csv").resolve("in-the-way"));
        InputCopy.CopyFailed e = assertThrows(InputCopy.CopyFailed.class, () -> run(copy(true, ssh.toString()),
                new InputCopy.Progress() { }));
        assertTrue(e.getMessage().contains("failed on this machine"), e.getMessage());
        assertFalse(Files.exists(dst.resolve("dose-1.csv")), "nothing under a real name");
    }
}
