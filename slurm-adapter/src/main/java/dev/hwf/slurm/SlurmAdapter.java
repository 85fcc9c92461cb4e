package dev.hwf.slurm;

import dev.hwf.api.AdapterSupport;
import dev.hwf.api.Command;
import dev.hwf.api.JobId;
import dev.hwf.api.JobRequest;
import dev.hwf.api.JobState;
import dev.hwf.api.JobStatus;
import dev.hwf.api.NodeLaunch;
import dev.hwf.api.Output;
import dev.hwf.api.PendingReason;
import dev.hwf.api.SchedulerAdapter;
import dev.hwf.api.SchedulerOutputException;
import dev.hwf.api.ShellQuote;
import dev.hwf.api.StartEstimate;
import dev.hwf.api.SiteLimits;
import dev.hwf.api.Upstream;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Slurm: {@code #SBATCH} headers, {@code sbatch --parsable}, one {@code squeue} for all jobs, one
 * {@code scancel}. Checked against Slurm 22.05 (Debian 12); the parsers are tested on output captured
 * from it (see {@code src/test/resources/fixtures/slurm/README.md}).
 *
 * <p>Status is read with
 * {@code squeue --noheader --array --states=all --jobs=ID,... --format=%i|%T|%r}: {@code --array}
 * prints one line per array element (pending elements included), {@code --states=all} keeps finished
 * jobs in the answer until Slurm purges them (MinJobAge, default 300 s), and the reason comes last
 * because it may contain spaces. The state table is in {@link SlurmStates}.
 */
public class SlurmAdapter implements SchedulerAdapter {

    /** The squeue format: job id (array elements as {@code ID_N}), full state name, reason. */
    static final String STATUS_FORMAT = "%i|%T|%r";

    /** The squeue format for finding jobs by name: array (or job) id, job name. */
    static final String FIND_FORMAT = "%F|%j";

    /** The sacct fields: job id (elements as {@code ID_N}), state, {@code exit:signal}. */
    static final String HISTORY_FORMAT = "JobID,State,ExitCode";

    /** What sacct says on a cluster without slurmdbd. */
    static final String ACCOUNTING_DISABLED = "accounting storage is disabled";

    /** What squeue says about a job id it has already purged (only when it is asked for one id). */
    static final String PURGED_MESSAGE = "Invalid job id specified";

    /** Values that go after {@code --partition=}, {@code --account=}, {@code --qos=}. */
    private static final Pattern NAME_VALUE = Pattern.compile("[A-Za-z0-9_.,:+@-]+");
    /** A Slurm job id as hwf keeps it: the job (or array) id, or one element {@code ID_N}. */
    /** A job's own id, as a dependency names it and squeue prints an array's: digits only. */
    private static final Pattern NUMBER = Pattern.compile("[0-9]+");
    private static final Pattern SLURM_JOB_ID = Pattern.compile("[0-9]+(_[0-9]+)?");
    /** What {@code sbatch --parsable} prints: {@code 123} or {@code 123;cluster}. */
    private static final Pattern PARSABLE = Pattern.compile("([0-9]+)(;[A-Za-z0-9_.-]+)?");
    /** {@code sbatch --test-only}: "sbatch: Job 21680 to start at 2026-12-05T09:43:06 using 1 processors ...". */
    private static final Pattern TEST_ONLY = Pattern.compile("to start at (\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d)");
    /** Why sbatch --test-only found no start: "allocation failure: ..." or "sbatch: error: ...". */
    private static final Pattern TEST_ONLY_REFUSAL = Pattern.compile("(?:allocation failure|sbatch: error): (.+)");
    /** One squeue status line: id, state, reason (the reason may hold spaces, even '|'). */
    private static final Pattern STATUS_LINE = Pattern.compile("([^|\\s]+)\\|([^|]*)\\|(.*)");

    @Override
    public String name() {
        return "slurm";
    }

    // ------------------------------------------------------------------ facts

    @Override
    public Command probeCommand() {
        return Command.of("sinfo", "--noheader", "--format=%P");
    }

    @Override
    public String rendezvousLines() {
        // an array's elements share SLURM_ARRAY_JOB_ID, and their own SLURM_JOB_IDs may be that one
        // plus or minus their index (Slurm numbers the elements it splits off as it goes): the array's
        // number plus the element's index gives each element of one array its own port
        return "MASTER_ADDR=$(scontrol show hostnames \"$SLURM_JOB_NODELIST\" | head -n 1)\n"
                + "hwf_job_number=${SLURM_ARRAY_JOB_ID:-${SLURM_JOB_ID%%[!0-9]*}}\n";
    }

    /** srun runs the line once per node with the job's environment; each copy starts its node's processes. */
    @Override
    public NodeLaunch nodeLaunch(int nodes) {
        return new NodeLaunch.Prefix("srun --nodes=" + nodes + " --ntasks=" + nodes + " --ntasks-per-node=1 ");
    }

    @Override
    public boolean offersSrun() {
        return true;
    }

    @Override
    public List<String> directives(JobRequest r) {
        List<String> lines = new ArrayList<>();
        lines.add(sbatch("--job-name=" + word("job name", r.jobName())));
        lines.add(sbatch("--nodes=" + r.nodes()));
        lines.add(sbatch("--ntasks=" + r.ntasks()));
        lines.add(sbatch("--cpus-per-task=" + r.cpusPerTask()));
        if (r.memoryMb() > 0) {
            lines.add(sbatch("--mem=" + r.memoryMb() + "M"));
        }
        if (r.walltimeSeconds() > 0) {
            lines.add(sbatch("--time=" + walltime(r.walltimeSeconds())));
        }
        if (r.partition() != null) {
            lines.add(sbatch("--partition=" + name("partition", r.partition())));
        }
        if (r.account() != null) {
            lines.add(sbatch("--account=" + name("account", r.account())));
        }
        if (r.qos() != null) {
            lines.add(sbatch("--qos=" + name("qos", r.qos())));
        }
        if (r.gpus() > 0) {
            lines.add(sbatch("--gres=gpu:" + r.gpus()));
        }
        if (r.isArray()) {
            String spec = ArrayIndices.format(r.arrayIndices());
            lines.add(sbatch("--array=" + spec + (r.arrayLimit() > 0 ? "%" + r.arrayLimit() : "")));
        }
        for (String d : r.directives()) {
            if (d == null || d.isBlank()) {
                throw new IllegalArgumentException("job " + r.jobName() + ": empty pass-through directive");
            }
            lines.add(sbatch(d));
        }
        return List.copyOf(lines);
    }

    @Override
    public String arrayIndexExpression() {
        // Slurm's element index is hwf's index: --array lists the 0-based indices themselves.
        return "${SLURM_ARRAY_TASK_ID:-0}";
    }

    /**
     * {@code sbatch --parsable --chdir=DIR --output=DIR/slurm-%A_%a.out SCRIPT} ({@code slurm-%j.out}
     * for a job that is not an array). The paths are arguments, not {@code #SBATCH} lines, because
     * sbatch splits directive lines on spaces. Standard error goes to the same file.
     */
    @Override
    public Command submitCommand(JobRequest r, String scriptPath) {
        String dir = taskDir(r.taskDir());
        String log = outputPattern(dir) + "/" + (r.isArray() ? "slurm-%A_%a.out" : "slurm-%j.out");
        return Command.of("sbatch", "--parsable", "--chdir=" + dir, "--output=" + log, scriptPath);
    }

    /**
     * As above, with {@code --export=ALL,NAME,...}: sbatch copies a variable named without a value
     * from its own environment into the job, beside the rest of that environment.
     */
    @Override
    public Command submitCommand(JobRequest r, String scriptPath, Collection<String> fromEnvironment) {
        Command plain = submitCommand(r, scriptPath);
        if (fromEnvironment.isEmpty()) {
            return plain;
        }
        return withOption(plain, "--export=ALL," + ShellQuote.variableList(fromEnvironment));
    }

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
            throw new SchedulerOutputException("sbatch --parsable printed no job id", stdout);
        }
        Matcher m = PARSABLE.matcher(last);
        if (!m.matches()) {
            throw new SchedulerOutputException("sbatch --parsable printed no job id ('ID' or 'ID;cluster')", stdout);
        }
        return new JobId(m.group(1));
    }

    /**
     * sbatch's words for a controller it cannot reach or that cannot take jobs now
     * ("Unable to contact slurm controller", "Socket timed out on send/recv operation",
     * "Slurm temporarily unable to accept job, sleeping and retrying", "Zero Bytes were transmitted
     * or received"); anything else (an invalid partition, too many resources) is a refusal.
     */
    @Override
    public boolean isTransientSubmitFailure(int exitCode, String stdout, String stderr) {
        String text = joined(stdout, stderr).toLowerCase(Locale.ROOT);
        return text.contains("unable to contact slurm controller") || text.contains("socket timed out")
                || text.contains("temporarily unable") || text.contains("zero bytes were transmitted")
                || text.contains("connection refused");
    }

    @Override
    public boolean offersDependencies() {
        return true;
    }

    @Override
    public boolean offersElementDependencies() {
        return true;
    }

    /**
     * {@code sbatch --dependency=afterok:ID:ID_N ...}: a whole job by its id (for an array, every
     * element of it), one element of an array as {@code ID_N}.
     */
    @Override
    public Command afterSuccess(Command submit, List<Upstream> upstream) {
        StringBuilder dep = new StringBuilder("afterok");
        for (Upstream u : upstream) {
            dep.append(':').append(jobId(u.job().value()));
            if (u.arrayIndex() != null) {
                dep.append('_').append(u.arrayIndex());
            }
        }
        return withOption(submit, "--dependency=" + dep);
    }

    @Override
    public boolean offersElementWiseDependencies() {
        return true;
    }

    /**
     * {@code sbatch --dependency=aftercorr:ID:ID ...}: element N waits for element N of each array
     * job ID.
     */
    @Override
    public Command afterEachSuccess(Command submit, List<JobId> upstream) {
        if (upstream.isEmpty()) {
            throw new IllegalArgumentException("aftercorr needs at least one job");
        }
        StringBuilder dep = new StringBuilder("aftercorr");
        upstream.forEach(u -> dep.append(':').append(jobId(u.value())));
        return withOption(submit, "--dependency=" + dep);
    }

    /**
     * sbatch's "Job dependency problem": an upstream job id the controller does not know (gone
     * from its memory after MinJobAge) or cannot depend on.
     */
    @Override
    public boolean isDependencyRefusal(int exitCode, String stdout, String stderr) {
        return exitCode != 0 && joined(stdout, stderr).contains("Job dependency problem");
    }

    private static String jobId(String id) {
        if (!NUMBER.matcher(id).matches()) {
            throw new IllegalArgumentException("not a Slurm job id: " + id);
        }
        return id;
    }

    /** The sbatch command with one more option before its first argument. */
    private static Command withOption(Command submit, String option) {
        if (!"sbatch".equals(submit.argv().get(0))) {
            throw new IllegalArgumentException("not an sbatch command: " + submit.display());
        }
        List<String> argv = new ArrayList<>(submit.argv());
        argv.add(1, option);
        return new Command(argv, submit.stdinFile(), submit.env());
    }

    /**
     * The submission with {@code --test-only} in place of {@code --parsable}: sbatch reads the script's
     * directives and the controller answers with the start its scheduler plans, submitting nothing.
     */
    @Override
    public Command startEstimateCommand(Command submit) {
        List<String> argv = new ArrayList<>(submit.argv());
        argv.remove("--parsable");
        return withOption(new Command(argv, submit.stdinFile(), submit.env()), "--test-only");
    }

    @Override
    public boolean offersStartEstimate() {
        return true;
    }

    /** sbatch prints its answer on stderr, exit 0 with a start, 1 with the reason it cannot start. */
    @Override
    public StartEstimate parseStartEstimate(int exitCode, String stdout, String stderr) {
        String text = joined(stdout, stderr);
        Matcher at = TEST_ONLY.matcher(text);
        if (exitCode == 0 && at.find()) {
            return StartEstimate.at(LocalDateTime.parse(at.group(1)));
        }
        if (exitCode != 0) {
            Matcher why = TEST_ONLY_REFUSAL.matcher(text);
            String reason = why.find() ? why.group(1).strip() : firstLine(text);
            return reason.isEmpty() ? StartEstimate.UNKNOWN : StartEstimate.refused(reason);
        }
        return StartEstimate.UNKNOWN;
    }

    private static String firstLine(String text) {
        return text.lines().filter(l -> !l.isBlank()).findFirst().orElse("").strip();
    }

    @Override
    public String limitRefusal(int exitCode, String stdout, String stderr) {
        return exitCode == 0 ? null : SlurmLimits.refusal(joined(stdout, stderr));
    }

    @Override
    public List<Command> limitsCommands(String user, Set<String> partitions, Set<String> qos) {
        name("user", user);
        return SlurmLimits.commands(user, qos);
    }

    @Override
    public SiteLimits parseLimits(List<Output> outputs, String user,
                                              Set<String> partitions,
                                              Set<String> qos) {
        return SlurmLimits.parse(outputs, qos);
    }

    @Override
    public Command statusCommand(Collection<JobId> jobs) {
        return Command.of("squeue", "--noheader", "--array", "--states=all", "--jobs=" + String.join(",", ids(jobs)),
                "--format=" + STATUS_FORMAT);
    }

    /**
     * Exit 0: one status per line (range lines such as {@code 7_[2-5%2]} give one status per element).
     * Exit non-zero with only "Invalid job id specified": squeue was asked about one job id and Slurm
     * has purged it, so the result is empty. Anything else throws.
     */
    @Override
    public List<JobStatus> parseStatus(int exitCode, String stdout, String stderr) {
        if (exitCode != 0) {
            if (onlyPurgedMessages(stdout, stderr)) {
                return List.of();
            }
            throw new SchedulerOutputException("squeue exited " + exitCode, joined(stdout, stderr));
        }
        return parseLines("squeue", stdout, true);
    }

    /**
     * {@code ID|STATE|...} lines, as squeue ({@code %i|%T|%r}) and sacct ({@code JobID,State,ExitCode}
     * with {@code --parsable2}) both print them: one status per line, range lines such as
     * {@code 7_[2-5%2]} giving one status per element. With {@code reasons} (squeue) the third field is
     * the reason, kept for a pending job as its {@link SlurmReasons pending reason}.
     */
    private static List<JobStatus> parseLines(String command, String stdout, boolean reasons) {
        List<JobStatus> out = new ArrayList<>();
        if (stdout == null) {
            return out;
        }
        for (String raw : stdout.split("\\R")) {
            String line = raw.strip();
            if (line.isEmpty()) {
                continue;
            }
            Matcher m = STATUS_LINE.matcher(line);
            if (!m.matches()) {
                throw new SchedulerOutputException(command + " printed a line that is not 'ID|STATE|...' ('"
                        + line + "')", stdout);
            }
            SlurmStates.Mapped mapped = SlurmStates.map(m.group(2));
            if (mapped == null) {
                throw new SchedulerOutputException(command + " printed no job state in line '" + line + "'", stdout);
            }
            ArrayIndices.Parsed id = ArrayIndices.parseJobField(m.group(1));
            if (id == null) {
                throw new SchedulerOutputException(command + " printed a job id hwf cannot read ('" + m.group(1) + "')",
                        stdout);
            }
            JobId jobId = new JobId(id.jobId());
            PendingReason pending = reasons && mapped.state() == JobState.QUEUED
                    ? SlurmReasons.of(mapped.token(), m.group(3)) : null;
            if (id.indices() == null) {
                out.add(new JobStatus(jobId, null, mapped.state(), mapped.reason(), mapped.token(), null, pending));
            } else {
                for (int index : id.indices()) {
                    out.add(new JobStatus(jobId, index, mapped.state(), mapped.reason(), mapped.token(), null,
                            pending));
                }
            }
        }
        return out;
    }

    @Override
    public Command cancelCommand(Collection<JobId> jobs) {
        List<String> argv = new ArrayList<>();
        argv.add("scancel");
        argv.addAll(ids(jobs));
        return Command.of(argv);
    }

    /**
     * {@code squeue --noheader --states=all --name=N1,N2 --format=%F|%j}: one line per job (an array
     * once, under its array id) whose name is one of those given; nothing for unknown names.
     */
    @Override
    public Command findByNameCommand(Collection<String> jobNames) {
        if (jobNames.isEmpty()) {
            throw new IllegalArgumentException("no job names given");
        }
        for (String n : jobNames) {
            word("job name", n);
            if (n.contains(",")) {
                throw new IllegalArgumentException("a job name with a comma cannot be looked up: " + n);
            }
        }
        return Command.of("squeue", "--noheader", "--states=all", "--name=" + String.join(",", jobNames),
                "--format=" + FIND_FORMAT);
    }

    @Override
    public Map<String, JobId> parseFindByName(Collection<String> jobNames, int exitCode, String stdout,
                                              String stderr) {
        if (exitCode != 0) {
            throw new SchedulerOutputException("squeue --name exited " + exitCode, joined(stdout, stderr));
        }
        Map<String, JobId> found = new LinkedHashMap<>();
        for (String raw : (stdout == null ? "" : stdout).split("\\R")) {
            String line = raw.strip();
            if (line.isEmpty()) {
                continue;
            }
            int bar = line.indexOf('|');
            String id = bar < 0 ? "" : line.substring(0, bar);
            if (!NUMBER.matcher(id).matches()) {
                throw new SchedulerOutputException("squeue printed a line that is not 'ARRAY_ID|NAME' ('" + line
                        + "')", stdout);
            }
            String name = line.substring(bar + 1);
            if (jobNames.contains(name)) {
                found.putIfAbsent(name, new JobId(id));
            }
        }
        return found;
    }

    /** {@code sacct} for jobs squeue has forgotten; useful where the cluster keeps accounting. */
    @Override
    public Command historyCommand(Collection<JobId> jobs) {
        return Command.of("sacct", "--noheader", "--parsable2", "--allocations", "--jobs=" + String.join(",", ids(jobs)),
                "--format=" + HISTORY_FORMAT);
    }

    /** Like {@link #parseStatus}; "accounting storage is disabled" is an empty answer. */
    @Override
    public List<JobStatus> parseHistory(int exitCode, String stdout, String stderr) {
        if (exitCode != 0) {
            if (joined(stdout, stderr).contains(ACCOUNTING_DISABLED)) {
                return List.of();
            }
            throw new SchedulerOutputException("sacct exited " + exitCode, joined(stdout, stderr));
        }
        return parseLines("sacct", stdout, false);
    }

    // ------------------------------------------------------------------ helpers

    private static String sbatch(String directive) {
        noLineBreaks(directive);
        return "#SBATCH " + directive;
    }

    /** Slurm's {@code D-HH:MM:SS}. Slurm counts limits in whole minutes and rounds seconds up. */
    static String walltime(long seconds) {
        long days = seconds / 86_400;
        long rest = seconds % 86_400;
        return String.format("%d-%02d:%02d:%02d", days, rest / 3600, rest % 3600 / 60, rest % 60);
    }

    private static String name(String what, String value) {
        noLineBreaks(value);
        if (!NAME_VALUE.matcher(value).matches()) {
            throw new IllegalArgumentException(what + " '" + value + "' has characters Slurm's header cannot carry");
        }
        return value;
    }

    /** One word for a directive line: sbatch's parser would split the value at white space. */
    private static String word(String what, String value) {
        noLineBreaks(value);
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (Character.isWhitespace(c) || c == '"' || c == '\'') {
                throw new IllegalArgumentException(what + " '" + value + "' must be one word without quotes "
                        + "in an #SBATCH line");
            }
        }
        return value;
    }

    /** A value must not end the header line or start another one: no control characters at all. */
    private static void noLineBreaks(String value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (Character.isISOControl(c) || c == '\u2028' || c == '\u2029') {
                throw new IllegalArgumentException("a line break or control character in a Slurm directive value: '"
                        + value.replaceAll("\\p{Cntrl}|[\u2028\u2029]", "?") + "'");
            }
        }
    }

    private static String taskDir(String dir) {
        if (!dir.startsWith("/")) {
            throw new IllegalArgumentException("task directory must be absolute: " + dir);
        }
        if (dir.indexOf('\\') >= 0) {
            // In a filename pattern a backslash turns every %A/%a/%j off, and Slurm drops the
            // backslashes from the path: the job would fail to open its log (checked on 22.05).
            throw new IllegalArgumentException("task directory contains a backslash, which Slurm cannot use in "
                    + "--output: " + dir);
        }
        for (int i = 0; i < dir.length(); i++) {
            if (Character.isISOControl(dir.charAt(i))) {
                throw new IllegalArgumentException("task directory contains a control character: "
                        + dir.replaceAll("\\p{Cntrl}", "?"));
            }
        }
        String d = dir;
        while (d.length() > 1 && d.endsWith("/")) {
            d = d.substring(0, d.length() - 1);
        }
        return d;
    }

    /** The directory as it goes into --output, where '%' starts a substitution and "%%" is a '%'. */
    static String outputPattern(String dir) {
        return dir.replace("%", "%%");
    }

    private static List<String> ids(Collection<JobId> jobs) {
        return AdapterSupport.ids(jobs, SLURM_JOB_ID, "not a Slurm job id");
    }

    private static boolean onlyPurgedMessages(String stdout, String stderr) {
        int purged = 0;
        for (String text : new String[] {stdout, stderr}) {
            if (text == null) {
                continue;
            }
            for (String line : text.split("\\R")) {
                if (line.isBlank()) {
                    continue;
                }
                if (!line.contains(PURGED_MESSAGE)) {
                    return false;
                }
                purged++;
            }
        }
        return purged > 0;
    }

    private static String joined(String stdout, String stderr) {
        return AdapterSupport.joined(stdout, stderr);
    }
}
