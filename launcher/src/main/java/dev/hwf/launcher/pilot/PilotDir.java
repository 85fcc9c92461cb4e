package dev.hwf.launcher.pilot;

import dev.hwf.launcher.exec.TaskDir;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The directory through which hwf hands packed work to its pilot agents, on the file system the
 * submit side and the compute nodes share. There is no network service between them: hwf writes
 * (through the site's files, {@link PilotQueue}), agents claim by renaming (this class, their
 * side), and everything either side needs to know is a file.
 *
 * <pre>
 * DIR/queue/NAME.todo        a bundle of elements, one per line (index, cores, gpus, script and the
 *                            tag of its outcome files, tab-separated), written whole (a rename)
 * DIR/taken/AGENT/NAME.todo  the same bundle once agent AGENT claimed it (a rename: one winner)
 * DIR/taken/AGENT/NAME.done  once every element of the bundle has ended: each element's index
 *                            and exit code, tab-separated (written whole by the agent that ran it,
 *                            which then removes NAME.todo)
 * DIR/taken/AGENT/beat       the agent's heartbeat: a counter it raises every few seconds
 * DIR/stop                   no more work will come: agents finish what runs, then exit
 * DIR/cancel/TAG             stop the running element whose outcome tag is TAG (a service whose
 *                            dependants have ended): its agent sends it SIGTERM
 * </pre>
 *
 * A claim is a rename within one file system, which is atomic on local file systems and on NFS
 * (no lock, which NFS does not keep reliably): of several agents renaming the same bundle, one
 * succeeds and the others find it gone. What an element does is in its script; the bundle only
 * says which script, which index, what slot it needs and the tag of its outcome files.
 */
public final class PilotDir {
    /** A bundle's, a task's or an agent's name in the directory: letters, digits, '.', '_' and '-'. */
    static final Pattern NAME = Pattern.compile("[A-Za-z0-9._-]+");
    /** A line of {@code times/TASK}: milliseconds (a line torn by two agents does not match). */
    private static final Pattern RUN_TIME = Pattern.compile("[0-9]{1,12}");
    static final String QUEUE = "queue";
    static final String TAKEN = "taken";
    static final String SUFFIX = ".todo";
    static final String DONE = ".done";
    static final String BEAT = "beat";
    static final String STOP = "stop";
    static final String CANCEL = "cancel";
    static final String TIMES = "times";
    /** Run times an agent reads of a task: the latest, enough for a 95th percentile. */
    static final int TIMES_KEPT = 1000;

    private final Path dir;

    public PilotDir(Path dir) {
        this.dir = dir;
    }

    /**
     * One element for an agent: its index, the cores and GPUs its slot needs, its script, and the
     * tag its outcome is recorded under ({@code ATTEMPT.INDEX}): the agent writes its output to
     * {@code out.TAG.log} and {@code err.TAG.log} beside the script and, once it has ended, its
     * exit code to {@code exit.TAG}. Without a tag the script records its own outcome.
     * {@code expectSeconds}: how long hwf expects it to run (its task's 95th percentile so far, or
     * its walltime), by which an agent near its pilot's end leaves it for another; 0 when unknown.
     */
    public record Item(int index, int cores, int gpus, String script, String tag, long expectSeconds) {
        public Item(int index, int cores, int gpus, String script) {
            this(index, cores, gpus, script, null);
        }

        public Item(int index, int cores, int gpus, String script, String tag) {
            this(index, cores, gpus, script, tag, 0);
        }

        public Item {
            if (cores < 1 || gpus < 0) {
                throw new IllegalArgumentException("an element needs at least one core and no negative GPUs");
            }
            if (script.contains("\n") || script.contains("\t")) {
                throw new IllegalArgumentException("a script path with a tab or newline: " + script);
            }
            if (tag != null && !TaskDir.isTag(tag)) {
                throw new IllegalArgumentException("an outcome tag is ATTEMPT.INDEX: " + tag);
            }
        }

        String line() {
            return index + "\t" + cores + "\t" + gpus + "\t" + script + (tag == null ? "" : "\t" + tag
                    + (expectSeconds > 0 ? "\t" + expectSeconds : ""));
        }

        static Item parse(String line, Path from) {
            String[] f = line.split("\t", 6);
            if (f.length < 4) {
                throw new IllegalArgumentException(from + ": not an element line: " + line);
            }
            try {
                return new Item(Integer.parseInt(f[0]), Integer.parseInt(f[1]), Integer.parseInt(f[2]), f[3],
                        f.length >= 5 ? f[4] : null, f.length == 6 ? Long.parseLong(f[5].strip()) : 0);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(from + ": not an element line: " + line, e);
            }
        }
    }

    static void checkName(String name) {
        if (!NAME.matcher(name).matches()) { // at every element an agent ends: compiled once
            throw new IllegalArgumentException("bundle name " + name);
        }
    }

    /** A bundle's text: its elements, a line each. */
    static String text(List<Item> items) {
        StringBuilder sb = new StringBuilder();
        for (Item i : items) {
            sb.append(i.line()).append('\n');
        }
        return sb.toString();
    }

    /** Bundle names waiting in the queue, oldest name first (names sort in the order hwf wrote them). */
    public List<String> queued() throws IOException {
        return names(dir.resolve(QUEUE), SUFFIX);
    }

    /** Bundle names an agent has claimed and not yet finished. */
    public List<String> taken(String agent) throws IOException {
        return names(dir.resolve(TAKEN).resolve(agent), SUFFIX);
    }

    /** Bundle names an agent has run to their end. */
    public List<String> done(String agent) throws IOException {
        return names(dir.resolve(TAKEN).resolve(agent), DONE);
    }

    /**
     * Marks a claimed bundle run to its end: each of its elements has ended (or could not be
     * started). The done file lists every element with its exit code, or none for one that has no
     * outcome (written whole, then renamed into place; the claimed bundle is removed after), so that
     * hwf learns a bundle's outcomes from one file, and hands back at once an element without one.
     *
     * @param codes each element's index and exit code (null: no outcome), in the bundle's order
     */
    public void finish(String agent, String name, Map<Integer, Integer> codes) throws IOException {
        Path d = dir.resolve(TAKEN).resolve(agent);
        StringBuilder sb = new StringBuilder();
        codes.forEach((index, code) -> sb.append(index).append('\t').append(code == null ? "" : code).append('\n'));
        writeWhole(d.resolve(name + DONE), sb.toString());
        Files.deleteIfExists(d.resolve(name + SUFFIX));
    }

    /** The exit codes a done file lists, by element index (elements without an outcome left out). */
    public static Map<Integer, Integer> doneCodes(String text) {
        Map<Integer, Integer> out = new HashMap<>();
        for (String line : text.split("\n")) {
            String[] f = line.split("\t", -1);
            if (f.length == 2 && !f[1].isEmpty()) {
                try {
                    out.put(Integer.parseInt(f[0]), Integer.parseInt(f[1].strip()));
                } catch (NumberFormatException odd) {
                    // not a line the agent writes: that element has no outcome here
                }
            }
        }
        return out;
    }

    /** The agents that have claimed work or beaten their heart here. */
    public List<String> agents() throws IOException {
        Path taken = dir.resolve(TAKEN);
        List<String> out = new ArrayList<>();
        if (!Files.isDirectory(taken)) {
            return out;
        }
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(taken)) {
            for (Path p : ds) {
                if (Files.isDirectory(p)) {
                    out.add(p.getFileName().toString());
                }
            }
        }
        out.sort(null);
        return out;
    }

    private static List<String> names(Path d, String suffix) throws IOException {
        List<String> out = new ArrayList<>();
        if (!Files.isDirectory(d)) {
            return out;
        }
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(d, "*" + suffix)) {
            for (Path p : ds) {
                String f = p.getFileName().toString();
                out.add(f.substring(0, f.length() - suffix.length()));
            }
        }
        out.sort(null);
        return out;
    }

    /**
     * Claims a queued bundle for {@code agent} by renaming it into the agent's directory.
     *
     * @return its elements, or null when another agent had it first
     */
    public List<Item> claim(String name, String agent) throws IOException {
        Path mine = Files.createDirectories(dir.resolve(TAKEN).resolve(agent)).resolve(name + SUFFIX);
        try {
            move(dir.resolve(QUEUE).resolve(name + SUFFIX), mine);
        } catch (NoSuchFileException gone) {
            // taken by another agent; over NFS a rename whose reply was lost is retried by the client
            // and fails although it was done: then the bundle is in this agent's directory after all
            if (!Files.exists(mine)) {
                return null;
            }
        }
        return read(mine);
    }

    private static List<Item> read(Path bundle) throws IOException {
        List<Item> out = new ArrayList<>();
        for (String line : Files.readAllLines(bundle, StandardCharsets.UTF_8)) {
            if (!line.isBlank()) {
                out.add(Item.parse(line, bundle));
            }
        }
        return out;
    }

    /** Raises an agent's heartbeat to {@code count} (written whole, then renamed over the last). */
    public void beat(String agent, long count) throws IOException {
        writeWhole(Files.createDirectories(dir.resolve(TAKEN).resolve(agent)).resolve(BEAT), count + "\n");
    }

    /** An agent's last heartbeat, or -1 when it has none (yet). */
    public long lastBeat(String agent) throws IOException {
        try {
            return Long.parseLong(Files.readString(dir.resolve(TAKEN).resolve(agent).resolve(BEAT)).strip());
        } catch (NoSuchFileException | NumberFormatException e) {
            return -1;
        }
    }

    /**
     * Adds the run time of an element of {@code task} that ended well, for every agent of the run
     * to read ({@code times/TASK}, a line each, appended: a line torn by two agents at once is read
     * as none).
     */
    public void addRunTime(String task, long millis) throws IOException {
        checkName(task);
        Path f = Files.createDirectories(dir.resolve(TIMES)).resolve(task);
        Files.writeString(f, millis + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                StandardOpenOption.APPEND);
    }

    /** The latest run times (milliseconds) of {@code task}'s elements that ended well, as the agents added them. */
    public List<Long> runTimes(String task) throws IOException {
        checkName(task);
        List<String> lines;
        try {
            lines = Files.readAllLines(dir.resolve(TIMES).resolve(task), StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            return List.of();
        }
        List<Long> out = new ArrayList<>();
        for (String l : lines.subList(Math.max(0, lines.size() - TIMES_KEPT), lines.size())) {
            if (RUN_TIME.matcher(l).matches()) {
                out.add(Long.parseLong(l));
            }
        }
        return out;
    }

    /** The tags of the elements hwf asked the agents to stop; none while it asked for none. */
    public Set<String> cancelRequests() throws IOException {
        return new HashSet<>(names(dir.resolve(CANCEL), ""));
    }

    /** Whether hwf has written {@code stop}: no more work will come. */
    public boolean stopped() {
        return Files.exists(dir.resolve(STOP));
    }

    /**
     * Writes a file whole: under a hidden temporary name beside it first, then renamed over it, so
     * a reader (hwf, over NFS or SFTP) never sees half of one.
     */
    static void writeWhole(Path target, String text) throws IOException {
        Path tmp = target.resolveSibling("." + target.getFileName() + ".tmp");
        Files.writeString(tmp, text, StandardCharsets.UTF_8);
        move(tmp, target);
    }

    private static void move(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            throw new IOException("cannot rename " + from + " to " + to + " atomically; the pilot directory must be "
                    + "on one file system", e);
        }
    }
}
