package dev.hwf.launcher.stage;

import dev.hwf.launcher.exec.CommandRunner;
import dev.hwf.launcher.exec.FileModes;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * One site's files as input staging uses them: found by a glob, read and written as streams,
 * checksummed where they lie, and renamed into place. On this machine, or on a cluster over the
 * SFTP connection hwf already holds.
 */
public interface Store {
    /** Where the files are, for messages: "this machine", "alice@login.cpu.example.org". */
    String where();

    /**
     * The regular files under {@code dir} whose path relative to it matches {@code glob} ({@code *}
     * and {@code ?} within one path part, {@code **} across parts), with their sizes, in path order.
     * None when {@code dir} is missing.
     */
    List<Found> find(String dir, String glob) throws IOException;

    /**
     * The SHA-256 (lower-case hex) of each of these files that exists, by path; a missing file is
     * left out. One call for many files (one remote command, not one per file).
     */
    Map<String, String> sha256(Collection<String> paths) throws IOException;

    /** Reads a file as a stream, open for the duration of {@code body}. */
    <T> T read(String path, StreamBody<InputStream, T> body) throws IOException;

    /**
     * Writes a file as a stream (replacing what is there), open for the duration of {@code body};
     * its parent directories are made first, and it gets the site's file mode.
     */
    void write(String path, StreamBody<OutputStream, Void> body) throws IOException;

    /** Renames {@code from} to {@code to}, replacing {@code to}. */
    void rename(String from, String to) throws IOException;

    /** Deletes a file; nothing when there is none. */
    void delete(String path) throws IOException;

    /** The modes files and directories get here (private, or shared with the group). */
    FileModes modes();

    /** Runs commands where the files are: this machine, or the site's login node (a copy run there, {@link DirectCopy}). */
    CommandRunner runner();

    /** A file {@link #find} found: its path relative to the directory searched, and its size. */
    record Found(String relative, long size) {
    }

    /** What runs while a stream is open. */
    @FunctionalInterface
    interface StreamBody<S, T> {
        T apply(S stream) throws IOException;
    }
}
