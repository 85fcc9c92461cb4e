package dev.hwf.launcher.local;

import dev.hwf.api.Command;
import dev.hwf.api.JobId;
import dev.hwf.api.JobRequest;
import dev.hwf.api.JobState;
import dev.hwf.api.JobStatus;
import dev.hwf.api.NodeLaunch;
import dev.hwf.api.SchedulerAdapter;
import dev.hwf.api.SchedulerOutputException;
import dev.hwf.api.Timings;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The {@code local} scheduler: a job is a detached process group on this machine, so it outlives
 * the hwf command that started it (like a job on a cluster) and {@code hwf poll} can follow it.
 *
 * <p>A job is a small bash driver started with {@code setsid} that runs the job script once per
 * element, at most {@code slots} at a time ({@code xargs -P}); its process id is the job id. The
 * driver ends when every element has ended, and each element writes its own exit code file, so
 * "driver gone" plus the files tell everything. Like every adapter it only builds commands and
 * reads their output; the launcher runs them.
 */
public final class LocalAdapter implements SchedulerAdapter {
    /** JobRequest.extra key: how many elements may run at once on this machine. */
    public static final String SLOTS = "localSlots";
    /** A process id, as the submit prints it and ps lists them (every process, at every pass). */
    private static final Pattern PID = Pattern.compile("\\d+");

    private final String serviceHost;

    /** The local scheduler's adapter: services listen on, and are reached at, the loopback address. */
    public LocalAdapter() {
        this("127.0.0.1");
    }

    /**
     * An adapter whose jobs' services are reached at {@code serviceHost} (a shell expression): a
     * pilot's packed elements are run as the local scheduler runs its elements, but a service
     * among them is reached on its pilot's node, as the cluster's adapter says.
     */
    public LocalAdapter(String serviceHost) {
        this.serviceHost = serviceHost;
    }

    /** Marks the driver process in {@code ps} output, so a reused pid is not taken for a job. */
    static final String MARKER = "hwf-local-job";

    // $0 of the inner bash is the marker and the job name ("hwf-local-job:NAME"), so ps shows both; the driver reads the slots, the script, then indices.
    // Each element runs as `bash "$script" || :` so xargs always sees 0: xargs stops starting
    // elements after one that exits 255 or dies of a signal, and array elements are independent
    // (each records its own exit code file).
    private static final String LAUNCH = "name=$1; slots=$2; script=$3; shift 3\n"
            + "setsid bash -c 'slots=$1; script=$2; shift 2; printf \"%s\\n\" \"$@\" | "
            + "xargs -P \"$slots\" -I{} env HWF_LOCAL_INDEX={} bash -c \"bash \\\"\\$0\\\" || :\" \"$script\"' "
            + "\"" + MARKER + ":$name\" \"$slots\" \"$script\" \"$@\" </dev/null >/dev/null 2>&1 &\n"
            + "echo $!\n";

    @Override
    public String name() {
        return "local";
    }

    // ------------------------------------------------------------------ facts

    /**
     * Processes are watched exactly (the driver's end means every element has ended, its files
     * written), so a job missing from ps is never waited for; a submit is one quick bash; polling
     * is cheap.
     */
    @Override
    public Timings timings() {
        return new Timings(Duration.ZERO, Duration.ofSeconds(5), Duration.ofMillis(500));
    }

    /** {@link #SLOTS}: every processor of this machine, at most. */
    @Override
    public Map<String, String> requestExtra() {
        return Map.of(SLOTS, Integer.toString(Runtime.getRuntime().availableProcessors()));
    }

    @Override
    public String rendezvousLines() {
        return "MASTER_ADDR=127.0.0.1\n"
                + "hwf_job_number=$$\n";
    }

    /** Every job runs on this one machine. */
    @Override
    public NodeLaunch nodeLaunch(int nodes) {
        return NodeLaunch.ONE_NODE_ONLY;
    }

    /** Every task shares this machine: a service answers on the loopback address. */
    @Override
    public String serviceHostExpression() {
        return serviceHost;
    }

    @Override
    public List<String> directives(JobRequest request) {
        return List.of();
    }

    @Override
    public String arrayIndexExpression() {
        return "${HWF_LOCAL_INDEX:-0}";
    }

    @Override
    public Command submitCommand(JobRequest request, String scriptPath) {
        int slots = Math.max(1, Integer.parseInt(request.extra().getOrDefault(SLOTS, "1")));
        if (request.arrayLimit() > 0) {
            slots = Math.min(slots, request.arrayLimit());
        }
        List<String> argv = new ArrayList<>(List.of("bash", "-c", LAUNCH, "hwf-local-submit", request.jobName(),
                Integer.toString(slots), scriptPath));
        List<Integer> indices = request.isArray() ? request.arrayIndices() : List.of(0);
        for (int i : indices) {
            argv.add(Integer.toString(i));
        }
        return Command.of(argv);
    }

    @Override
    public JobId parseSubmitOutput(String stdout) {
        String id = stdout.strip();
        if (!PID.matcher(id).matches()) {
            throw new SchedulerOutputException("local submit did not print a process id", stdout);
        }
        return new JobId(id);
    }

    @Override
    public Command statusCommand(Collection<JobId> jobs) {
        List<String> argv = new ArrayList<>(List.of("ps", "-o", "pid=,stat=,args=", "-p"));
        argv.add(String.join(",", jobs.stream().map(JobId::value).toList()));
        return Command.of(argv);
    }

    @Override
    public List<JobStatus> parseStatus(int exitCode, String stdout, String stderr) {
        List<JobStatus> out = new ArrayList<>();
        for (String line : stdout.split("\n")) {
            String l = line.strip();
            if (l.isEmpty()) {
                continue;
            }
            String[] f = l.split("\\s+", 3);
            if (f.length < 2 || !PID.matcher(f[0]).matches()) {
                throw new SchedulerOutputException("unexpected ps output", stdout);
            }
            boolean zombie = f[1].startsWith("Z");
            boolean ours = f.length == 3 && f[2].contains(MARKER);
            if (ours && !zombie) {
                out.add(new JobStatus(new JobId(f[0]), null, JobState.RUNNING, null, f[1]));
            }
        }
        // ps exits 1 when none of the pids exists: every job has ended, which is an answer
        if (exitCode != 0 && !(exitCode == 1 && out.isEmpty() && stderr.isBlank())) {
            throw new SchedulerOutputException("ps failed with exit code " + exitCode, stderr);
        }
        return out;
    }

    @Override
    public Command cancelCommand(Collection<JobId> jobs) {
        List<String> argv = new ArrayList<>(List.of("kill", "-TERM", "--"));
        for (JobId j : jobs) {
            argv.add("-" + j.value()); // the whole process group the driver leads
        }
        return Command.of(argv);
    }

    /** kill exits 1 when a process group has already ended: for hwf that job is cancelled. */
    @Override
    public void checkCancel(int exitCode, String stdout, String stderr) {
        for (String line : stderr.split("\n")) {
            if (!line.isBlank() && !line.contains("No such process")) {
                throw new SchedulerOutputException("kill failed with exit code " + exitCode, stderr);
            }
        }
    }

    /** Every process's arguments: a driver shows {@code hwf-local-job:NAME} as its {@code $0}. */
    @Override
    public Command findByNameCommand(Collection<String> jobNames) {
        return Command.of("ps", "-eo", "pid=,stat=,args=");
    }

    @Override
    public Map<String, JobId> parseFindByName(Collection<String> jobNames, int exitCode, String stdout,
                                              String stderr) {
        if (exitCode != 0) {
            throw new SchedulerOutputException("ps -e failed with exit code " + exitCode, stderr);
        }
        Map<String, JobId> found = new LinkedHashMap<>();
        for (String line : stdout.split("\n")) {
            String[] f = line.strip().split("\\s+", 3);
            if (f.length < 3 || !PID.matcher(f[0]).matches() || f[1].startsWith("Z")) {
                continue;
            }
            for (String arg : f[2].split(" ")) {
                if (arg.startsWith(MARKER + ":")) {
                    String name = arg.substring(MARKER.length() + 1);
                    if (jobNames.contains(name)) {
                        found.putIfAbsent(name, new JobId(f[0]));
                    }
                }
            }
        }
        return found;
    }
}
