package dev.hwf.launcher.exec;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Files in the work directory where jobs run: on this machine, or on a cluster over SFTP. */
public interface SiteFiles {
    /** The modes of the directories and files this site's files are created with. */
    FileModes modes();

    /**
     * The mode bits of a file or directory (as {@code stat} shows them, 0777 at most), or null when
     * there is none or it cannot be told.
     */
    Integer mode(String path);

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
    void write(String path, byte[] content, boolean executable);

    /** Writes a text file, UTF-8 (see {@link #write(String, byte[], boolean)}). */
    default void write(String path, String content, boolean executable) {
        write(path, content.getBytes(StandardCharsets.UTF_8), executable);
    }

    /** The names in a directory (files and directories, without {@code .} and {@code ..}); none when it is missing. */
    List<String> list(String dir);

    /** Deletes a file; nothing when there is none. */
    void delete(String path);

    /** Makes {@code link} a symbolic link to {@code target}; nothing when {@code link} exists already. */
    void link(String target, String link);

    /**
     * What a task directory says about its elements (its files as {@link TaskDir} names them):
     * exit codes from {@code exit.A.I} files,
     * which elements started (an {@code out.A.I.log} exists) and, for a service, where it answers
     * once ready (the first line of {@code ready.A.I}, host:port), and why an element ended before
     * its command ran (the first line of {@code reason.A.I}, e.g. {@code module gcc/12 not loaded}),
     * keyed by {@code "A.I"}.
     */
    TaskDirScan scan(String taskDir);

    /**
     * Reads part of a file, for {@code hwf logs} and reports: up to {@code max} bytes from
     * {@code offset} on (fewer at the end of the file, none past it); a negative {@code offset}
     * means the last {@code -offset} bytes. Null when there is no such file.
     */
    byte[] read(String path, long offset, int max);

    /** The result of {@link #scan}. A missing directory scans as empty. */
    record TaskDirScan(Map<String, Integer> exitCodes, Set<String> started, Map<String, String> ready,
                       Map<String, String> reasons) {
        /** A scan that found no ready file. */
        public TaskDirScan(Map<String, Integer> exitCodes, Set<String> started) {
            this(exitCodes, started, Map.of());
        }

        /** A scan that found no reason file. */
        public TaskDirScan(Map<String, Integer> exitCodes, Set<String> started, Map<String, String> ready) {
            this(exitCodes, started, ready, Map.of());
        }

        /** The reason in a reason file's text: its first line, or null when it is empty (half-written). */
        public static String reason(String text) {
            return endpoint(text); // the same rule: one short line
        }

        /** The endpoint in a ready file's text: its first line, or null when there is none yet. */
        public static String endpoint(String text) {
            String first = text.lines().findFirst().orElse("").strip();
            return first.isEmpty() || first.length() > 300 ? null : first;
        }

        /** The exit code in an exit code file's text, or null when it is empty or half-written. */
        public static Integer exitCode(String text) {
            String s = text.strip();
            try {
                return s.isEmpty() ? null : Integer.valueOf(s);
            } catch (NumberFormatException e) {
                return null; // half-written or odd: look again next pass
            }
        }

        /** The key of an element's entries: its files' tag (see {@link TaskDir#tag(int, int)}). */
        public static String key(int attempt, int index) {
            return TaskDir.tag(attempt, index);
        }
    }
}
