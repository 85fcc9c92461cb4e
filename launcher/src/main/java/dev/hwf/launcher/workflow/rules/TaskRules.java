package dev.hwf.launcher.workflow.rules;

import static dev.hwf.launcher.workflow.rules.FieldReader.absent;
import static dev.hwf.launcher.workflow.rules.FieldReader.alreadyReported;
import static dev.hwf.launcher.workflow.rules.FieldReader.join;

import dev.hwf.api.NodeLaunch;
import dev.hwf.api.SchedulerAdapter;
import dev.hwf.launcher.workflow.Task;
import dev.hwf.launcher.workflow.Text;
import dev.hwf.launcher.workflow.YamlTree.ListNode;
import dev.hwf.launcher.workflow.YamlTree.MapNode;
import dev.hwf.launcher.workflow.YamlTree.Node;
import dev.hwf.launcher.workflow.YamlTree.Scalar;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The rules of one task and of {@code defaults}: a task's own keys (name, command, arrays,
 * launcher, service, template, software), read into a {@link ParsedTask}, and the task built
 * from it with the defaults applied.
 */
public final class TaskRules {
    static final List<String> LAUNCHERS = List.of("torchrun", "mpirun", "srun");

    private final FieldReader read;
    private final Path baseDir;
    private final SettingsReader settings;
    private final SweepRules sweeps;
    private final SoftwareRules software;

    /**
     * @param baseDir the workflow file's directory: relative template and image paths are read from it
     * @param remote  the jobs run on a cluster reached over SSH (image paths are the cluster's)
     */
    public TaskRules(FieldReader read, Path baseDir, boolean remote) {
        this.read = read;
        this.baseDir = baseDir;
        this.settings = new SettingsReader(read);
        this.sweeps = new SweepRules(read);
        this.software = new SoftwareRules(read, baseDir, remote);
    }

    /** {@code defaults:}, the settings every task gets where it is silent; empty when absent. */
    public Settings defaults(Node node) {
        Settings defaults = new Settings();
        MapNode m = read.map(node, "defaults", "a map of task settings");
        if (m != null) {
            read.checkKeys(m, "defaults", KeyTable.DEFAULTS);
            settings.read(m, "defaults", defaults);
            defaults.software = software.read(m, "defaults");
        }
        return defaults;
    }

    /** Every task of {@code tasks:}, each read from its own keys; none when the list is missing or wrong. */
    public List<ParsedTask> parse(MapNode root) {
        Node tasksNode = root.value("tasks");
        if (absent(tasksNode)) {
            read.at(tasksNode == null ? root.pos() : tasksNode.pos(), "tasks",
                    "missing; a workflow needs a list of tasks, each with a name and a command");
            return List.of();
        }
        ListNode list = read.list(tasksNode, "tasks", "a list of tasks (each item starts with '- name: ...')");
        if (list == null) {
            return List.of();
        }
        if (list.items().isEmpty()) {
            read.at(list, "tasks", "is empty; a workflow needs at least one task");
            return List.of();
        }
        Map<String, ParsedTask> seen = new LinkedHashMap<>();
        List<ParsedTask> parsed = new ArrayList<>();
        for (int i = 0; i < list.items().size(); i++) {
            ParsedTask p = task(list.items().get(i), i, seen);
            if (p != null) {
                parsed.add(p);
                if (p.name() != null) {
                    seen.putIfAbsent(p.name(), p);
                }
            }
        }
        return parsed;
    }

    /** One task's own keys; null when it is no map. {@code seen}: the tasks before it, by name. */
    private ParsedTask task(Node node, int index, Map<String, ParsedTask> seen) {
        String indexPath = "tasks[" + index + "]";
        MapNode m = read.map(node, indexPath, "a task (a map with name, command, ...)");
        if (m == null) {
            if (absent(node)) {
                read.at(node, indexPath, "empty task; a task needs a name and a command");
            }
            return null;
        }
        // Problems name the task by name when it has a usable one: tasks.train.walltime.
        Node nameNode = m.value("name");
        String path = indexPath;
        if (nameNode instanceof Scalar s && !s.isNull() && Names.NAME.matcher(s.text()).matches()
                && !seen.containsKey(s.text())) {
            path = "tasks." + s.text();
        }
        read.checkKeys(m, path, KeyTable.TASK);

        String name = null;
        if (absent(nameNode)) {
            read.at(nameNode == null ? m.pos() : nameNode.pos(), join(path, "name"),
                    "missing; every task needs a name (" + Names.NAME_RULE + ")");
        } else {
            name = read.matching(nameNode, join(path, "name"), Names.NAME, Names.NAME_RULE, "task name");
            if (name != null && seen.containsKey(name)) {
                read.at(nameNode, join(path, "name"), "task name " + Text.show(name) + " is already used by "
                        + seen.get(name).path() + " (line " + seen.get(name).namePos().line()
                        + "); names must be unique");
            }
        }

        Node commandNode = m.value("command");
        String command = command(commandNode, m, join(path, "command"));

        List<String> after = new ArrayList<>();
        List<Node> afterNodes = new ArrayList<>();
        taskNames(m, path, "after", after, afterNodes);
        List<String> afterEach = new ArrayList<>();
        List<Node> afterEachNodes = new ArrayList<>();
        taskNames(m, path, "afterEach", afterEach, afterEachNodes);

        Settings f = new Settings();
        settings.read(m, path, f);
        f.software = software.read(m, path);
        f.array = read.integer(m.value("array"), join(path, "array"), 0);
        f.arrayLimit = read.integer(m.value("arrayLimit"), join(path, "arrayLimit"), 1);
        Node arrayNode = m.value("array");
        Node matrixNode = m.value("matrix");
        f.matrix = sweeps.matrix(matrixNode, join(path, "matrix"));
        f.launcherNode = m.value("launcher");
        f.launcher = read.choice(f.launcherNode, join(path, "launcher"), LAUNCHERS);
        f.commandNode = commandNode;
        if (!absent(matrixNode) && !absent(arrayNode)) {
            read.at(arrayNode, join(path, "array"), "a task with a matrix is an array of one element per"
                    + " combination; leave array out (arrayLimit still applies)");
        }
        if (f.arrayLimit != null && absent(arrayNode) && absent(matrixNode)
                || f.arrayLimit != null && f.array != null && f.array == 0) {
            read.at(m.value("arrayLimit"), join(path, "arrayLimit"),
                    "only means something for an array task; give array: N (N >= 1) as well");
        }
        service(m, path, f);
        f.pilotNode = m.value("pilot");
        f.pilot = Boolean.TRUE.equals(read.bool(f.pilotNode, join(path, "pilot")));
        Node templateNode = m.value("template");
        String template = read.oneLine(templateNode, join(path, "template"), "template path");
        if (template != null) {
            f.template = resolveTemplate(template, templateNode, join(path, "template"));
        }
        return new ParsedTask(name, nameNode == null ? m.pos() : nameNode.pos(), path, command, after, afterNodes, f,
                afterEach, afterEachNodes, m);
    }

    /** The task's shell code; null when missing or wrong (which is reported). */
    private String command(Node node, MapNode task, String key) {
        if (absent(node)) {
            read.at(node == null ? task.pos() : node.pos(), key,
                    "missing; every task needs a command (shell code run by bash)");
            return null;
        }
        String command = read.text(node, key, "a command (text run by bash)");
        if (command != null && command.isBlank()) {
            read.at(node, key, "must not be blank");
            return null;
        } else if (command != null && command.indexOf('\0') >= 0) {
            read.at(node, key, "contains a NUL character, which a script cannot hold");
            return null;
        }
        return command;
    }

    /** The task names listed under the task's {@code field} (after, afterEach), each once, with their nodes. */
    private void taskNames(MapNode m, String path, String field, List<String> names, List<Node> nodes) {
        String key = join(path, field);
        ListNode list = read.list(m.value(field), key, "a list of task names, e.g. [simulate]");
        if (list == null) {
            return;
        }
        read.eachItem(list, key, "empty entry; name a task", (item, itemKey) -> {
            String dep = read.text(item, itemKey, "a task name");
            if (dep != null && !names.contains(dep)) {
                names.add(dep);
                nodes.add(item);
            }
        });
    }

    /** service: true with port: N and an optional ready: check; port and ready only with it. */
    private void service(MapNode m, String path, Settings f) {
        Node serviceNode = m.value("service");
        Node portNode = m.value("port");
        Node readyNode = m.value("ready");
        boolean service = false;
        if (!absent(serviceNode) && !alreadyReported(serviceNode)) {
            Boolean given = read.bool(serviceNode, join(path, "service"));
            if (given == null) {
                return; // port and ready cannot be judged without it
            }
            service = given;
        }
        Integer port = read.port(portNode, join(path, "port"));
        String ready = read.text(readyNode, join(path, "ready"), "a readiness check (shell code run by bash)");
        if (ready != null && (ready.isBlank() || ready.indexOf('\0') >= 0)) {
            read.at(readyNode, join(path, "ready"), "must be shell code that exits 0 once the service answers");
            ready = null;
        }
        if (!service) {
            for (String key : List.of("port", "ready")) {
                Node n = m.value(key);
                if (!absent(n)) {
                    read.at(n, join(path, key), "only means something for a service; add service: true");
                }
            }
            return;
        }
        f.serviceNode = serviceNode;
        if (absent(portNode)) {
            read.at(serviceNode, join(path, "port"), "missing; a service needs port: N, the TCP port it answers on "
                    + "(its dependants find it at host:port in HWF_SERVICE_<NAME>_URL)");
        } else if (port != null) {
            f.service = new Task.Service(port, ready);
        }
        for (String key : List.of("array", "matrix")) {
            Node n = m.value(key);
            if (!absent(n)) {
                read.at(n, join(path, key), "a service is one job that its dependants share; it cannot be an array");
            }
        }
    }

    private String resolveTemplate(String template, Node node, String key) {
        try {
            // Templates are read on this machine, so ~ is this user's home, as a shell would read it.
            Path p = LocalPaths.resolve(baseDir, template);
            if (!Files.exists(p)) {
                read.at(node, key, "template file not found: " + Text.show(p.toString()));
                return null;
            }
            if (!Files.isRegularFile(p)) {
                read.at(node, key, "template is not a regular file: " + Text.show(p.toString()));
                return null;
            }
            return p.toString();
        } catch (InvalidPathException e) {
            read.at(node, key, Text.show(template) + " is not a valid path: " + e.getReason());
            return null;
        }
    }

    /**
     * What a launcher needs, checked on the task with its defaults applied: a one-line command (it
     * is appended to the launch line), whole processes per node, and a scheduler that can start it
     * on every node (see DistributedLaunch in the renderer), as its adapter says.
     *
     * @param adapter null when the scheduler is unknown (which is reported)
     */
    public void checkLauncher(Task t, ParsedTask p, SchedulerAdapter adapter) {
        if (t.launcher() == null) {
            return;
        }
        String key = join(p.path(), "launcher");
        Node at = p.settings().launcherNode;
        if (t.command().strip().contains("\n") || t.command().contains("\r")) {
            read.at(p.settings().commandNode, join(p.path(), "command"), "with launcher: " + t.launcher()
                    + " the command is the program and its arguments that " + t.launcher() + " starts, so it must"
                    + " be one line");
        }
        if (t.gpus() == 0 && t.ntasks() % t.nodes() != 0) {
            read.at(at, key, "ntasks (" + t.ntasks() + ") must be a multiple of nodes (" + t.nodes()
                    + ") so every node starts the same number of processes");
        }
        if (adapter == null) {
            return; // the scheduler is unknown, which is reported already
        }
        String scheduler = adapter.name();
        if ("srun".equals(t.launcher()) && !adapter.offersSrun()) {
            read.at(at, key, "srun starts processes only on Slurm; use mpirun or torchrun on " + scheduler);
        }
        if ("torchrun".equals(t.launcher()) && t.nodes() > 1
                && adapter.nodeLaunch(t.nodes()) instanceof NodeLaunch.OneNodeOnly) {
            read.at(at, key, "the " + scheduler + " scheduler runs on this one machine; use nodes: 1 with torchrun"
                    + " on " + scheduler);
        }
        if ("torchrun".equals(t.launcher()) && t.nodes() > 1 && !t.secrets().isEmpty()
                && adapter.nodeLaunch(t.nodes()) instanceof NodeLaunch.FromLaunchFile) {
            read.at(at, key, "on " + scheduler + " a torchrun over several nodes gets its variables from a file in"
                    + " the task directory, and a secret (env " + String.join(", ", t.secrets().keySet()) + ") is"
                    + " never written to a file; use launcher: mpirun, or one node");
        }
    }

    /**
     * The task with {@code d}, the defaults, applied where its own keys are silent.
     *
     * @param gpuPartition the partition of a GPU task that names none (its site's {@code gpuPartition}),
     *                     or null
     */
    public Task build(ParsedTask p, Settings d, String gpuPartition) {
        Settings t = p.settings();
        int gpus = first(t.gpus, d.gpus, 0);
        String partition;
        if (t.partition != null) {
            partition = t.partition;
        } else if (gpus > 0 && gpuPartition != null) {
            partition = gpuPartition;
        } else {
            partition = d.partition;
        }
        Map<String, String> env = new LinkedHashMap<>();
        Map<String, String> secrets = new LinkedHashMap<>();
        for (Settings f : List.of(d, t)) { // the task's own value wins, plain or secret
            if (f.env != null) {
                f.env.forEach((name, value) -> {
                    secrets.remove(name);
                    env.put(name, value);
                });
                f.secrets.forEach((name, variable) -> {
                    env.remove(name);
                    secrets.put(name, variable);
                });
            }
        }
        List<String> directives = t.directives != null ? t.directives
                : d.directives != null ? d.directives : List.of();
        List<String> upstream = new ArrayList<>(p.after());
        upstream.addAll(p.afterEach()); // every upstream task is in after; afterEach says which wait element-wise
        return new Task(p.name(), p.command(), upstream, first(t.nodes, d.nodes, 1), first(t.ntasks, d.ntasks, 1),
                first(t.cpus, d.cpus, 1), first(t.memoryMb, d.memoryMb, 0L), first(t.walltime, d.walltime, 0L),
                partition, t.account != null ? t.account : d.account, t.qos != null ? t.qos : d.qos, env,
                first(t.retries, d.retries, 0), directives, t.template, gpus, t.elements(),
                first(t.arrayLimit, null, 0), t.matrix != null ? t.matrix : Map.of(), t.launcher, t.service, t.pilot,
                secrets, t.software.over(d.software), p.afterEach());
    }

    private static <T> T first(T own, T fallback, T otherwise) {
        return own != null ? own : fallback != null ? fallback : otherwise;
    }
}
