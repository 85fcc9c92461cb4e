package dev.hwf.launcher.report;

import dev.hwf.api.JobState;
import dev.hwf.launcher.exec.TaskDir;
import dev.hwf.launcher.journal.AttemptRecord;
import dev.hwf.launcher.journal.ElementRecord;
import dev.hwf.launcher.journal.Event;
import dev.hwf.launcher.journal.RunRecord;
import dev.hwf.launcher.journal.RunSnapshot;
import dev.hwf.launcher.journal.TaskRecord;
import dev.hwf.launcher.render.RunLayout;
import dev.hwf.launcher.workflow.Task;
import dev.hwf.launcher.workflow.Workflow;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableSet;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * Everything {@code hwf report} shows about one run, computed from the journal: the run's
 * summary, every task with the resources it asked for and what it used, and every array element
 * with one segment per attempt (queued, running, outcome) taken from the journal's state changes.
 *
 * <p>Times are those hwf recorded at its passes. An element's start is the pass that first saw
 * it running. An element that started and ended between two passes has no observed start; its
 * running time is counted from the last earlier pass that recorded any change in the run (that
 * pass looked at every live element and did not see this one running), or from when its job id
 * was recorded if that is later: an upper bound.
 *
 * <p>Usage is elapsed time × allocation: core-hours are running hours × the cores a job of the
 * task holds (processes × cores per process, at least one process per node), GPU-hours are
 * running hours × GPUs per node × nodes. Both count every attempt, failed ones included.
 */
public record RunReport(Summary summary, List<TaskReport> tasks, List<Mark> marks, List<Failure> failures,
                        SitesReport sites) {

    public RunReport {
        tasks = List.copyOf(tasks);
        marks = List.copyOf(marks);
        failures = List.copyOf(failures);
        sites = sites == null ? SitesReport.NONE : sites;
    }

    /** A report of a workflow on one site. */
    public RunReport(Summary summary, List<TaskReport> tasks, List<Mark> marks, List<Failure> failures) {
        this(summary, tasks, marks, failures, SitesReport.NONE);
    }

    /** The same report with its sites and the files moved between them. */
    public RunReport withSites(SitesReport s) {
        return new RunReport(summary, tasks, marks, failures, s);
    }

    /**
     * @param host       the SSH host the run's files are on, or null when they are on this machine
     * @param start      the left end of the timeline (the run's submission)
     * @param end        the right end: the run's end, or {@code generated} while it runs
     * @param elementStates how many elements are in each state now
     */
    public record Summary(String run, String workflow, String scheduler, String host, String state, String reason,
                          String workdir, Instant submitted, Instant ended, Instant generated, Instant start,
                          Instant end, int taskCount, int elementCount, int attemptCount, int retryCount,
                          double coreHours, double gpuHours, Map<String, Integer> elementStates, String generator) {
        public double wallSeconds() {
            return seconds(start, end);
        }
    }

    /**
     * Resources one job (one array element) of a task asked for.
     *
     * @param cores    cores held: max(ntasks, nodes) × cpus
     * @param gpus     GPUs per node as written
     * @param gpuTotal GPUs held: gpus × nodes
     * @param memoryMb per node; 0 = the scheduler's default
     * @param software the modules, setup and container the command ran with
     */
    public record Resources(int nodes, int ntasks, int cpus, int cores, int gpus, int gpuTotal, long memoryMb,
                            long walltimeSeconds, String partition, Task.Software software) {
    }

    /**
     * @param retries       element resubmissions after the first try (automatic retries and resumes)
     * @param runSeconds    running time of all its elements and attempts, added up
     * @param service       whether the task is a service ({@code service: true})
     * @param endpoint      where a service's current attempt answers (host:port), or null
     * @param reusedFrom    the run this task's SUCCEEDED result was taken from ({@code submit --reuse}), or null
     */
    public record TaskReport(String name, String state, String reason, Integer exitCode, List<String> after,
                             Resources requested, int arraySize, int arrayLimit, int retriesAllowed,
                             String taskDir, List<AttemptInfo> attempts, int retries, Instant submitted,
                             Instant started, Instant ended, double runSeconds, double coreHours, double gpuHours,
                             List<ElementReport> elements, boolean service, String endpoint,
                             Map<String, String> env, String reusedFrom, List<String> afterEach) {
        public TaskReport {
            afterEach = afterEach == null ? List.of() : List.copyOf(afterEach);
            env = env == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(env));
            after = List.copyOf(after);
            attempts = List.copyOf(attempts);
            elements = List.copyOf(elements);
        }
    }

    /**
     * One submission of a task: its job id and the elements it carried; {@code ranOn}: for a packed
     * task's attempt, the pilot agent that ran it (or null); {@code version}: the run's workflow
     * version it ran.
     */
    public record AttemptInfo(int attempt, String jobId, String jobName, List<Integer> elements, Instant submitted,
                              String ranOn, int version) {
        public AttemptInfo {
            elements = List.copyOf(elements);
        }
    }

    /**
     * An element now, and its history.
     *
     * @param endedAt when an element that never ran was recorded CANCELLED (or null)
     * @param params  the element's parameters in a {@code matrix} sweep, in matrix order, or null
     */
    public record ElementReport(int index, String state, Integer exitCode, String reason, int tries,
                                List<Segment> segments, Instant endedAt, Map<String, String> params) {
        public ElementReport {
            segments = List.copyOf(segments);
        }

        /** The parameters as {@code lr=0.1 seed=2}, or "" outside a sweep. */
        public String paramText() {
            if (params == null) {
                return "";
            }
            StringBuilder sb = new StringBuilder();
            params.forEach((k, v) -> sb.append(sb.isEmpty() ? "" : " ").append(k).append('=').append(v));
            return sb.toString();
        }
    }

    /**
     * One attempt of one element.
     *
     * @param queued        when the attempt was claimed for submission
     * @param started       when it was first seen running, or null
     * @param startObserved whether {@code started} was seen; when not, {@code runFrom} is the
     *                      moment the job id was recorded
     * @param runFrom       the start of the running time counted, or null when it never ran
     * @param ended         when its outcome was recorded, or null while it is live
     * @param outcome       SUCCEEDED, FAILED, CANCELLED, RETRIED (failed and submitted again), or
     *                      QUEUED / RUNNING while live
     */
    public record Segment(int attempt, String jobId, Instant queued, Instant started, boolean startObserved,
                          Instant runFrom, Instant ended, String outcome, String reason, Integer exitCode,
                          double runSeconds, String stdout, String stderr) {
    }

    /** A state change of the run itself: submitted, resumed, ended. */
    public record Mark(Instant at, String state, String reason) {
    }

    /** A failed attempt of an element, with the end of what it wrote to stderr where that could be read. */
    public record Failure(String task, Integer index, int attempt, String jobId, String outcome, String reason,
                          Integer exitCode, Instant at, String stdout, String stderr, String stderrTail) {
    }

    /** How many failures get their stderr's tail read (each read may be a round trip to the cluster). */
    static final int TAILS = 30;

    /**
     * Builds the report.
     *
     * @param wf        the run's workflow (the journal's copy)
     * @param host      the SSH host the files are on, or null for this machine
     * @param stderrTail reads the last lines of a file, or returns null; may be null itself
     */
    public static RunReport build(RunSnapshot snap, List<Event> events, Workflow wf, String host,
                                  Instant now, Function<String, String> stderrTail, String generator) {
        RunRecord run = snap.run();
        Map<String, List<ElementRecord>> byTask = snap.elementsByTask();
        Map<String, List<Event>> elementEvents = new HashMap<>();
        Map<String, Instant> jobRecorded = new HashMap<>();
        List<Mark> marks = new ArrayList<>();
        TreeSet<Instant> passes = new TreeSet<>();
        Instant lastEvent = run.submittedAt();
        for (Event ev : events) {
            if (ev.at().isAfter(lastEvent)) {
                lastEvent = ev.at();
            }
            passes.add(ev.at());
            if (ev.task() == null) {
                marks.add(new Mark(ev.at(), ev.state(), ev.reason()));
            } else if (ev.index() != null) {
                elementEvents.computeIfAbsent(ev.task() + "#" + ev.index(), k -> new ArrayList<>()).add(ev);
            } else if ("QUEUED".equals(ev.state()) && ev.jobId() != null && ev.attempt() != null) {
                jobRecorded.putIfAbsent(ev.task() + "#" + ev.attempt(), ev.at());
            }
        }
        Instant end = run.isFinished() ? (run.endedAt() != null && run.endedAt().isAfter(lastEvent) ? run.endedAt()
                : lastEvent) : now;
        List<TaskReport> tasks = new ArrayList<>();
        List<Failure> failures = new ArrayList<>();
        Map<String, Integer> states = new LinkedHashMap<>();
        for (JobState s : JobState.values()) {
            states.put(s.name(), 0);
        }
        int attemptCount = 0;
        int retryCount = 0;
        double coreHours = 0;
        double gpuHours = 0;
        int elementCount = 0;
        SweepParams sweeps = SweepParams.of(run);
        for (TaskRecord t : snap.tasks()) {
            Task spec = wf.task(t.name());
            Resources res = resources(spec);
            String dir = RunLayout.taskDir(run.workdir(), run.id(), t.name());
            List<AttemptRecord> attempts = snap.attempts().stream().filter(a -> a.task().equals(t.name()))
                    .sorted(Comparator.comparingInt(AttemptRecord::attempt)).toList();
            // each attempt's indices parsed once, not once per element (10,000 elements: 10^7 parses)
            List<BitSet> carried = attempts.stream().map(AttemptRecord::indexSet).toList();
            List<ElementReport> elements = new ArrayList<>();
            double runSeconds = 0;
            int retries = 0;
            for (ElementRecord e : byTask.get(t.name())) {
                List<Event> evs = elementEvents.getOrDefault(t.name() + "#" + e.index(), List.of());
                List<Segment> segments = new ArrayList<>();
                for (int k = 0; k < attempts.size(); k++) {
                    AttemptRecord a = attempts.get(k);
                    if (!carried.get(k).get(e.index())) {
                        continue;
                    }
                    Segment seg = segment(e, a, evs, jobRecorded.get(t.name() + "#" + a.attempt()), passes, dir,
                            now);
                    segments.add(seg);
                    runSeconds += seg.runSeconds();
                    if ("FAILED".equals(seg.outcome()) || "RETRIED".equals(seg.outcome())) {
                        String tail = stderrTail != null && failures.size() < TAILS ? stderrTail.apply(seg.stderr())
                                : null;
                        failures.add(new Failure(t.name(), t.arraySize() > 0 ? e.index() : null, a.attempt(),
                                a.jobId(), seg.outcome(), seg.reason(), seg.exitCode(), seg.ended(), seg.stdout(),
                                seg.stderr(), tail));
                    }
                }
                // a segment of an attempt that never reached the scheduler (refused for a limit) is no try
                retries += Math.max(0, (int) segments.stream().filter(g -> g.jobId() != null).count() - 1);
                Instant neverRanEnd = null;
                if (segments.isEmpty()) {
                    for (Event ev : evs) {
                        if (JobState.CANCELLED.name().equals(ev.state())) {
                            neverRanEnd = ev.at();
                        }
                    }
                }
                elements.add(new ElementReport(e.index(), e.state().name(), e.exitCode(), e.reason(), e.tries(),
                        segments, neverRanEnd, sweeps.params(t.name(), e.index())));
                states.merge(e.state().name(), 1, Integer::sum);
                elementCount++;
            }
            double taskCore = runSeconds * res.cores() / 3600.0;
            double taskGpu = runSeconds * res.gpuTotal() / 3600.0;
            coreHours += taskCore;
            gpuHours += taskGpu;
            attemptCount += attempts.size();
            retryCount += retries;
            tasks.add(new TaskReport(t.name(), t.state().name(), t.reason(), t.exitCode(), spec.after(), res,
                    spec.array(), spec.arrayLimit(), spec.retries(), dir,
                    attempts.stream().map(a -> new AttemptInfo(a.attempt(), a.jobId(), a.jobName(), a.indexList(),
                            a.submittedAt(), a.ranOn(), a.version())).toList(), retries, t.submittedAt(),
                    t.startedAt(), t.endedAt(), runSeconds, taskCore, taskGpu, elements, spec.isService(),
                    snap.endpoint(t.name()), spec.shownEnv(), t.reusedFrom(), spec.afterEach()));
        }
        Summary summary = new Summary(run.id(), run.workflow(), run.scheduler(), host, run.state(), run.reason(),
                run.workdir(), run.submittedAt(), run.endedAt(), now, run.submittedAt(), end, tasks.size(),
                elementCount, attemptCount, retryCount, coreHours, gpuHours, states, generator);
        return new RunReport(summary, tasks, marks, failures);
    }

    static Resources resources(Task t) {
        int nodes = Math.max(1, t.nodes());
        int ntasks = Math.max(1, t.ntasks());
        int cpus = Math.max(1, t.cpus());
        int cores = Accounting.cores(t);
        return new Resources(nodes, ntasks, cpus, cores, t.gpus(), t.gpus() * nodes, t.memoryMb(),
                t.walltimeSeconds(), t.partition(), t.software());
    }

    /** One attempt of one element, from the attempt row and the element's recorded state changes. */
    private static Segment segment(ElementRecord e, AttemptRecord a, List<Event> evs, Instant jobAt,
                                   NavigableSet<Instant> passes, String dir, Instant now) {
        Instant started = null;
        Event last = null;
        for (Event ev : evs) {
            if (ev.attempt() == null || ev.attempt() != a.attempt()) {
                continue;
            }
            if ("RUNNING".equals(ev.state()) && started == null) {
                started = ev.at();
            } else if (last == null && (JobState.WAITING.name().equals(ev.state()) || isFinal(ev.state()))) {
                last = ev;
            }
        }
        Instant ended = last == null ? null : last.at();
        String outcome;
        String reason = null;
        Integer exitCode = null;
        if (last != null) {
            outcome = JobState.WAITING.name().equals(last.state()) ? "RETRIED" : last.state();
            reason = last.reason();
            if (e.attempt() == a.attempt() && e.state().isFinal()) {
                exitCode = e.exitCode();
            }
        } else if (e.attempt() == a.attempt() && e.state().isLive()) {
            outcome = e.state().name();
        } else {
            // no outcome recorded for an attempt the element has moved past: count it as ended then
            outcome = e.attempt() == a.attempt() ? e.state().name() : "RETRIED";
        }
        Instant runFrom = started;
        boolean observed = started != null;
        if (runFrom == null && ended != null && !"CANCELLED".equals(outcome) && jobAt != null) {
            Instant lastPass = passes.lower(ended);
            runFrom = jobAt.isAfter(ended) ? ended : lastPass != null && lastPass.isAfter(jobAt) ? lastPass : jobAt;
        }
        double runSeconds = runFrom == null ? 0 : seconds(runFrom, ended != null ? ended : now);
        return new Segment(a.attempt(), a.jobId(), a.submittedAt(), started, observed, runFrom, ended, outcome,
                reason, exitCode, runSeconds, TaskDir.Kind.OUT.in(dir, a.attempt(), e.index()),
                TaskDir.Kind.ERR.in(dir, a.attempt(), e.index()));
    }

    private static boolean isFinal(String state) {
        return JobState.SUCCEEDED.name().equals(state) || JobState.FAILED.name().equals(state)
                || JobState.CANCELLED.name().equals(state);
    }

    static double seconds(Instant from, Instant to) {
        if (from == null || to == null) {
            return 0;
        }
        return Math.max(0, Duration.between(from, to).toMillis() / 1000.0);
    }
}
