package dev.hwf.pbs;

import dev.hwf.api.AdapterSupport;
import dev.hwf.api.Command;
import dev.hwf.api.JobId;
import dev.hwf.api.JobRequest;
import dev.hwf.api.JobState;
import dev.hwf.api.JobStatus;
import dev.hwf.api.NodeLaunch;
import dev.hwf.api.Output;
import dev.hwf.api.SchedulerAdapter;
import dev.hwf.api.SchedulerOutputException;
import dev.hwf.api.ShellQuote;
import dev.hwf.api.SiteLimits;
import dev.hwf.api.Upstream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * PBS, in its two flavours: PBS Pro / OpenPBS ({@code pbspro}, 2020.1 or newer for {@code %} array
 * limits) and Torque ({@code torque}, 4 or newer; also Slurm's Torque wrappers). {@code #PBS} headers,
 * {@code qsub} run in the task directory, one {@code qstat} for all jobs, one {@code qdel}.
 *
 * <ul>
 * <li>{@code -N} job name, {@code -S /bin/bash} (PBS would run the script with the user's login
 * shell; hwf's templates are bash).</li>
 * <li>Resources. PBS Pro: {@code -l select=N:ncpus=C:mpiprocs=P[:mem=Mmb][:ngpus=G]} with one chunk
 * per node (P processes of the task on the node, C = P x cores per process; when the processes do not
 * divide evenly, two kinds of chunks joined by {@code +}) and {@code -l place=scatter} for more than
 * one node. Torque: {@code -l nodes=N:ppn=C[:gpus=G]} (same split) and {@code -l mem=} for the whole
 * job: memory per node x nodes. A task with fewer processes than nodes gets one process per node.</li>
 * <li>{@code -l walltime=H:MM:SS}, {@code -q} partition, {@code -A} account. PBS has no quality of
 * service: a task's {@code qos} is not passed on, and a comment line in the header says so.</li>
 * <li>Arrays: Torque {@code -t 0-7%4} (any list, so retried elements go as {@code -t 2,5}); PBS Pro
 * {@code -J 0-7%4} and {@code -r y} (PBS Pro refuses arrays that may not be rerun on some sites); a
 * set that is no single range goes as a covering range ({@link PbsArrays}), and {@link #startsOnly}
 * says so, so the job script ends the range's other elements at once. HWF_ARRAY_INDEX is PBS's own
 * index: {@code PBS_ARRAY_INDEX} (PBS Pro), {@code PBS_ARRAYID} (Torque; {@code SLURM_ARRAY_TASK_ID}
 * under Slurm's Torque wrappers), plus the job's offset where a task went out as several arrays.</li>
 * <li>Dependencies: PBS Pro's {@code afterok} on an array is met once the element that ended LAST
 * succeeded (seen on OpenPBS 23.06.06), so a dependant of a PBS Pro array is released by hwf
 * ({@link #offersArrayDependencies}); Torque's {@code afterokarray} waits for every element.</li>
 * <li>Job ids are kept without the server name ({@link PbsJobId}).</li>
 * <li>Status: PBS Pro {@code qstat -x -f -F json -t IDS} (finished jobs too, with the job history
 * the server keeps; every array element), read leniently ({@link LenientJson}); Torque
 * {@code qstat -f [-t] IDS} ({@code -t} only when an array is asked about: Slurm's wrappers know no
 * {@code -t}). Jobs qstat no longer knows ("Unknown Job Id") are absent from the answer. A queued
 * PBS Pro job carries the start its scheduler estimates, where it set one ({@link PbsEstimates}).</li>
 * <li>Job names longer than {@value #JOB_NAME_LIMIT} characters (PBS Pro's limit) are shortened
 * deterministically: the first characters, a dash and 8 hex digits of the full name's SHA-256.</li>
 * </ul>
 */
public class PbsAdapter implements SchedulerAdapter {

    public static final String PBSPRO = "pbspro";
    public static final String TORQUE = "torque";

    /** The longest job name PBS Pro takes. */
    static final int JOB_NAME_LIMIT = 236;

    private static final Pattern NAME_VALUE = Pattern.compile("[A-Za-z0-9_.,:+@-]+");
    private static final Pattern JOB_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]*");
    private static final Pattern HWF_JOB_ID = Pattern.compile("[0-9]+(\\[])?");

    private final boolean torque;
    private final int nameLimit;

    /** @param flavor {@code pbspro} or {@code torque} */
    public PbsAdapter(String flavor) {
        this(flavor, JOB_NAME_LIMIT);
    }

    PbsAdapter(String flavor, int nameLimit) {
        if (!PBSPRO.equals(flavor) && !TORQUE.equals(flavor)) {
            throw new IllegalArgumentException("PBS flavor must be pbspro or torque, not '" + flavor + "'");
        }
        if (nameLimit < 16) {
            throw new IllegalArgumentException("job name limit too small: " + nameLimit);
        }
        this.torque = TORQUE.equals(flavor);
        this.nameLimit = nameLimit;
    }

    /** {@code pbspro} or {@code torque}. */
    public String flavor() {
        return torque ? TORQUE : PBSPRO;
    }

    @Override
    public String name() {
        return "pbs";
    }

    // ------------------------------------------------------------------ facts

    /** {@link #PBSPRO} (the default) and {@link #TORQUE}. */
    @Override
    public List<String> flavors() {
        return List.of(PBSPRO, TORQUE);
    }

    /** The server's queues: PBS Pro, Torque and Slurm's wrappers all answer it. */
    @Override
    public Command probeCommand() {
        return Command.of("qstat", "-Q");
    }

    @Override
    public String rendezvousLines() {
        return "MASTER_ADDR=$(head -n 1 \"$PBS_NODEFILE\")\n"
                + "hwf_job_number=${PBS_JOBID%%[!0-9]*}\n";
    }

    /**
     * {@code pbsdsh -n INDEX} once per distinct host, INDEX its first line in $PBS_NODEFILE (Torque
     * and PBS Pro alike).
     */
    @Override
    public NodeLaunch nodeLaunch(int nodes) {
        return new NodeLaunch.FromLaunchFile("hwf_pids=()\n"
                + "for hwf_node in $(awk '!seen[$0]++ { print NR - 1 }' \"$PBS_NODEFILE\"); do\n"
                + "    pbsdsh -n \"$hwf_node\" -- /bin/bash \"$hwf_launch\" \"$PWD\" &\n"
                + "    hwf_pids+=($!)\n"
                + "done\n");
    }

    // ------------------------------------------------------------------ script

    @Override
    public List<String> directives(JobRequest r) {
        List<String> lines = new ArrayList<>();
        lines.add(pbs("-N " + schedulerName(r.jobName())));
        // PBS runs a job script with the user's login shell unless told otherwise; hwf's templates are bash
        lines.add(pbs("-S /bin/bash"));
        int nodes = r.nodes();
        int tasks = Math.max(r.ntasks(), nodes);
        int perNode = tasks / nodes;
        int heavier = tasks % nodes; // nodes that run one process more
        if (torque) {
            String gpus = r.gpus() > 0 ? ":gpus=" + r.gpus() : "";
            String spec = heavier == 0 ? nodes + ":ppn=" + cores(perNode, r) + gpus
                    : heavier + ":ppn=" + cores(perNode + 1, r) + gpus + "+" + (nodes - heavier) + ":ppn="
                    + cores(perNode, r) + gpus;
            lines.add(pbs("-l nodes=" + spec));
            if (r.memoryMb() > 0) {
                lines.add(pbs("-l mem=" + Math.multiplyExact(r.memoryMb(), (long) nodes) + "mb"));
            }
        } else {
            String extra = (r.memoryMb() > 0 ? ":mem=" + r.memoryMb() + "mb" : "")
                    + (r.gpus() > 0 ? ":ngpus=" + r.gpus() : "");
            String select = heavier == 0 ? chunk(nodes, perNode, r) + extra
                    : chunk(heavier, perNode + 1, r) + extra + "+" + chunk(nodes - heavier, perNode, r) + extra;
            lines.add(pbs("-l select=" + select));
            if (nodes > 1) {
                lines.add(pbs("-l place=scatter"));
            }
        }
        if (r.walltimeSeconds() > 0) {
            lines.add(pbs("-l walltime=" + walltime(r.walltimeSeconds())));
        }
        if (r.partition() != null) {
            lines.add(pbs("-q " + value("partition", r.partition())));
        }
        if (r.account() != null) {
            lines.add(pbs("-A " + value("account", r.account())));
        }
        if (r.qos() != null) {
            lines.add("# hwf: qos " + value("qos", r.qos()) + " is not passed on: PBS has no quality of service");
        }
        if (r.isArray()) {
            String limit = r.arrayLimit() > 0 ? "%" + r.arrayLimit() : "";
            if (torque) {
                lines.add(pbs("-t " + PbsArrays.torque(r.arrayIndices()) + limit));
            } else {
                lines.add(pbs("-J " + PbsArrays.pbsPro(r.arrayIndices()).range() + limit));
                lines.add(pbs("-r y"));
            }
        }
        for (String d : r.directives()) {
            if (d == null || d.isBlank()) {
                throw new IllegalArgumentException("job " + r.jobName() + ": empty pass-through directive");
            }
            lines.add(pbs(d));
        }
        return List.copyOf(lines);
    }

    private static String chunk(int count, int processes, JobRequest r) {
        return count + ":ncpus=" + cores(processes, r) + ":mpiprocs=" + processes;
    }

    private static int cores(int processes, JobRequest r) {
        return Math.multiplyExact(processes, r.cpusPerTask());
    }

    /** Torque's {@code -t} takes any list; PBS Pro's {@code -J} only one range of two indices or more. */
    @Override
    public boolean startsOnly(List<Integer> arrayIndices) {
        return torque || PbsArrays.pbsPro(arrayIndices).only() == null;
    }

    @Override
    public String arrayIndexExpression() {
        // PBS indices are hwf's indices: -J and -t list the 0-based indices themselves
        return torque ? "${PBS_ARRAYID:-${SLURM_ARRAY_TASK_ID:-0}}" : "${PBS_ARRAY_INDEX:-0}";
    }

    /**
     * {@code sh -c 'cd "$1" && exec qsub "$2"' hwf-qsub DIR SCRIPT}: qsub runs in the task directory,
     * so PBS writes its own output files ({@code NAME.oID}, {@code NAME.eID}) there without a path in
     * any header line or option, and the script goes by its name relative to it (Slurm's Torque
     * wrappers pass the script through a shell unquoted).
     */
    @Override
    public Command submitCommand(JobRequest r, String scriptPath) {
        String dir = taskDir(r.taskDir());
        noControl("script path", scriptPath);
        String script = scriptPath.startsWith(dir + "/") ? scriptPath.substring(dir.length() + 1) : scriptPath;
        if (script.startsWith("-")) {
            script = "./" + script;
        }
        return Command.of("sh", "-c", "cd \"$1\" && exec qsub \"$2\"", "hwf-qsub", dir, script);
    }

    /**
     * As above, with {@code -v NAME,...}: PBS copies a variable named without a value from qsub's
     * own environment into the job (a job gets none of the submit environment otherwise).
     */
    @Override
    public Command submitCommand(JobRequest r, String scriptPath, Collection<String> fromEnvironment) {
        Command plain = submitCommand(r, scriptPath);
        if (fromEnvironment.isEmpty()) {
            return plain;
        }
        List<String> argv = plain.argv();
        return Command.of("sh", "-c", "cd \"$1\" && exec qsub -v \"$3\" \"$2\"", "hwf-qsub", argv.get(4),
                argv.get(5), ShellQuote.variableList(fromEnvironment));
    }

    @Override
    public boolean offersDependencies() {
        return true;
    }

    /**
     * PBS Pro: no. On OpenPBS 23.06.06 an array's own {@code Exit_status} is that of the element that
     * ended last, and an {@code afterok:ID[]} dependant ran although another element had failed.
     * Torque: yes ({@code afterokarray} waits for every element to end without error).
     */
    @Override
    public boolean offersArrayDependencies() {
        return torque;
    }

    /**
     * {@code qsub -W depend=afterok:ID:ID ...}; for an array on Torque {@code afterokarray:ID[]}
     * (PBS Pro takes an array's {@code ID[]} in {@code afterok}). PBS depends on whole arrays only:
     * a dependency on one element is not said here (null), and hwf releases such a dependant itself.
     */
    @Override
    public Command afterSuccess(Command submit, List<Upstream> upstream) {
        List<String> plain = new ArrayList<>();
        List<String> arrays = new ArrayList<>();
        for (Upstream u : upstream) {
            PbsJobId id = PbsJobId.parse(u.job().value());
            if (u.arrayIndex() != null || id == null || id.index() != null) {
                return null;
            }
            (torque && id.array() ? arrays : plain).add(id.jobId().value());
        }
        List<String> clauses = new ArrayList<>();
        if (!plain.isEmpty()) {
            clauses.add("afterok:" + String.join(":", plain));
        }
        if (!arrays.isEmpty()) {
            clauses.add("afterokarray:" + String.join(":", arrays));
        }
        if (clauses.isEmpty()) {
            return submit;
        }
        return withQsubOption(submit, "-W", "depend=" + String.join(",", clauses));
    }

    /** qsub's words for an upstream job the server does not know: nothing was submitted. */
    @Override
    public boolean isDependencyRefusal(int exitCode, String stdout, String stderr) {
        String text = joined(stdout, stderr);
        return exitCode != 0 && (text.contains("Unknown Job Id") || text.contains("dependency"));
    }

    /**
     * The {@code sh -c '... exec qsub ...'} command with one more qsub option, its value handed to the
     * shell as one more positional argument (so no value reaches the shell's parser).
     */
    private static Command withQsubOption(Command submit, String option, String value) {
        List<String> argv = new ArrayList<>(submit.argv());
        String script = argv.get(2);
        if (!"sh".equals(argv.get(0)) || !script.contains("exec qsub ")) {
            throw new IllegalArgumentException("not a qsub command: " + submit.display());
        }
        int position = argv.size() - 3; // $0 is argv[3]
        argv.set(2, script.replace("exec qsub ", "exec qsub " + option + " \"$" + position + "\" "));
        argv.add(value);
        return new Command(argv, submit.stdinFile(), submit.env());
    }

    // ------------------------------------------------------------------ submit

    /** The last non-empty line: {@code 123.server}, {@code 123[].server}, or a bare {@code 123}. */
    @Override
    public JobId parseSubmitOutput(String stdout) {
        String last = null;
        if (stdout != null) {
            for (String line : stdout.split("\\R")) {
                if (!line.isBlank()) {
                    last = line.strip();
                }
            }
        }
        if (last == null) {
            throw new SchedulerOutputException("qsub printed no job id", stdout);
        }
        PbsJobId id = PbsJobId.parse(last);
        if (id == null || id.index() != null) {
            throw new SchedulerOutputException("qsub printed no job id ('ID.SERVER' or 'ID[].SERVER')", stdout);
        }
        return id.jobId();
    }

    /**
     * The server could not be reached or did not answer ("cannot connect to server", "Connection
     * refused", "End of File", a time-out; under Slurm's wrappers "Unable to contact slurm
     * controller"); anything else is a refusal.
     */
    @Override
    public boolean isTransientSubmitFailure(int exitCode, String stdout, String stderr) {
        String text = joined(stdout, stderr).toLowerCase(Locale.ROOT);
        return text.contains("cannot connect to") || text.contains("connection refused")
                || text.contains("end of file") || text.contains("timed out") || text.contains("timeout")
                || text.contains("unable to contact slurm controller") || text.contains("temporarily unable")
                || text.contains("no route to host");
    }

    // ------------------------------------------------------------------ status

    @Override
    public String limitRefusal(int exitCode, String stdout, String stderr) {
        return exitCode == 0 ? null : PbsLimits.refusal(AdapterSupport.joined(stdout, stderr));
    }

    /** PBS Pro's server and queue attributes as JSON; none for Torque (its qstat prints no JSON). */
    @Override
    public List<Command> limitsCommands(String user, Set<String> partitions, Set<String> qos) {
        return torque ? List.of() : PbsLimits.commands();
    }

    @Override
    public SiteLimits parseLimits(List<Output> outputs, String user,
                                              Set<String> partitions,
                                              Set<String> qos) {
        return torque ? SiteLimits.NONE : PbsLimits.parse(outputs, user, partitions);
    }

    /** PBS Pro: the server's attributes ({@code query_other_jobs}); Torque: none. */
    @Override
    public List<Command> variableExposureCommands() {
        return torque ? List.of() : List.of(PbsLimits.commands().get(0));
    }

    /**
     * PBS Pro puts the variables {@code qsub -v} names into the job's {@code Variable_List}, which any
     * user reads with {@code qstat -f} while the server's {@code query_other_jobs} is True (its
     * default, seen on OpenPBS 23.06.06), and keeps them in its datastore.
     */
    @Override
    public String variableExposure(List<Output> outputs) {
        return torque ? null : PbsLimits.exposure(outputs);
    }

    @Override
    public Command statusCommand(Collection<JobId> jobs) {
        List<String> ids = ids(jobs);
        List<String> argv = new ArrayList<>();
        if (torque) {
            argv.addAll(List.of("qstat", "-f"));
            if (ids.stream().anyMatch(id -> id.endsWith("[]"))) {
                argv.add("-t");
            }
        } else {
            argv.addAll(List.of("qstat", "-x", "-f", "-F", "json", "-t"));
        }
        argv.addAll(ids);
        return Command.of(argv);
    }

    /**
     * One status per job and per array element qstat reports. An array's own line counts only while
     * it is live (its elements have lines of their own); an end whose outcome qstat does not tell is
     * left out, so the job's exit code file decides. Exit 153 with only "Unknown Job Id" messages (or,
     * from Slurm's wrappers, nothing at all) is an answer about jobs qstat no longer knows.
     */
    @Override
    public List<JobStatus> parseStatus(int exitCode, String stdout, String stderr) {
        if (exitCode != 0 && !onlyUnknownJobs(stdout, stderr)) {
            throw new SchedulerOutputException("qstat exited " + exitCode, joined(stdout, stderr));
        }
        List<JobStatus> out = new ArrayList<>();
        for (Job j : jobs(stdout)) {
            if (j.state() == null) {
                throw new SchedulerOutputException("qstat printed no job state for " + j.printed(), stdout);
            }
            PbsJobId id = j.id();
            Integer index = id.index();
            if (PbsStates.isEnd(torque, j.state())) {
                if (id.isArrayItself()) {
                    continue; // its elements tell how it ended
                }
                PbsStates.Mapped m = PbsStates.ended(torque, j.exitStatus(), j.substate());
                if (m.state() != null) {
                    out.add(new JobStatus(id.jobId(), index, m.state(), m.reason(), j.state()));
                }
                continue;
            }
            JobState live = PbsStates.live(torque, j.state());
            if (live == null) {
                throw new SchedulerOutputException("qstat printed a job state hwf cannot read ('" + j.state()
                        + "') for " + j.printed(), stdout);
            }
            out.add(new JobStatus(id.jobId(), index, live, null, j.state(),
                    live == JobState.QUEUED ? j.estimatedStart() : null, live == JobState.QUEUED
                    ? PbsStates.pending(j.state(), j.holdTypes(), j.comment()) : null));
        }
        return PbsEstimates.spreadToElements(out);
    }

    /** One job as qstat printed it, in either flavour's format. */
    private record Job(String printed, PbsJobId id, String name, String state, Integer exitStatus, Integer substate,
                       LocalDateTime estimatedStart, String holdTypes, String comment) {
    }

    private List<Job> jobs(String stdout) {
        return torque ? torqueJobs(stdout) : proJobs(stdout);
    }

    private List<Job> proJobs(String stdout) {
        List<Job> jobs = new ArrayList<>();
        if (stdout == null || stdout.isBlank()) {
            return jobs; // no job known
        }
        Map<String, Object> doc;
        try {
            doc = LenientJson.parseObject(stdout);
        } catch (LenientJson.ParseException e) {
            throw new SchedulerOutputException("qstat -F json printed no JSON hwf can read (" + e.getMessage() + ")",
                    stdout);
        }
        Object all = doc.get("Jobs");
        if (all == null) {
            if (!doc.containsKey("pbs_version") && !doc.containsKey("timestamp")) {
                throw new SchedulerOutputException("qstat -F json printed an object without 'Jobs'", stdout);
            }
            return jobs; // no job known: the header fields alone
        }
        if (!(all instanceof Map<?, ?> map)) {
            throw new SchedulerOutputException("qstat -F json: 'Jobs' is not an object", stdout);
        }
        for (Map.Entry<?, ?> e : map.entrySet()) {
            PbsJobId id = PbsJobId.parse((String) e.getKey());
            if (id == null || !(e.getValue() instanceof Map<?, ?> attrs)) {
                throw new SchedulerOutputException("qstat -F json printed a job hwf cannot read ('" + e.getKey() + "')",
                        stdout);
            }
            Integer index = id.index();
            if (id.array() && index == null && attrs.get("array_index") != null) {
                index = integer(attrs.get("array_index"), "array_index", stdout);
            }
            PbsJobId full = new PbsJobId(id.sequence(), id.array(), index);
            jobs.add(new Job((String) e.getKey(), full, text(attrs.get("Job_Name")), text(attrs.get("job_state")),
                    integer(attrs.get("Exit_status"), "Exit_status", stdout),
                    integer(attrs.get("substate"), "substate", stdout), PbsEstimates.of(attrs.get("estimated")),
                    text(attrs.get("Hold_Types")), text(attrs.get("comment"))));
        }
        return jobs;
    }

    private List<Job> torqueJobs(String stdout) {
        List<TorqueRecords.Job> records;
        try {
            records = TorqueRecords.parse(stdout);
        } catch (TorqueRecords.FormatException e) {
            throw new SchedulerOutputException("qstat -f printed something that is no job record (" + e.getMessage()
                    + ")", stdout);
        }
        List<Job> jobs = new ArrayList<>();
        for (TorqueRecords.Job r : records) {
            PbsJobId id = PbsJobId.parse(r.id());
            if (id == null) {
                throw new SchedulerOutputException("qstat -f printed a job id hwf cannot read ('" + r.id() + "')",
                        stdout);
            }
            Map<String, String> a = r.attributes();
            Integer index = id.index();
            if (id.array() && index == null && a.get("job_array_id") != null) {
                index = integer(a.get("job_array_id"), "job_array_id", stdout);
            }
            String exit = a.containsKey("exit_status") ? a.get("exit_status") : a.get("Exit_status");
            jobs.add(new Job(r.id(), new PbsJobId(id.sequence(), id.array(), index), a.get("Job_Name"),
                    a.get("job_state"), integer(exit, "exit_status", stdout), null, null, a.get("Hold_Types"),
                    a.get("comment")));
        }
        return jobs;
    }

    // ------------------------------------------------------------------ cancel

    @Override
    public Command cancelCommand(Collection<JobId> jobs) {
        List<String> argv = new ArrayList<>();
        argv.add("qdel");
        argv.addAll(ids(jobs));
        return Command.of(argv);
    }

    /**
     * Jobs that have ended or that qdel does not know are cancelled as far as hwf is concerned ("Unknown
     * Job Id", "Job has finished", "invalid state for job"; Slurm's wrappers exit non-zero and print
     * nothing for them). Anything else throws.
     */
    @Override
    public void checkCancel(int exitCode, String stdout, String stderr) {
        if (exitCode == 0) {
            return;
        }
        for (String line : joined(stdout, stderr).split("\\R")) {
            String l = line.toLowerCase(Locale.ROOT);
            if (!l.isBlank() && !l.contains("unknown job id") && !l.contains("job has finished")
                    && !l.contains("invalid state for job") && !l.contains("request invalid for state of job")) {
                throw new SchedulerOutputException("qdel exited " + exitCode, joined(stdout, stderr));
            }
        }
    }

    // ------------------------------------------------------------------ recovery

    /**
     * {@code qstat -x -f -F json} (PBS Pro: with the jobs that have finished, which the server keeps
     * in its history, so an orphan that already ended is found too) or {@code qstat -f} (Torque) over
     * all jobs the server shows, filtered by name here: qstat selects no jobs by name.
     */
    @Override
    public Command findByNameCommand(Collection<String> jobNames) {
        if (jobNames.isEmpty()) {
            throw new IllegalArgumentException("no job names given");
        }
        jobNames.forEach(this::schedulerName);
        return torque ? Command.of("qstat", "-f") : Command.of("qstat", "-x", "-f", "-F", "json");
    }

    @Override
    public Map<String, JobId> parseFindByName(Collection<String> jobNames, int exitCode, String stdout,
                                              String stderr) {
        if (exitCode != 0 && !onlyUnknownJobs(stdout, stderr)) {
            throw new SchedulerOutputException("qstat exited " + exitCode, joined(stdout, stderr));
        }
        Map<String, String> byShort = new LinkedHashMap<>();
        for (String n : jobNames) {
            byShort.put(schedulerName(n), n);
        }
        Map<String, JobId> found = new LinkedHashMap<>();
        Map<String, PbsJobId> first = new LinkedHashMap<>();
        for (Job j : jobs(stdout)) {
            String wanted = j.name() == null ? null : byShort.get(j.name());
            if (wanted != null && j.id().index() == null) {
                // Slurm's Torque wrappers list each started element of an array as a job of its own,
                // under the array's name; the array's id is the first of them
                first.merge(wanted, j.id(),
                        (a, b) -> Long.parseLong(b.sequence()) < Long.parseLong(a.sequence()) ? b : a);
            }
        }
        first.forEach((name, id) -> found.put(name, id.jobId()));
        return found;
    }

    /**
     * The name PBS gets for hwf's job name: itself when it is at most the length limit, else its
     * first characters, a dash and 8 hex digits of its SHA-256 (the same name every time).
     */
    String schedulerName(String jobName) {
        noControl("job name", jobName);
        if (!JOB_NAME.matcher(jobName).matches()) {
            throw new IllegalArgumentException("job name '" + jobName + "' must be letters, digits, '_', '.' and '-' "
                    + "for PBS");
        }
        if (jobName.length() <= nameLimit) {
            return jobName;
        }
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(jobName.getBytes(StandardCharsets.UTF_8));
            return jobName.substring(0, nameLimit - 9) + "-" + HexFormat.of().formatHex(digest, 0, 4);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
        }
    }

    // ------------------------------------------------------------------ helpers

    private static String pbs(String directive) {
        noControl("PBS directive", directive);
        return "#PBS " + directive;
    }

    /** PBS's walltime: hours (any number), minutes, seconds. */
    static String walltime(long seconds) {
        return String.format("%d:%02d:%02d", seconds / 3600, seconds % 3600 / 60, seconds % 60);
    }

    private static String value(String what, String v) {
        noControl(what, v);
        if (!NAME_VALUE.matcher(v).matches()) {
            throw new IllegalArgumentException(what + " '" + v + "' has characters a #PBS line cannot carry");
        }
        return v;
    }

    /** No value may end a header line or start another: no control characters at all. */
    private static void noControl(String what, String v) {
        for (int i = 0; i < v.length(); i++) {
            char c = v.charAt(i);
            if (Character.isISOControl(c) || c == '\u2028' || c == '\u2029') {
                throw new IllegalArgumentException("a line break or control character in the " + what + ": '"
                        + v.replaceAll("\\p{Cntrl}|[\u2028\u2029]", "?") + "'");
            }
        }
    }

    private static String taskDir(String dir) {
        if (!dir.startsWith("/")) {
            throw new IllegalArgumentException("task directory must be absolute: " + dir);
        }
        noControl("task directory", dir);
        String d = dir;
        while (d.length() > 1 && d.endsWith("/")) {
            d = d.substring(0, d.length() - 1);
        }
        return d;
    }

    private static List<String> ids(Collection<JobId> jobs) {
        return AdapterSupport.ids(jobs, HWF_JOB_ID, "not a PBS job id as hwf keeps it ('123' or '123[]')");
    }

    /** Exit 153 (PBS's "Unknown Job Id") with nothing on stderr but such messages. */
    private static boolean onlyUnknownJobs(String stdout, String stderr) {
        if (stderr == null || stderr.isBlank()) {
            return stdout == null || stdout.isBlank() || stdout.strip().startsWith("{")
                    || stdout.strip().startsWith("Job Id:");
        }
        for (String line : stderr.split("\\R")) {
            if (!line.isBlank() && !line.contains("Unknown Job Id")) {
                return false;
            }
        }
        return true;
    }

    private static String text(Object o) {
        return o == null ? null : o.toString();
    }

    private static Integer integer(Object o, String what, String output) {
        if (o == null) {
            return null;
        }
        try {
            return Integer.valueOf(o.toString().strip());
        } catch (NumberFormatException e) {
            throw new SchedulerOutputException("qstat printed a " + what + " that is no number ('" + o + "')", output);
        }
    }

    private static String joined(String stdout, String stderr) {
        return AdapterSupport.joined(stdout, stderr);
    }
}
