package dev.hwf.launcher.workflow;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One task with the workflow's {@code defaults} already applied and its partition resolved
 * (own partition, else {@code site.gpuPartition} for a GPU task, else the default partition).
 *
 * @param memoryMb        memory per node in MiB; 0 = scheduler default
 * @param walltimeSeconds wall time limit; 0 = scheduler default
 * @param env             environment in file order
 * @param array           number of array elements; 0 = not an array task
 * @param arrayLimit      at most this many elements at once; 0 = no limit
 * @param template        template path resolved against the workflow file's directory, or null
 *                        for the scheduler's default template
 * @param matrix          parameter sweep: name to values in file order; empty = no sweep. A sweep
 *                        makes the task an array of the cartesian product (see {@link #params})
 * @param launcher        distributed launcher wrapped around the command: torchrun, mpirun or srun;
 *                        null = the command runs as written
 * @param service         a long-running service that its dependants start beside once it is
 *                        ready (see {@link Service}); null = an ordinary task
 * @param pilot           packed: the elements run inside the workflow's pilot jobs, not as jobs
 *                        of their own (SPEC section 6)
 * @param secrets         environment taken from the submitting user's environment at each
 *                        submission ({@code NAME: {fromEnv: VAR}}): the job's variable to the
 *                        submitting environment's variable it is read from. Only these names are
 *                        kept; the values are written nowhere (SPEC section 6, secrets)
 * @param software        modules, setup lines and container of the command (SPEC section 6); null
 *                        or {@link Software#NONE} = none
 * @param afterEach       the tasks of {@code after} this array waits for element by element: its
 *                        element i goes once element i of each SUCCEEDED (SPEC section 6); empty =
 *                        none, and null when read from a journal written before the key existed
 * @param placement       its sites, how one is chosen, and the files it takes from and leaves for
 *                        other tasks (SPEC section 7); {@link Placement#NONE} when it says nothing,
 *                        and null when read from a journal written before the keys existed
 */
public record Task(String name, String command, List<String> after, int nodes, int ntasks, int cpus,
                   long memoryMb, long walltimeSeconds, String partition, String account, String qos,
                   Map<String, String> env, int retries, List<String> directives, String template,
                   int gpus, int array, int arrayLimit, Map<String, List<String>> matrix,
                   String launcher, Service service, boolean pilot, Map<String, String> secrets,
                   Software software, List<String> afterEach, Placement placement) {

    /**
     * What makes a task a service: the port it answers on, on the node it lands on, and an
     * optional readiness check (shell code run in the job until it exits 0; null = a TCP connect
     * to the port).
     */
    public record Service(int port, String ready) {
    }

    /**
     * Where the command's software comes from: environment modules loaded before it, shell lines
     * run after them (a virtual environment, conda), and a container image it runs in.
     *
     * @param modules   module names, loaded in this order; empty = none
     * @param setup     shell code run after the modules, before the command; null = none
     * @param container the image the command runs in; null = none
     */
    public record Software(List<String> modules, String setup, Container container) {
        public static final Software NONE = new Software(List.of(), null, null);

        public Software {
            modules = modules == null ? List.of() : List.copyOf(modules);
        }

        public boolean isEmpty() {
            return modules.isEmpty() && setup == null && container == null;
        }
    }

    /**
     * A container image and the engine that runs it.
     *
     * @param image  a path (absolute once validated) or a URI such as docker://...; for podman an
     *               image name
     * @param engine apptainer, singularity or podman
     * @param binds  extra bind mounts, {@code src[:dest[:options]]}
     */
    public record Container(String image, String engine, List<String> binds) {
        public Container {
            binds = binds == null ? List.of() : List.copyOf(binds);
        }
    }

    public Task {
        // null when read from a journal written before software environments existed
        software = software == null ? Software.NONE : software;
        afterEach = afterEach == null ? List.of() : List.copyOf(afterEach);
        placement = placement == null ? Placement.NONE : placement;
        after = List.copyOf(after);
        env = Collections.unmodifiableMap(new LinkedHashMap<>(env));
        directives = List.copyOf(directives);
        // null when read from a journal written before sweeps existed
        LinkedHashMap<String, List<String>> m = new LinkedHashMap<>();
        if (matrix != null) {
            matrix.forEach((k, v) -> m.put(k, List.copyOf(v)));
        }
        matrix = Collections.unmodifiableMap(m);
        // null when read from a journal written before secrets existed
        secrets = secrets == null ? Map.of()
                : Collections.unmodifiableMap(new LinkedHashMap<>(secrets));
    }

    /** A task on the workflow's default site that exchanges no files with other tasks. */
    public Task(String name, String command, List<String> after, int nodes, int ntasks, int cpus,
                long memoryMb, long walltimeSeconds, String partition, String account, String qos,
                Map<String, String> env, int retries, List<String> directives, String template,
                int gpus, int array, int arrayLimit, Map<String, List<String>> matrix,
                String launcher, Service service, boolean pilot, Map<String, String> secrets, Software software,
                List<String> afterEach) {
        this(name, command, after, nodes, ntasks, cpus, memoryMb, walltimeSeconds, partition, account, qos, env,
                retries, directives, template, gpus, array, arrayLimit, matrix, launcher, service, pilot, secrets,
                software, afterEach, Placement.NONE);
    }

    /** The same task with these variables added to its environment (a value given already is replaced). */
    public Task withEnv(Map<String, String> more) {
        Map<String, String> all = new LinkedHashMap<>(env);
        all.putAll(more);
        return new Task(name, command, after, nodes, ntasks, cpus, memoryMb, walltimeSeconds, partition, account, qos,
                all, retries, directives, template, gpus, array, arrayLimit, matrix, launcher, service, pilot, secrets,
                software, afterEach, placement);
    }

    /** The same task with another placement. */
    public Task withPlacement(Placement p) {
        return new Task(name, command, after, nodes, ntasks, cpus, memoryMb, walltimeSeconds, partition, account, qos,
                env, retries, directives, template, gpus, array, arrayLimit, matrix, launcher, service, pilot, secrets,
                software, afterEach, p);
    }

    /** A task that waits for no task element by element. */
    public Task(String name, String command, List<String> after, int nodes, int ntasks, int cpus,
                long memoryMb, long walltimeSeconds, String partition, String account, String qos,
                Map<String, String> env, int retries, List<String> directives, String template,
                int gpus, int array, int arrayLimit, Map<String, List<String>> matrix,
                String launcher, Service service, boolean pilot, Map<String, String> secrets, Software software) {
        this(name, command, after, nodes, ntasks, cpus, memoryMb, walltimeSeconds, partition, account, qos, env,
                retries, directives, template, gpus, array, arrayLimit, matrix, launcher, service, pilot, secrets,
                software, List.of());
    }

    /** Whether this task waits for {@code upstream} element by element ({@code afterEach}). */
    public boolean elementWise(String upstream) {
        return afterEach.contains(upstream);
    }

    /** A task without secrets, modules, setup or container. */
    public Task(String name, String command, List<String> after, int nodes, int ntasks, int cpus,
                long memoryMb, long walltimeSeconds, String partition, String account, String qos,
                Map<String, String> env, int retries, List<String> directives, String template,
                int gpus, int array, int arrayLimit, Map<String, List<String>> matrix,
                String launcher, Service service, boolean pilot) {
        this(name, command, after, nodes, ntasks, cpus, memoryMb, walltimeSeconds, partition, account, qos, env,
                retries, directives, template, gpus, array, arrayLimit, matrix, launcher, service, pilot, Map.of(),
                Software.NONE);
    }

    /** How a secret shows wherever hwf prints a task's environment: never its value. */
    public static String secretShown(String variable) {
        return "<from $" + variable + ">";
    }

    /** The task's environment as hwf shows it (status, report): values, and each secret as {@code <from $VAR>}. */
    public Map<String, String> shownEnv() {
        Map<String, String> shown = new LinkedHashMap<>(env);
        secrets.forEach((name, variable) -> shown.put(name, secretShown(variable)));
        return shown;
    }

    /** A task that is not packed into pilots. */
    public Task(String name, String command, List<String> after, int nodes, int ntasks, int cpus,
                long memoryMb, long walltimeSeconds, String partition, String account, String qos,
                Map<String, String> env, int retries, List<String> directives, String template,
                int gpus, int array, int arrayLimit, Map<String, List<String>> matrix,
                String launcher, Service service) {
        this(name, command, after, nodes, ntasks, cpus, memoryMb, walltimeSeconds, partition, account, qos, env,
                retries, directives, template, gpus, array, arrayLimit, matrix, launcher, service, false);
    }

    /** A task without a parameter sweep. */
    public Task(String name, String command, List<String> after, int nodes, int ntasks, int cpus,
                long memoryMb, long walltimeSeconds, String partition, String account, String qos,
                Map<String, String> env, int retries, List<String> directives, String template,
                int gpus, int array, int arrayLimit) {
        this(name, command, after, nodes, ntasks, cpus, memoryMb, walltimeSeconds, partition, account, qos, env,
                retries, directives, template, gpus, array, arrayLimit, Map.of(), null, null);
    }

    /** A task with a parameter sweep and no launcher. */
    public Task(String name, String command, List<String> after, int nodes, int ntasks, int cpus,
                long memoryMb, long walltimeSeconds, String partition, String account, String qos,
                Map<String, String> env, int retries, List<String> directives, String template,
                int gpus, int array, int arrayLimit, Map<String, List<String>> matrix) {
        this(name, command, after, nodes, ntasks, cpus, memoryMb, walltimeSeconds, partition, account, qos, env,
                retries, directives, template, gpus, array, arrayLimit, matrix, null, null);
    }

    /** A task that is not a service. */
    public Task(String name, String command, List<String> after, int nodes, int ntasks, int cpus,
                long memoryMb, long walltimeSeconds, String partition, String account, String qos,
                Map<String, String> env, int retries, List<String> directives, String template,
                int gpus, int array, int arrayLimit, Map<String, List<String>> matrix, String launcher) {
        this(name, command, after, nodes, ntasks, cpus, memoryMb, walltimeSeconds, partition, account, qos, env,
                retries, directives, template, gpus, array, arrayLimit, matrix, launcher, null);
    }

    public boolean isService() {
        return service != null;
    }

    /**
     * The variable a dependant of service {@code name} finds its endpoint in:
     * {@code HWF_SERVICE_<NAME>_URL}, the name upper-cased with every other character than
     * letters, digits and '_' made '_'.
     */
    public static String serviceUrlVariable(String name) {
        return "HWF_SERVICE_" + name.toUpperCase(Locale.ROOT).replaceAll("[^A-Z0-9_]", "_") + "_URL";
    }

    /** Processes the launcher starts per node: the GPUs per node, else the task's processes per node. */
    public int procsPerNode() {
        return gpus > 0 ? gpus : Math.max(1, ntasks / nodes);
    }

    public boolean isSweep() {
        return !matrix.isEmpty();
    }

    /** Elements of a sweep of these dimensions: the product of the value counts. */
    public static int sweepSize(Map<String, List<String>> matrix) {
        long n = 1;
        for (List<String> values : matrix.values()) {
            n *= values.size();
            if (n > Integer.MAX_VALUE) {
                return Integer.MAX_VALUE;
            }
        }
        return (int) n;
    }

    /**
     * The parameters of sweep element {@code index}, in matrix order. Elements enumerate the
     * cartesian product with the first key varying slowest and the last key fastest, so
     * {@code {lr: [0.1, 0.01], seed: [1, 2, 3]}} gives index 0 = lr 0.1 seed 1, 1 = lr 0.1 seed 2,
     * ..., 3 = lr 0.01 seed 1. Empty for a task without a sweep.
     */
    public Map<String, String> params(int index) {
        Map<String, String> out = new LinkedHashMap<>();
        if (matrix.isEmpty()) {
            return out;
        }
        int rest = index;
        List<String> names = List.copyOf(matrix.keySet());
        String[] picked = new String[names.size()];
        for (int i = names.size() - 1; i >= 0; i--) {
            List<String> values = matrix.get(names.get(i));
            picked[i] = values.get(rest % values.size());
            rest /= values.size();
        }
        for (int i = 0; i < names.size(); i++) {
            out.put(names.get(i), picked[i]);
        }
        return out;
    }

    public boolean isArray() {
        return array > 0;
    }

    public boolean isGpu() {
        return gpus > 0;
    }

    /** Elements hwf tracks for this task: the array size, or 1 for a plain task. */
    public int elementCount() {
        return array > 0 ? array : 1;
    }
}
