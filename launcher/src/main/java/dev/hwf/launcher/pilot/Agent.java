package dev.hwf.launcher.pilot;

import dev.hwf.launcher.exec.TaskDir;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The program a pilot job runs on each of its nodes: it claims bundles of elements from a
 * {@link PilotDir}, runs each element's script in a slot of the node (its cores, and its own GPUs
 * in {@code CUDA_VISIBLE_DEVICES}), raises its heartbeat, and exits once told to stop and nothing
 * runs, or once it has found no work for its idle limit. Elements run in subshells forked by one
 * bash {@linkplain #RUNNER runner} per busy slot: no JVM, and no new program, per element. Each
 * element's outcome is its exit code file, written once it has ended, so the agent keeps no state
 * that matters: killed, it leaves claimed bundles whose elements without an exit code file hwf
 * hands back to be run elsewhere.
 */
public final class Agent {
    private static final Logger LOG = LoggerFactory.getLogger(Agent.class);

    /**
     * How the agent is set up: its name, the node's share it may fill, and its time limits.
     *
     * @param walltime its pilot job's walltime ({@link Duration#ZERO}: none): near the end the agent
     *                 starts no element that would not end in time, and ends once nothing runs
     */
    public record Config(String name, int cores, int gpus, Duration idleLimit, Duration beatEvery, Duration look,
                         Duration walltime) {
        public Config(String name, int cores, int gpus, Duration idleLimit, Duration beatEvery, Duration look) {
            this(name, cores, gpus, idleLimit, beatEvery, look, Duration.ZERO);
        }

        public Config {
            if (!PilotDir.NAME.matcher(name).matches()) {
                throw new IllegalArgumentException("agent name " + name + ": letters, digits, '.', '_' and '-' only");
            }
            if (cores < 1 || gpus < 0) {
                throw new IllegalArgumentException("an agent needs at least one core and no negative GPUs");
            }
        }
    }

    /**
     * What an agent did, for its log line and for tests.
     *
     * @param handedBack elements it left for another pilot: they would not have ended before its own
     */
    public record Summary(int bundles, int elements, int failedToStart, int handedBack) {
        public Summary(int bundles, int elements, int failedToStart) {
            this(bundles, elements, failedToStart, 0);
        }
    }

    /** Run times of a task's elements this agent saw end well before it trusts them over hwf's word. */
    static final int SAMPLES = 5;
    /** Time kept in hand before the pilot's end: the job's start before the agent's, and the kill's notice. */
    private static final Duration MARGIN = Duration.ofSeconds(2);

    private final PilotDir dir;
    private final Config config;
    private final LongSupplier nanos;
    private final LinkedBlockingQueue<Finished> finished = new LinkedBlockingQueue<>();
    private final Deque<Runner> idle = new ArrayDeque<>();
    private final List<Runner> all = new ArrayList<>();
    /** Tags of the elements hwf asked to stop, as last read. */
    private Set<String> asked = Set.of();
    /** Tags of the elements this agent has stopped as asked, so each is stopped once. */
    private final Set<String> stopped = new HashSet<>();
    private int busy;
    private final Deque<Claimed> pending = new ArrayDeque<>();
    private final BitSet gpusInUse = new BitSet();
    private int coresInUse;

    /** What an element holds while it runs, the element, its bundle, and when it started. */
    private record Slot(int cores, List<Integer> gpus, PilotDir.Item item, Bundle bundle, long started) {
    }

    /**
     * The run times (nanoseconds) of the task's elements that ended well, by task (its directory's
     * name): the run's agents' so far, read when a bundle of the task is claimed, and this one's since.
     */
    private final Map<String, List<Long>> runTimes = new HashMap<>();
    /** When the pilot ends, less {@link #MARGIN}, on the {@link #nanos} clock; Long.MAX_VALUE: never. */
    private long deadline = Long.MAX_VALUE;
    /** Once an element was left for want of time: no more bundles are claimed, and the agent ends when idle. */
    private boolean draining;

    /**
     * A claimed bundle, its elements' exit codes as they end (null for none yet), and how many of
     * them have yet to end: at none, it is marked done.
     */
    private static final class Bundle {
        final String name;
        final Map<Integer, Integer> codes = new LinkedHashMap<>();
        int left;

        Bundle(String name) {
            this.name = name;
        }
    }

    /** An element waiting for a slot, and its bundle. */
    private record Claimed(PilotDir.Item item, Bundle bundle) {
    }

    private record Finished(Runner runner, int code) {
    }

    public Agent(PilotDir dir, Config config) {
        this(dir, config, System::nanoTime);
    }

    Agent(PilotDir dir, Config config, LongSupplier nanos) {
        this.dir = dir;
        this.config = config;
        this.nanos = nanos;
    }

    /** Runs until stopped or idle; returns what it did. */
    public Summary run() throws IOException, InterruptedException {
        return run(Duration.ZERO);
    }

    /**
     * Runs until stopped or idle, or until its pilot's end leaves no time for anything it holds.
     *
     * @param upAlready how long this agent's pilot job has been running already (the JVM's start)
     */
    public Summary run(Duration upAlready) throws IOException, InterruptedException {
        long beat = 0;
        dir.beat(config.name(), beat);
        long lastBeat = nanos.getAsLong();
        if (!config.walltime().isZero()) {
            deadline = lastBeat + config.walltime().minus(upAlready).minus(MARGIN).toNanos();
        }
        long lastWork = lastBeat;
        int bundles = 0;
        int elements = 0;
        int failedToStart = 0;
        int handedBack = 0;
        while (true) {
            reap(0);
            stopCancelled();
            // "stop" means no more work will come: it is read before the queue, so that a bundle
            // queued before it was written is always seen
            boolean stopped = dir.stopped();
            boolean queueEmpty = false;
            // fill the node from what this agent holds, then from the queue
            while (true) {
                Claimed next = pending.peekFirst();
                if (next == null) {
                    if (draining || !claimOne()) {
                        queueEmpty = true;
                        break;
                    }
                    bundles++;
                    continue;
                }
                if (!fits(next.item())) {
                    break;
                }
                pending.pollFirst();
                if (next.item().tag() != null && asked.contains(next.item().tag())) {
                    ended(next.bundle()); // asked to stop before it started: it never runs
                    continue;
                }
                if (!endsInTime(next.item())) {
                    // left without an outcome: hwf hands it back to run in another pilot, its try given back
                    LOG.info("agent {}: element {} ({}) is expected to run {} s, past this pilot's end; left for "
                            + "another", config.name(), next.item().index(), next.item().script(),
                            expected(next.item()) / 1_000_000_000L);
                    draining = true;
                    handedBack++;
                    ended(next.bundle());
                    continue;
                }
                if (start(next)) {
                    elements++;
                } else {
                    failedToStart++;
                    ended(next.bundle());
                }
            }
            long now = nanos.getAsLong();
            if (busy > 0 || !pending.isEmpty()) {
                lastWork = now;
            }
            if (now - lastBeat >= config.beatEvery().toNanos()) {
                dir.beat(config.name(), ++beat);
                lastBeat = now;
            }
            if (busy == 0 && pending.isEmpty()) {
                if ((stopped && queueEmpty) || draining) {
                    if (draining) {
                        LOG.info("agent {}: too little of this pilot's time is left for the work there is; ending",
                                config.name());
                    }
                    break;
                }
                if (now - lastWork >= config.idleLimit().toNanos()) {
                    LOG.info("agent {}: no work for {} s; ending", config.name(), config.idleLimit().toSeconds());
                    break;
                }
            }
            // wait for an element to end (its slot may take the next), or look at the queue again after a moment
            reap(config.look().toMillis());
        }
        idle.forEach(Runner::close);
        dir.beat(config.name(), ++beat);
        return new Summary(bundles, elements, failedToStart, handedBack);
    }

    /**
     * Whether an element is expected to end before the pilot does: its task's 95th percentile once
     * {@link #SAMPLES} of its elements have ended well (in any of the run's pilots), else what hwf
     * expects (its walltime), else yes (nothing is known). An element expected to outlast even a
     * whole pilot runs all the same: no pilot would ever take it.
     */
    private boolean endsInTime(PilotDir.Item item) {
        if (deadline == Long.MAX_VALUE) {
            return true;
        }
        long expected = expected(item);
        if (expected <= 0 || expected > config.walltime().toNanos()) {
            return true;
        }
        return nanos.getAsLong() + expected <= deadline;
    }

    /** How long an element is expected to run, in nanoseconds; 0 when nothing is known. */
    private long expected(PilotDir.Item item) {
        List<Long> seen = runTimes.get(taskDir(item));
        if (seen != null && seen.size() >= SAMPLES) {
            List<Long> sorted = new ArrayList<>(seen);
            sorted.sort(null);
            return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(sorted.size() * 0.95) - 1));
        }
        return item.expectSeconds() * 1_000_000_000L;
    }

    /** The task an element is of: its script's directory's name (the task directory). */
    private static String taskDir(PilotDir.Item item) {
        Path parent = Path.of(item.script()).toAbsolutePath().getParent();
        return parent == null || parent.getFileName() == null ? "" : parent.getFileName().toString();
    }

    /** What the run's agents know of the run times of a claimed bundle's tasks, read once per bundle. */
    private void learn(List<PilotDir.Item> items) {
        Set<String> tasks = new HashSet<>();
        items.forEach(i -> tasks.add(taskDir(i)));
        for (String task : tasks) {
            try {
                List<Long> shared = dir.runTimes(task);
                if (shared.size() > runTimes.getOrDefault(task, List.of()).size()) {
                    List<Long> nanosEach = new ArrayList<>();
                    shared.forEach(ms -> nanosEach.add(ms * 1_000_000L));
                    runTimes.put(task, nanosEach);
                }
            } catch (IOException | IllegalArgumentException e) {
                // what this agent saw itself still counts
            }
        }
    }

    /** Claims the oldest queued bundle another agent has not taken; false when none is left. */
    private boolean claimOne() throws IOException {
        for (String name : dir.queued()) {
            List<PilotDir.Item> items = dir.claim(name, config.name());
            if (items != null) {
                if (!config.walltime().isZero()) {
                    learn(items);
                }
                Bundle bundle = new Bundle(name);
                for (PilotDir.Item i : items) {
                    bundle.codes.put(i.index(), null);
                    if (i.cores() > config.cores() || i.gpus() > config.gpus()) {
                        // hwf's validation keeps this from happening; an agent given less than a
                        // node must not stall on it
                        LOG.error("agent {}: element {} of {} needs {} cores and {} GPUs, more than this agent has "
                                + "({}, {}); it is left for hwf to hand back", config.name(), i.index(), i.script(),
                                i.cores(), i.gpus(), config.cores(), config.gpus());
                        continue;
                    }
                    pending.addLast(new Claimed(i, bundle));
                    bundle.left++;
                }
                if (bundle.left == 0) {
                    finish(bundle);
                }
                return true;
            }
        }
        return false;
    }

    private boolean fits(PilotDir.Item i) {
        return coresInUse + i.cores() <= config.cores() && gpusInUse.cardinality() + i.gpus() <= config.gpus();
    }

    /** Starts an element's script in a slot; false when it could not be started (the script then records nothing). */
    private boolean start(Claimed claimed) {
        PilotDir.Item item = claimed.item();
        List<Integer> gpus = new ArrayList<>();
        for (int g = gpusInUse.nextClearBit(0); gpus.size() < item.gpus(); g = gpusInUse.nextClearBit(g + 1)) {
            gpus.add(g);
        }
        Runner r = idle.pollFirst();
        try {
            if (r == null) {
                r = new Runner(all.size());
                all.add(r);
            }
            r.send(item, gpus);
        } catch (IOException e) {
            LOG.error("agent {}: cannot start element {} ({}): {}", config.name(), item.index(), item.script(),
                    e.getMessage());
            if (r != null) {
                r.close();
            }
            return false;
        }
        coresInUse += item.cores();
        gpus.forEach(gpusInUse::set);
        r.slot = new Slot(item.cores(), gpus, item, claimed.bundle(), nanos.getAsLong());
        busy++;
        return true;
    }

    /**
     * An element's exit code file ({@code exit.TAG} beside its script), written whole and renamed
     * into place as a job script writes it; 128 + N for an element killed by signal N, as bash says.
     */
    private void record(PilotDir.Item item, int code) {
        if (item.tag() == null) {
            return;
        }
        Path dir = Path.of(item.script()).toAbsolutePath().getParent();
        try {
            PilotDir.writeWhole(dir.resolve(TaskDir.exit(item.tag())), code + "\n");
        } catch (IOException e) {
            // hwf still learns the outcome from the bundle's done file
            LOG.error("agent {}: cannot record element {}'s exit code in {}: {}", config.name(), item.index(), dir,
                    e.getMessage());
        }
    }

    /**
     * Stops the running elements hwf asked to stop (a service whose dependants have ended): each
     * gets SIGTERM, as a scheduler stops a job, and ends with what it makes of it.
     */
    private void stopCancelled() throws IOException {
        asked = dir.cancelRequests();
        if (asked.isEmpty()) {
            return;
        }
        for (Runner r : all) {
            Slot s = r.slot;
            if (s != null && s.item().tag() != null && asked.contains(s.item().tag()) && stopped.add(s.item().tag())) {
                LOG.info("agent {}: stopping element {} ({}) as asked", config.name(), s.item().index(),
                        s.item().tag());
                r.stopElement();
            }
        }
    }

    /** One more element of the bundle has ended (or could not start); the last one marks it done. */
    private void ended(Bundle bundle) {
        if (--bundle.left == 0) {
            finish(bundle);
        }
    }

    private void finish(Bundle bundle) {
        try {
            dir.finish(config.name(), bundle.name, bundle.codes);
        } catch (IOException e) {
            // hwf then reads its exit code files until this pilot has ended, and hands back the rest
            LOG.error("agent {}: cannot mark bundle {} done: {}", config.name(), bundle.name, e.getMessage());
        }
    }

    /** Frees the slots of elements that ended, waiting up to {@code millis} for the first one. */
    private void reap(long millis) throws InterruptedException {
        Finished f = millis > 0 ? finished.poll(millis, TimeUnit.MILLISECONDS) : finished.poll();
        while (f != null) {
            Slot s = f.runner().slot;
            f.runner().slot = null;
            if (s != null) {
                if (f.code() == 0) {
                    long took = nanos.getAsLong() - s.started();
                    String task = taskDir(s.item());
                    runTimes.computeIfAbsent(task, k -> new ArrayList<>()).add(took);
                    try {
                        dir.addRunTime(task, took / 1_000_000L);
                    } catch (IOException | IllegalArgumentException e) {
                        LOG.debug("agent {}: cannot share a run time of {}: {}", config.name(), task, e.getMessage());
                    }
                }
                record(s.item(), f.code());
                s.bundle().codes.put(s.item().index(), f.code());
                ended(s.bundle());
                busy--;
                coresInUse -= s.cores();
                s.gpus().forEach(gpusInUse::clear);
            }
            if (f.runner().alive) {
                idle.addLast(f.runner());
            }
            f = finished.poll();
        }
    }

    /**
     * The bash that runs this agent's elements one after another, each in a subshell it forks: an
     * element costs a fork, not a new program (nor a JVM). The subshell enters the element's
     * directory, sends its output to its logs, sets the element's index and GPUs, and reads the
     * element's script ({@code $0} is the script, as for {@code bash SCRIPT}); the runner prints
     * the subshell's pid ({@code pid N}, so the agent can stop it), waits for it, then prints its
     * exit status, 128 + N for an element killed by signal N, as bash says.
     */
    static final String RUNNER = String.join("\n",
            "while IFS=$'\\037' read -r __hwf_index __hwf_dir __hwf_out __hwf_err __hwf_gpus __hwf_script; do",
            "  (",
            "    if [ -n \"$__hwf_dir\" ]; then cd \"$__hwf_dir\" || exit 1; fi",
            "    exec >\"$__hwf_out\" 2>\"$__hwf_err\" </dev/null",
            "    export HWF_PILOT_INDEX=$__hwf_index HWF_LOCAL_INDEX=$__hwf_index CUDA_VISIBLE_DEVICES=$__hwf_gpus",
            "    BASH_ARGV0=$__hwf_script",
            "    __hwf_run=$__hwf_script",
            "    unset __hwf_index __hwf_dir __hwf_out __hwf_err __hwf_gpus __hwf_script",
            "    . \"$__hwf_run\"",
            "  ) &",
            "  printf 'pid %s\\n' \"$!\"",
            "  wait \"$!\"",
            "  printf '%s\\n' \"$?\"",
            "done");

    /** What separates the fields of a line to a runner: not white space, so that empty fields stay fields. */
    private static final String SEP = "\u001f";

    /** One runner process, the element it runs now, and the thread that hears each element end. */
    private final class Runner {
        private final Process process;
        private final Writer in;
        volatile boolean alive = true;
        /** The subshell running the runner's element now; 0 between elements. */
        volatile long pid;
        Slot slot;

        Runner(int number) throws IOException {
            ProcessBuilder pb = new ProcessBuilder("bash", "-c", RUNNER, "hwf-runner");
            pb.environment().put("HWF_PILOT_AGENT", config.name());
            pb.redirectError(ProcessBuilder.Redirect.INHERIT);
            process = pb.start();
            in = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
            Thread t = new Thread(this::listen, config.name() + "-runner-" + number);
            t.setDaemon(true);
            t.start();
        }

        void send(PilotDir.Item item, List<Integer> gpus) throws IOException {
            String dir = "";
            String out = "/dev/null";
            String err = "/dev/null";
            if (item.tag() != null) { // the agent records the outcome: in the task directory, as a job script would
                dir = Path.of(item.script()).toAbsolutePath().getParent().toString();
                out = TaskDir.out(item.tag());
                err = TaskDir.err(item.tag());
            }
            String line = String.join(SEP, Integer.toString(item.index()), dir, out, err,
                    String.join(",", gpus.stream().map(String::valueOf).toList()), item.script());
            if (line.chars().filter(c -> c == SEP.charAt(0)).count() != 5) {
                throw new IOException("a path with the character 0x1f in it: " + item.script());
            }
            in.write(line + "\n");
            in.flush();
        }

        /** Hears each element end; when the runner itself ends, the element it ran ends with it. */
        private void listen() {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(
                    process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line = r.readLine(); line != null; line = r.readLine()) {
                    if (line.startsWith("pid ")) {
                        pid = Long.parseLong(line.substring(4).strip());
                    } else {
                        pid = 0;
                        finished.add(new Finished(this, Integer.parseInt(line.strip())));
                    }
                }
            } catch (IOException | NumberFormatException e) {
                LOG.error("agent {}: lost a runner: {}", config.name(), e.getMessage());
            }
            alive = false;
            int code;
            try {
                code = process.waitFor();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                code = 1;
            }
            finished.add(new Finished(this, code)); // frees the slot of an element the runner took with it
        }

        /** Stops the element this runner runs (SIGTERM, as a scheduler stops a job). */
        void stopElement() {
            long p = pid;
            if (p > 0) {
                ProcessHandle.of(p).ifPresent(ProcessHandle::destroy);
            }
        }

        void close() {
            try {
                in.close();
            } catch (IOException e) {
                process.destroy();
            }
        }
    }
}
