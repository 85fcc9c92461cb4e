package dev.hwf.lsf;

import dev.hwf.api.AdapterSupport;
import dev.hwf.api.Command;
import dev.hwf.api.JobId;
import dev.hwf.api.JobRequest;
import dev.hwf.api.JobStatus;
import dev.hwf.api.NodeLaunch;
import dev.hwf.api.Output;
import dev.hwf.api.SchedulerAdapter;
import dev.hwf.api.SchedulerOutputException;
import dev.hwf.api.SiteLimits;
import dev.hwf.api.Upstream;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * IBM Spectrum LSF (10.1, Fix Pack 3 or newer for {@code -gpu}): {@code #BSUB} headers,
 * {@code bsub < script}, one {@code bjobs} for all jobs, one {@code bkill}.
 *
 * <ul>
 * <li>Resources: {@code -n} slots = processes x cores per process (a task with fewer processes
 * than nodes gets one process per node); {@code -R "span[hosts=1]"} on one node, else
 * {@code span[ptile=P]} with P the slots of the fullest node; memory per node as
 * {@code rusage[mem=MMB]}, which LSF reserves per host for parallel jobs unless the site set
 * RESOURCE_RESERVE_PER_TASK; {@code -gpu "num=G"} (GPUs per host).</li>
 * <li>{@code -W H:MM} (LSF counts whole minutes: seconds round up), {@code -q} partition,
 * {@code -P} account (LSF's project). LSF has no quality of service: {@code qos} is not passed on
 * and a comment line in the header says so.</li>
 * <li>Arrays: {@code -J "NAME[1-8]%4"}; LSF's indices start at 1, hwf's at 0, so element i is LSF's
 * i + 1 and the job computes {@code HWF_ARRAY_INDEX} as {@code LSB_JOBINDEX - 1}. Retried elements go
 * as a list: {@code "NAME[3,6]"}.</li>
 * <li>Status: {@code bjobs -a -noheader -o "jobid jobindex stat exit_code exit_reason delimiter='|'"
 * IDS}: one line per job and per array element, finished ones included while LSF keeps them
 * (CLEAN_PERIOD); the reason last, as it may hold anything. "Job <ID> is not found" (stderr, exit
 * 255) means gone, not an error.</li>
 * <li>bsub runs with {@code -cwd DIR} and {@code -o DIR/lsf-%J_%I.out} as arguments (LSF would mail
 * its job report without {@code -o}); LSF has no escape for {@code %} in those paths, so a task
 * directory with a {@code %} is refused.</li>
 * </ul>
 */
public class LsfAdapter implements SchedulerAdapter {
    /** An LSF job id as hwf keeps it. */
    private static final Pattern LSF_JOB_ID = Pattern.compile("[0-9]+");

    /** The bjobs fields of a status line; the termination reason last because it may hold anything. */
    static final String STATUS_FIELDS = "jobid jobindex stat exit_code exit_reason delimiter='|'";

    /** The bjobs fields for finding jobs by name. */
    static final String FIND_FIELDS = "jobid job_name delimiter='|'";

    private static final Pattern NAME_VALUE = Pattern.compile("[A-Za-z0-9_.,:+@-]+");
    private static final Pattern JOB_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]*");
    private static final Pattern SUBMITTED =
            Pattern.compile("Job <([0-9]+)> is submitted to (?:default )?queue <[^>]*>");
    private static final Pattern ELEMENT_SUFFIX = Pattern.compile("\\[[0-9]+]$");
    /** An element index in bjobs' INDEX column (0 for a job that is not an array). */
    private static final Pattern INDEX = Pattern.compile("[0-9]{1,9}");
    /** stderr lines that are answers, not errors: a job LSF has forgotten, and nothing to show. */
    private static final Pattern NOT_FOUND = Pattern.compile("\\s*Job <[0-9\\[\\]]+> is not found\\s*");
    private static final Pattern NO_JOB = Pattern.compile("\\s*No (unfinished )?job found\\s*");

    @Override
    public String name() {
        return "lsf";
    }

    // ------------------------------------------------------------------ facts

    /** Asks mbatchd. */
    @Override
    public Command probeCommand() {
        return Command.of("bqueues");
    }

    @Override
    public String rendezvousLines() {
        return "hwf_hosts=${LSB_MCPU_HOSTS:-$LSB_HOSTS}\n"
                + "MASTER_ADDR=${hwf_hosts%% *}\n"
                + "hwf_job_number=${LSB_JOBID%%[!0-9]*}\n";
    }

    /** {@code blaunch -z "HOSTS"} once, over the distinct hosts of the allocation. */
    @Override
    public NodeLaunch nodeLaunch(int nodes) {
        return new NodeLaunch.FromLaunchFile("hwf_nodes=$(if [ -r \"${LSB_DJOB_HOSTFILE:-}\" ]; then cat "
                + "\"$LSB_DJOB_HOSTFILE\"; else printf '%s\\n' $LSB_HOSTS; fi | awk '!seen[$0]++' | tr '\\n' ' ')\n"
                + "blaunch -z \"$hwf_nodes\" /bin/bash \"$hwf_launch\" \"$PWD\" &\n"
                + "hwf_pids=($!)\n");
    }

    // ------------------------------------------------------------------ script

    @Override
    public List<String> directives(JobRequest r) {
        List<String> lines = new ArrayList<>();
        String name = jobName(r.jobName());
        if (r.isArray()) {
            lines.add(bsub("-J \"" + name + "[" + lsfIndices(r.arrayIndices()) + "]"
                    + (r.arrayLimit() > 0 ? "%" + r.arrayLimit() : "") + "\""));
        } else {
            lines.add(bsub("-J \"" + name + "\""));
        }
        int nodes = r.nodes();
        int tasks = Math.max(r.ntasks(), nodes);
        lines.add(bsub("-n " + Math.multiplyExact(tasks, r.cpusPerTask())));
        String span = nodes == 1 ? "span[hosts=1]"
                : "span[ptile=" + Math.multiplyExact((tasks + nodes - 1) / nodes, r.cpusPerTask()) + "]";
        lines.add(bsub("-R \"" + span + (r.memoryMb() > 0 ? " rusage[mem=" + r.memoryMb() + "MB]" : "") + "\""));
        if (r.walltimeSeconds() > 0) {
            lines.add(bsub("-W " + walltime(r.walltimeSeconds())));
        }
        if (r.partition() != null) {
            lines.add(bsub("-q " + value("partition", r.partition())));
        }
        if (r.account() != null) {
            lines.add(bsub("-P " + value("account", r.account())));
        }
        if (r.qos() != null) {
            lines.add("# hwf: qos " + value("qos", r.qos()) + " is not passed on: LSF has no quality of service");
        }
        if (r.gpus() > 0) {
            lines.add(bsub("-gpu \"num=" + r.gpus() + "\""));
        }
        for (String d : r.directives()) {
            if (d == null || d.isBlank()) {
                throw new IllegalArgumentException("job " + r.jobName() + ": empty pass-through directive");
            }
            lines.add(bsub(d));
        }
        return List.copyOf(lines);
    }

    /** hwf's 0-based indices as LSF's 1-based index list: [0..7] gives {@code 1-8}, [2, 5] gives {@code 3,6}. */
    static String lsfIndices(List<Integer> indices) {
        TreeSet<Integer> sorted = new TreeSet<>();
        for (Integer i : indices) {
            if (i == null || i < 0) {
                throw new IllegalArgumentException("array index must be >= 0: " + i);
            }
            sorted.add(i + 1);
        }
        if (sorted.isEmpty()) {
            throw new IllegalArgumentException("an array needs at least one index");
        }
        return AdapterSupport.runs(sorted, ",");
    }

    /** LSB_JOBINDEX is 1-based for array elements and 0 (or unset) for other jobs. */
    @Override
    public String arrayIndexExpression() {
        return "$(( ${LSB_JOBINDEX:-0} > 0 ? ${LSB_JOBINDEX:-0} - 1 : 0 ))";
    }

    /** {@code bsub -cwd DIR -o DIR/lsf-%J_%I.out < SCRIPT}: bsub reads #BSUB lines only from its input. */
    @Override
    public Command submitCommand(JobRequest r, String scriptPath) {
        String dir = taskDir(r.taskDir());
        noControl("script path", scriptPath);
        return new Command(List.of("bsub", "-cwd", dir, "-o", dir + "/lsf-%J_%I.out"), scriptPath);
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
     * {@code bsub -w "done(ID) && done(ID[N])" ...}: a whole job (every element of an array) by its
     * id, one element by its LSF index (hwf's index + 1).
     */
    @Override
    public Command afterSuccess(Command submit, List<Upstream> upstream) {
        if (!"bsub".equals(submit.argv().get(0))) {
            throw new IllegalArgumentException("not a bsub command: " + submit.display());
        }
        List<String> terms = new ArrayList<>();
        for (Upstream u : upstream) {
            String id = ids(List.of(u.job())).get(0);
            terms.add("done(" + id + (u.arrayIndex() == null ? "" : "[" + (u.arrayIndex() + 1) + "]") + ")");
        }
        List<String> argv = new ArrayList<>(submit.argv());
        argv.addAll(1, List.of("-w", String.join(" && ", terms)));
        return new Command(argv, submit.stdinFile(), submit.env());
    }

    /** bsub's words for a dependency on a job it does not know: nothing was submitted. */
    @Override
    public boolean isDependencyRefusal(int exitCode, String stdout, String stderr) {
        String text = joined(stdout, stderr);
        return exitCode != 0 && (text.contains("Dependency condition") || text.contains("No matching job found"));
    }

    /** {@code Job <123> is submitted to queue <normal>.} (or "to default queue"), wherever it is in the output. */
    @Override
    public JobId parseSubmitOutput(String stdout) {
        String id = null;
        if (stdout != null) {
            Matcher m = SUBMITTED.matcher(stdout);
            while (m.find()) {
                if (id != null && !id.equals(m.group(1))) {
                    throw new SchedulerOutputException("bsub printed two job ids", stdout);
                }
                id = m.group(1);
            }
        }
        if (id == null) {
            throw new SchedulerOutputException("bsub printed no 'Job <ID> is submitted to queue <QUEUE>.'", stdout);
        }
        return new JobId(id);
    }

    /**
     * LSF could not be reached or was busy ("LSF is down", "Please wait", "not responding", "Cannot
     * connect", a time-out); anything else ("No such queue", "Job not submitted") is a refusal.
     */
    @Override
    public boolean isTransientSubmitFailure(int exitCode, String stdout, String stderr) {
        String text = joined(stdout, stderr).toLowerCase(Locale.ROOT);
        return text.contains("lsf is down") || text.contains("please wait") || text.contains("not responding")
                || text.contains("cannot connect") || text.contains("timed out") || text.contains("connection refused");
    }

    // ------------------------------------------------------------------ status

    @Override
    public String limitRefusal(int exitCode, String stdout, String stderr) {
        return exitCode == 0 ? null : LsfLimits.refusal(AdapterSupport.joined(stdout, stderr));
    }

    @Override
    public List<Command> limitsCommands(String user, Set<String> partitions, Set<String> qos) {
        return LsfLimits.commands(user);
    }

    @Override
    public SiteLimits parseLimits(List<Output> outputs, String user,
                                              Set<String> partitions, Set<String> qos) {
        return LsfLimits.parse(outputs, user);
    }

    @Override
    public Command statusCommand(Collection<JobId> jobs) {
        List<String> argv = new ArrayList<>(List.of("bjobs", "-a", "-noheader", "-o", STATUS_FIELDS));
        argv.addAll(ids(jobs));
        return Command.of(argv);
    }

    @Override
    public List<JobStatus> parseStatus(int exitCode, String stdout, String stderr) {
        checkMessages("bjobs", exitCode, stdout, stderr);
        List<JobStatus> out = new ArrayList<>();
        for (String raw : lines(stdout)) {
            String[] f = raw.split("\\|", 5);
            if (f.length != 5 || !LSF_JOB_ID.matcher(f[0].strip()).matches() || !INDEX.matcher(f[1].strip()).matches()) {
                throw new SchedulerOutputException("bjobs printed a line that is not 'JOBID|INDEX|STAT|EXIT_CODE|"
                        + "EXIT_REASON' ('" + raw + "')", stdout);
            }
            LsfStates.Mapped m = LsfStates.map(f[2].strip(), f[3], f[4]);
            if (m == null) {
                throw new SchedulerOutputException("bjobs printed no job state in line '" + raw + "'", stdout);
            }
            int lsfIndex = Integer.parseInt(f[1].strip());
            out.add(new JobStatus(new JobId(f[0].strip()), lsfIndex == 0 ? null : lsfIndex - 1, m.state(),
                    m.reason(), f[2].strip(), null, LsfStates.pending(f[2].strip())));
        }
        return out;
    }

    // ------------------------------------------------------------------ cancel

    @Override
    public Command cancelCommand(Collection<JobId> jobs) {
        List<String> argv = new ArrayList<>();
        argv.add("bkill");
        argv.addAll(ids(jobs));
        return Command.of(argv);
    }

    /**
     * Exit 0, or only lines saying a job is being terminated, has already finished, or is not known
     * ("No matching job found", "is not found"): cancelled as far as hwf is concerned.
     */
    @Override
    public void checkCancel(int exitCode, String stdout, String stderr) {
        if (exitCode == 0) {
            return;
        }
        for (String line : joined(stdout, stderr).split("\\R")) {
            String l = line.toLowerCase(Locale.ROOT);
            if (!l.isBlank() && !l.contains("is being terminated") && !l.contains("is being signaled")
                    && !l.contains("has already finished") && !l.contains("no matching job found")
                    && !l.contains("is not found") && !l.contains("operation is in progress")) {
                throw new SchedulerOutputException("bkill exited " + exitCode, joined(stdout, stderr));
            }
        }
    }

    // ------------------------------------------------------------------ recovery

    /**
     * {@code bjobs -a -noheader -o "jobid job_name delimiter='|'"}: the user's jobs in all states
     * (bjobs {@code -J} takes one name only), filtered here.
     */
    @Override
    public Command findByNameCommand(Collection<String> jobNames) {
        if (jobNames.isEmpty()) {
            throw new IllegalArgumentException("no job names given");
        }
        jobNames.forEach(LsfAdapter::jobName);
        return Command.of("bjobs", "-a", "-noheader", "-o", FIND_FIELDS);
    }

    @Override
    public Map<String, JobId> parseFindByName(Collection<String> jobNames, int exitCode, String stdout,
                                              String stderr) {
        checkMessages("bjobs", exitCode, stdout, stderr);
        Map<String, JobId> found = new LinkedHashMap<>();
        for (String raw : lines(stdout)) {
            int bar = raw.indexOf('|');
            String id = bar < 0 ? "" : raw.substring(0, bar).strip();
            if (!LSF_JOB_ID.matcher(id).matches()) {
                throw new SchedulerOutputException("bjobs printed a line that is not 'JOBID|JOB_NAME' ('" + raw + "')",
                        stdout);
            }
            // an array element shows as NAME[3]
            String name = ELEMENT_SUFFIX.matcher(raw.substring(bar + 1).strip()).replaceFirst("");
            if (jobNames.contains(name)) {
                found.putIfAbsent(name, new JobId(id));
            }
        }
        return found;
    }

    // ------------------------------------------------------------------ helpers

    /**
     * stderr may hold "Job <ID> is not found" (a job LSF has forgotten) and "No job found" / "No
     * unfinished job found" (nothing to show); with only those, any exit code is an answer. Anything
     * else on stderr with a non-zero exit is an error.
     */
    private static void checkMessages(String command, int exitCode, String stdout, String stderr) {
        if (exitCode == 0 || stderr == null) {
            return;
        }
        for (String line : stderr.split("\\R")) {
            if (line.isBlank() || NOT_FOUND.matcher(line).matches() || NO_JOB.matcher(line).matches()) {
                continue;
            }
            throw new SchedulerOutputException(command + " exited " + exitCode, joined(stdout, stderr));
        }
    }

    private static List<String> lines(String stdout) {
        List<String> out = new ArrayList<>();
        if (stdout != null) {
            for (String line : stdout.split("\\R")) {
                if (!line.isBlank()) {
                    out.add(line.strip());
                }
            }
        }
        return out;
    }

    private static String bsub(String directive) {
        noControl("LSF directive", directive);
        return "#BSUB " + directive;
    }

    /** LSF's {@code -W [hours:]minutes}, rounded up to whole minutes. */
    static String walltime(long seconds) {
        long minutes = (seconds + 59) / 60;
        return String.format("%d:%02d", minutes / 60, minutes % 60);
    }

    private static String jobName(String name) {
        noControl("job name", name);
        if (!JOB_NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("job name '" + name + "' must be letters, digits, '_', '.' and '-' "
                    + "for LSF");
        }
        return name;
    }

    private static String value(String what, String v) {
        noControl(what, v);
        if (!NAME_VALUE.matcher(v).matches()) {
            throw new IllegalArgumentException(what + " '" + v + "' has characters a #BSUB line cannot carry");
        }
        return v;
    }

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
        if (dir.indexOf('%') >= 0) {
            throw new IllegalArgumentException("task directory contains a '%', which LSF reads as a pattern in -cwd "
                    + "and -o and cannot escape: " + dir);
        }
        String d = dir;
        while (d.length() > 1 && d.endsWith("/")) {
            d = d.substring(0, d.length() - 1);
        }
        return d;
    }

    private static List<String> ids(Collection<JobId> jobs) {
        return AdapterSupport.ids(jobs, LSF_JOB_ID, "not an LSF job id");
    }

    private static String joined(String stdout, String stderr) {
        return AdapterSupport.joined(stdout, stderr);
    }
}
