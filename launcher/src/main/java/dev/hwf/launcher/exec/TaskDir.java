package dev.hwf.launcher.exec;

import dev.hwf.launcher.exec.SiteFiles.TaskDirScan;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The names of the files in a task directory ({@code <workdir>/<run>/<task>}), built and read
 * here only: job scripts and the pilot agent write these files, the engine, {@code hwf logs},
 * reports and both file transports find them by these names.
 *
 * <p>An element's files carry its tag {@code A.I}, attempt {@code A} and element {@code I}:
 * {@code out.A.I.log} and {@code err.A.I.log} (its output; one exists once it started),
 * {@code exit.A.I} (its exit code), {@code ready.A.I} (a service's {@code host:port} once it
 * answers) and {@code reason.A.I} (why it ended before its command ran). A job script names them
 * with {@link #SCRIPT_TAG}, from the variables every job exports.
 */
public final class TaskDir {
    /** The tag of the element a job script runs, in that script: its exported attempt and index. */
    public static final String SCRIPT_TAG = tag("$HWF_ATTEMPT", "$HWF_ARRAY_INDEX");

    /** The tag as messages show it: {@code A.I}, attempt and element. */
    public static final String SHOWN_TAG = tag("A", "I");

    private static final Pattern TAG = Pattern.compile("\\d+\\.\\d+");

    private TaskDir() {
    }

    /** The files of an element, each named for its tag: {@code PREFIX.TAG[SUFFIX]}. */
    public enum Kind {
        EXIT("exit", ""),
        OUT("out", ".log"),
        ERR("err", ".log"),
        READY("ready", ""),
        REASON("reason", "");

        private final String word;
        private final String suffix;

        Kind(String word, String suffix) {
            this.word = word;
            this.suffix = suffix;
        }

        /** What the file is called in messages: {@code exit}, {@code out}, {@code ready}, ... */
        public String word() {
            return word;
        }

        /** The file of the element with this tag. */
        public String of(String tag) {
            return word + "." + tag + suffix;
        }

        /** The file of this attempt of the element. */
        public String of(int attempt, int index) {
            return of(tag(attempt, index));
        }

        /** The path of this attempt's file of the element, in its task directory {@code taskDir}. */
        public String in(String taskDir, int attempt, int index) {
            return taskDir + "/" + of(attempt, index);
        }

        /** The tag in a file name of this kind, or null for a name of another kind. */
        String tagIn(String name) {
            int end = name.length() - suffix.length();
            if (end <= word.length() + 1 || !name.startsWith(word) || name.charAt(word.length()) != '.'
                    || !name.endsWith(suffix)) {
                return null;
            }
            String tag = name.substring(word.length() + 1, end);
            return isTag(tag) ? tag : null;
        }
    }

    /** A file name listed in a task directory that is an element's file: its kind and tag. */
    public record Listed(Kind kind, String tag) {
    }

    /** The tag of an element's files: {@code ATTEMPT.INDEX}. */
    public static String tag(int attempt, int index) {
        return attempt + "." + index;
    }

    /** A tag from its parts as text: shell variables in a script, {@code A} and {@code I} in a message. */
    public static String tag(String attempt, String index) {
        return attempt + "." + index;
    }

    /** The attempt in a tag, as written there. */
    public static String attemptOf(String tag) {
        return tag.substring(0, tag.indexOf('.'));
    }

    /** The element's index in a tag, as written there. */
    public static String indexOf(String tag) {
        return tag.substring(tag.indexOf('.') + 1);
    }

    /** Whether the text is a tag: two numbers with a dot between them. */
    public static boolean isTag(String s) {
        return TAG.matcher(s).matches();
    }

    /** {@code exit.TAG}: the element's exit code, written whole once it has ended. */
    public static String exit(String tag) {
        return Kind.EXIT.of(tag);
    }

    /** {@code out.TAG.log}: the element's stdout. */
    public static String out(String tag) {
        return Kind.OUT.of(tag);
    }

    /** {@code err.TAG.log}: the element's stderr. */
    public static String err(String tag) {
        return Kind.ERR.of(tag);
    }

    /** {@code ready.TAG}: where a service element answers, once its readiness check passed. */
    public static String ready(String tag) {
        return Kind.READY.of(tag);
    }

    /** {@code reason.TAG}: why the element ended before its command ran. */
    public static String reason(String tag) {
        return Kind.REASON.of(tag);
    }

    /** {@code launch.TAG.sh}: what each node of a multi-node launch runs. */
    public static String launch(String tag) {
        return "launch." + tag + ".sh";
    }

    /** {@code upstream.ATTEMPT.ok}: the whole upstream of this attempt's job was found SUCCEEDED. */
    public static String upstreamOk(String attempt) {
        return "upstream." + attempt + ".ok";
    }

    /** {@code job.ATTEMPT.sh}: the job script of an attempt. */
    public static String script(int attempt) {
        return "job." + attempt + ".sh";
    }

    /** The kind and tag of an element's file by its name; null for any other name (a script, a temporary file). */
    public static Listed parse(String name) {
        for (Kind k : Kind.values()) {
            String tag = k.tagIn(name);
            if (tag != null) {
                return new Listed(k, tag);
            }
        }
        return null;
    }

    /** Reads one small file of a task directory, by its name; null when it says nothing (yet). */
    @FunctionalInterface
    public interface Read<T, E extends Exception> {
        T read(String name) throws E;
    }

    /**
     * What a task directory whose names are these says (see {@link SiteFiles#scan}): each exit
     * code, ready and reason file is read with {@code exitCode} or {@code firstLine}.
     */
    public static <E extends Exception> TaskDirScan scan(Iterable<String> names, Read<Integer, E> exitCode,
                                                         Read<String, E> firstLine) throws E {
        Map<String, Integer> codes = new HashMap<>();
        Set<String> started = new HashSet<>();
        Map<String, String> ready = new HashMap<>();
        Map<String, String> reasons = new HashMap<>();
        for (String name : names) {
            Listed f = parse(name);
            if (f == null) {
                continue;
            }
            switch (f.kind()) {
                case EXIT -> {
                    Integer code = exitCode.read(name);
                    if (code != null) {
                        codes.put(f.tag(), code);
                    }
                }
                case OUT -> started.add(f.tag());
                case READY, REASON -> {
                    String line = firstLine.read(name);
                    if (line != null) {
                        (f.kind() == Kind.READY ? ready : reasons).put(f.tag(), line);
                    }
                }
                case ERR -> {
                    // the out file says as much
                }
            }
        }
        return new TaskDirScan(codes, started, ready, reasons);
    }
}
