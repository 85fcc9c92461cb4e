package dev.hwf.launcher.journal;

import dev.hwf.launcher.ExitCodes;
import dev.hwf.launcher.HwfException;
import dev.hwf.launcher.exec.FileModes;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Set;

/**
 * The right to act on one run: held by the hwf process that is reading the scheduler, submitting
 * or cancelling for it. An operating-system file lock beside the journal, so it is released the
 * moment its holder dies, whatever kills it: a run's work that was claimed but not finished when
 * nobody holds the lock belongs to a process that is gone.
 */
public final class RunLock implements AutoCloseable {
    private final FileChannel channel;
    private final FileLock lock;

    private RunLock(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    /** The lock, or null when another process (or another thread here) holds it. */
    static RunLock tryAcquire(Path journalFile, String runId) {
        Path dir = journalFile.resolveSibling(journalFile.getFileName() + "-locks");
        FileChannel ch = null;
        try {
            FileModes.mkdirs(dir, FileModes.PRIVATE.dir());
            ch = FileChannel.open(dir.resolve(runId + ".lock"), Set.of(StandardOpenOption.CREATE,
                    StandardOpenOption.WRITE), PosixFilePermissions.asFileAttribute(
                    FileModes.permissions(FileModes.PRIVATE.file())));
            FileLock l = ch.tryLock();
            if (l == null) {
                ch.close();
                return null;
            }
            return new RunLock(ch, l);
        } catch (OverlappingFileLockException e) {
            closeQuietly(ch);
            return null;
        } catch (IOException e) {
            closeQuietly(ch);
            throw new HwfException(ExitCodes.BAD_INPUT, "cannot lock run " + runId + " beside the journal in " + dir
                    + ": " + e.getMessage());
        }
    }

    /** Waits up to {@code timeout} for the lock; exit 2 with a hint when another hwf keeps it. */
    static RunLock acquire(Path journalFile, String runId, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            RunLock l = tryAcquire(journalFile, runId);
            if (l != null) {
                return l;
            }
            if (System.nanoTime() > deadline) {
                throw new HwfException(ExitCodes.BAD_INPUT, "another hwf process kept run " + runId + " busy for "
                        + timeout.toSeconds() + " s; try again in a moment");
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new HwfException(ExitCodes.BAD_INPUT, "interrupted while waiting for run " + runId);
            }
        }
    }

    @Override
    public void close() {
        try {
            lock.release();
        } catch (IOException ignored) {
            // closing the channel below releases it as well
        }
        closeQuietly(channel);
    }

    private static void closeQuietly(FileChannel ch) {
        if (ch != null) {
            try {
                ch.close();
            } catch (IOException ignored) {
                // nothing to do: the lock goes with the channel
            }
        }
    }
}
