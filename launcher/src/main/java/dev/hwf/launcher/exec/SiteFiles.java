package dev.hwf.launcher.exec;

import java.util.Map;
import java.util.Set;

/** Files in the work directory where jobs run: on this machine, or on a cluster over SFTP. */
public interface SiteFiles {
    /** The path with a leading {@code ~} expanded for the machine the files live on, made absolute. */
    String resolve(String path);

    void mkdirs(String dir);

    /**
     * Whether a file exists. Only used to skip work; a site that cannot tell cheaply answers
     * false, and the file is written again.
     */
    default boolean exists(String path) {
        return false;
    }

    /** Writes the file (atomically where the file system allows); {@code executable} sets u+x. */
    void write(String path, String content, boolean executable);

    /**
     * What a task directory says about its elements: exit codes from {@code exit.A.I} files and
     * which elements started (an {@code out.A.I.log} exists), keyed by {@code "A.I"}.
     */
    TaskDirScan scan(String taskDir);

    /**
     * Reads part of a file, for {@code hwf logs} and reports: up to {@code max} bytes from
     * {@code offset} on (fewer at the end of the file, none past it); a negative {@code offset}
     * means the last {@code -offset} bytes. Null when there is no such file.
     */
    byte[] read(String path, long offset, int max);

    /** The result of {@link #scan}. A missing directory scans as empty. */
    record TaskDirScan(Map<String, Integer> exitCodes, Set<String> started) {
        public static String key(int attempt, int index) {
            return attempt + "." + index;
        }
    }
}
