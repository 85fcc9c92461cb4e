package dev.hwf.launcher.journal;

import dev.hwf.launcher.exec.FileModes;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Whether POSIX locks work in a directory: this process takes an exclusive lock on a file there
 * and a second process (a small JVM running {@link #main}) tries to take it too. Locks work when
 * the second one is refused. A lock is a process's own, so no second descriptor in this process
 * could tell; SQLite's rollback journal and hwf's run locks rely on exactly this refusal. It costs
 * a JVM's start (about 0.1 s), and is made only by writers of a journal on a network file system.
 */
final class LockProbe {
    /** exit code of the second process: the lock was refused, so it saw the first one's */
    static final int SEEN = 0;
    /** exit code of the second process: it got the lock although the first process held it */
    static final int NOT_SEEN = 10;
    /** exit code of the second process: taking a lock failed */
    static final int FAILED = 11;

    private LockProbe() {
    }

    /** Null when locks in {@code dir} work, else what went wrong. */
    static String probe(Path dir) {
        Path file = dir.resolve("lock-probe");
        try {
            FileModes.mkdirs(dir, FileModes.PRIVATE.dir());
            try (FileChannel ch = FileChannel.open(file, Set.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE),
                    PosixFilePermissions.asFileAttribute(FileModes.permissions(FileModes.PRIVATE.file())))) {
                FileLock lock;
                try {
                    lock = ch.tryLock();
                } catch (IOException e) {
                    return "taking a lock failed: " + e.getMessage();
                }
                if (lock == null) {
                    return null; // another hwf's probe holds it right now: a lock seen across processes
                }
                try {
                    return second(file);
                } finally {
                    lock.release();
                }
            }
        } catch (IOException e) {
            return "cannot make a file to test locks in " + dir + ": " + e.getMessage();
        }
    }

    /** Runs the second process against {@code file} and says what it found, or null when it was refused. */
    static String second(Path file) throws IOException {
        String java = ProcessHandle.current().info().command().orElse(
                Path.of(System.getProperty("java.home"), "bin", "java").toString());
        List<String> cmd = new ArrayList<>(List.of(java, "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC",
                "-Xshare:auto", "-cp", System.getProperty("java.class.path"), LockProbe.class.getName(),
                file.toString()));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        try {
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return "a second process testing the lock did not answer in 30 s";
            }
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            return "interrupted while testing locks";
        }
        String said = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        return switch (p.exitValue()) {
            case SEEN -> null;
            case NOT_SEEN -> "a second process got a lock this one held";
            case FAILED -> "a second process could not take a lock: " + said;
            default -> "the process testing locks ended with exit code " + p.exitValue() + (said.isEmpty() ? ""
                    : ": " + said);
        };
    }

    /** The second process: tries the lock on {@code args[0]} and exits with {@link #SEEN}, {@link #NOT_SEEN} or {@link #FAILED}. */
    public static void main(String[] args) {
        try (FileChannel ch = FileChannel.open(Path.of(args[0]), StandardOpenOption.WRITE)) {
            FileLock lock = ch.tryLock();
            System.exit(lock == null ? SEEN : NOT_SEEN);
        } catch (IOException e) {
            System.out.println(e.getMessage());
            System.exit(FAILED);
        }
    }
}
