package dev.hwf.launcher.render;

import dev.hwf.api.JobRequest;
import dev.hwf.api.SchedulerAdapter;
import dev.hwf.launcher.exec.FileModes;
import dev.hwf.launcher.exec.SiteFiles;
import dev.hwf.launcher.local.LocalAdapter;
import dev.hwf.launcher.workflow.NamedSite;
import dev.hwf.launcher.workflow.Pilot;
import dev.hwf.launcher.workflow.Placement;
import dev.hwf.launcher.workflow.Task;
import dev.hwf.launcher.workflow.Workflow;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.function.Function;
import java.util.Locale;
import java.util.Map;
import java.util.stream.IntStream;

/**
 * The job scripts of one run: for a task attempt, its job name, task directory, script path, the
 * adapter's {@link JobRequest} and the rendered script. The one place scripts are made, for
 * {@code hwf render}, {@code --dry-run}, a run's render step (first attempts) and submission
 * (every attempt).
 */
public final class JobScripts {
    private final Workflow workflow;
    private final String runId;
    private final String workdir;
    private final SchedulerAdapter adapter;
    private final NamedSite site;
    private final Function<NamedSite, String> workdirs;

    /**
     * Scripts for the workflow's default site (its only one, without {@code sites:}).
     *
     * @param workdir the work directory, resolved on the machine the jobs run on; a run's files lie
     *                in {@code <workdir>/<runId>}
     */
    public JobScripts(Workflow workflow, String runId, String workdir, SchedulerAdapter adapter) {
        this(workflow, runId, adapter, workflow.defaultNamedSite(), s -> workdir);
    }

    /**
     * Scripts for jobs on {@code site} (SPEC section 7).
     *
     * @param workdirs each site's work directory, resolved on that site: where the jobs of {@code site}
     *                 run, and where an upstream on the same site left its files ({@code HWF_INPUT_<TASK>})
     */
    public JobScripts(Workflow workflow, String runId, SchedulerAdapter adapter, NamedSite site,
                      Function<NamedSite, String> workdirs) {
        this.workflow = workflow;
        this.runId = runId;
        this.workdir = workdirs.apply(site);
        this.adapter = adapter;
        this.site = site;
        this.workdirs = workdirs;
    }

    /**
     * {@code HWF_INPUT_<TASK>} for each task a task takes inputs from: the upstream's directory where
     * it ran on the same site, else the task's own directory, where hwf copies the inputs.
     */
    Map<String, String> inputDirs(Task task, String ownDir) {
        Map<String, String> out = new LinkedHashMap<>();
        for (Placement.Input in : task.placement().inputs()) {
            List<NamedSite> theirs = workflow.sitesOf(workflow.task(in.from()));
            boolean same = theirs.size() == 1 && theirs.get(0).equals(site);
            out.put(inputVariable(in.from()), same ? RunLayout.taskDir(workdirs.apply(site), runId, in.from()) : ownDir);
        }
        return out;
    }

    /** The variable a task finds an upstream's files in: {@code HWF_INPUT_<NAME>}, as service variables are named. */
    public static String inputVariable(String upstream) {
        return "HWF_INPUT_" + upstream.toUpperCase(Locale.ROOT).replaceAll("[^A-Z0-9_]", "_");
    }

    /**
     * A task's first attempt: every element, no service endpoints known yet, and its upstream elements
     * checked as in their first attempts (submission renders the script again with the attempts the
     * journal holds then).
     */
    public Script first(Task task) {
        return new Script(task, 1, IntStream.range(0, task.elementCount()).boxed().toList(), Map.of(), 0,
                firstAttempts(task));
    }

    /**
     * A task's first attempt as it defines the task: {@link #first} without the upstream check, whose
     * attempt numbers say where the upstream ran, not what the task does.
     */
    public Script definition(Task task) {
        return attempt(task, 1, IntStream.range(0, task.elementCount()).boxed().toList(), Map.of());
    }

    /** The upstream elements a task checks before its command, each as in its first attempt. */
    private UpstreamCheck firstAttempts(Task task) {
        return UpstreamCheck.of(workflow, task, up -> RunLayout.taskDir(workdir, runId, up), up -> {
            int[] first = new int[workflow.task(up).elementCount()];
            Arrays.fill(first, 1);
            return first;
        });
    }

    /**
     * The upstream tasks whose elements a task's job checks before its command: those it runs after
     * (whole, or element by element), less services (a dependant uses a running service; it does not
     * wait for it to end) and the pilot jobs.
     */
    public static List<String> checkedUpstream(Workflow workflow, Task task) {
        LinkedHashSet<String> names = new LinkedHashSet<>(task.after());
        names.addAll(task.afterEach());
        List<String> out = new ArrayList<>();
        for (String up : names) {
            Task u = workflow.task(up);
            // an upstream on another site leaves its files there: hwf releases the task once the
            // journal holds it SUCCEEDED and its inputs are copied, and the job has nothing to read
            boolean sameSite = workflow.sitesOf(u).size() == 1 && workflow.sitesOf(u).equals(workflow.sitesOf(task));
            if (!u.isService() && !(workflow.pilot() != null && Pilot.TASK.equals(up)) && sameSite) {
                out.add(up);
            }
        }
        return out;
    }

    /**
     * One attempt of a task. Nothing is rendered until {@link Script#text()} or
     * {@link Script#write(SiteFiles)} is called.
     *
     * @param indices     the elements the attempt runs (ignored for a task that is no array)
     * @param serviceUrls host:port of the services the task names in after that are ready now, by name
     */
    public Script attempt(Task task, int attempt, List<Integer> indices, Map<String, String> serviceUrls) {
        return attempt(task, attempt, indices, serviceUrls, 0);
    }

    /**
     * One attempt that is one of several array jobs of a task: the scheduler sees the indices less
     * {@code indexOffset}, and the script adds it back to make HWF_ARRAY_INDEX the element index.
     */
    public Script attempt(Task task, int attempt, List<Integer> indices, Map<String, String> serviceUrls,
                          int indexOffset) {
        return attempt(task, attempt, indices, serviceUrls, indexOffset, UpstreamCheck.NONE);
    }

    /** The same, with the upstream elements its job checks before the command runs. */
    public Script attempt(Task task, int attempt, List<Integer> indices, Map<String, String> serviceUrls,
                          int indexOffset, UpstreamCheck upstream) {
        return new Script(task, attempt, indices, serviceUrls, indexOffset, upstream);
    }

    private SchedulerAdapter adapterFor(Task task) {
        // a packed element's script is made as the local scheduler's (see Agent), with a service
        // among them reached on its pilot's node as the cluster's adapter says
        return task.pilot() ? new LocalAdapter(adapter.serviceHostExpression()) : adapter;
    }

    /** The adapter's view of one submission of a task. */
    public static JobRequest request(Task t, String jobName, String taskDir, List<Integer> indices,
                                     SchedulerAdapter adapter) {
        return request(t, jobName, taskDir, indices, adapter, null);
    }

    /**
     * The same on a site whose {@code gpuPartition} a GPU task without a partition of its own goes
     * to (one placed among several sites: validation left its partition to the chosen site).
     */
    public static JobRequest request(Task t, String jobName, String taskDir, List<Integer> indices,
                                     SchedulerAdapter adapter, String gpuPartition) {
        String partition = t.partition() == null && t.isGpu() ? gpuPartition : t.partition();
        return new JobRequest(jobName, taskDir, t.nodes(), t.ntasks(), t.cpus(), t.memoryMb(), t.walltimeSeconds(),
                partition, t.account(), t.qos(), t.gpus(), t.isArray() ? indices : List.of(), t.arrayLimit(),
                t.directives(), adapter.requestExtra());
    }

    /** One task attempt's script: its names, its request, and its text on demand. */
    public final class Script {
        private final Task task;
        private final int attempt;
        private final String jobName;
        private final String taskDir;
        private final JobRequest request;
        private final Map<String, String> serviceUrls;
        private final int indexOffset;
        private final UpstreamCheck upstream;

        private Script(Task task, int attempt, List<Integer> indices, Map<String, String> serviceUrls,
                       int indexOffset, UpstreamCheck upstream) {
            this.task = task;
            this.attempt = attempt;
            this.jobName = RunLayout.jobName(runId, task.name(), attempt);
            this.taskDir = RunLayout.taskDir(workdir, runId, task.name());
            this.request = JobScripts.request(task, jobName, taskDir,
                    indices.stream().map(i -> i - indexOffset).toList(), adapterFor(task), site.site().gpuPartition());
            this.serviceUrls = Map.copyOf(serviceUrls);
            this.indexOffset = indexOffset;
            this.upstream = upstream;
        }

        /** Whether the job checks upstream elements before its command runs. */
        public boolean checksUpstream() {
            return !upstream.isEmpty();
        }

        public String jobName() {
            return jobName;
        }

        public String taskDir() {
            return taskDir;
        }

        /** Where the script is written: {@code <taskDir>/job.<attempt>.sh}. */
        public String path() {
            return RunLayout.scriptPath(taskDir, attempt);
        }

        public JobRequest request() {
            return request;
        }

        /** The rendered script, from the task's template (its own, else the scheduler's). */
        public String text() {
            // a packed element runs in a pilot's slot (templates/packed.sh): no directives, its index
            // in the environment the agent gives it, its logs and exit code file the agent's to write
            Task withInputs = task.placement().inputs().isEmpty() ? task : task.withEnv(inputDirs(task, taskDir));
            return ScriptRenderer.render(ScriptRenderer.template(task, task.pilot() ? "packed"
                    : site.scheduler()), withInputs, adapterFor(task),
                    new ScriptRenderer.Context(workflow.name(), runId, attempt, taskDir, request,
                            workflow.serviceDependants().keySet(), serviceUrls, indexOffset,
                            FileModes.of(site.site().sharedWithGroup()).umask(), upstream));
        }

        /** Creates the task directory, renders the script and writes it there, executable. */
        public void write(SiteFiles files) {
            files.mkdirs(taskDir);
            files.write(path(), text(), true);
        }
    }
}
