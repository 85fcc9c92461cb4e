package dev.hwf.launcher.workflow.rules;

import static dev.hwf.launcher.workflow.rules.FieldReader.absent;
import static dev.hwf.launcher.workflow.rules.FieldReader.join;

import dev.hwf.api.NodeLaunch;
import dev.hwf.api.SchedulerAdapter;
import dev.hwf.launcher.workflow.Durations;
import dev.hwf.launcher.workflow.Pilot;
import dev.hwf.launcher.workflow.Task;
import dev.hwf.launcher.workflow.YamlTree.MapNode;
import dev.hwf.launcher.workflow.YamlTree.Node;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code pilot:}, the allocations packed tasks ({@code pilot: true}) run in, and the packed
 * tasks checked against it: each element must fit one slot of a pilot node.
 */
public final class PilotRules {
    private final FieldReader read;
    private final Node node;
    private final SchedulerAdapter adapter;
    private final Pilot pilot;

    /**
     * Reads {@code pilot:}, reporting what is wrong.
     *
     * @param node    the section; null when the workflow has none
     * @param adapter the scheduler's, or null when the scheduler is unknown (which is reported)
     */
    public PilotRules(FieldReader read, Node node, SchedulerAdapter adapter) {
        this.read = read;
        this.node = node;
        this.adapter = adapter;
        this.pilot = readPilot(new SettingsReader(read));
    }

    /** The pilots; null when absent (or wrong, which is reported). */
    public Pilot pilot() {
        return pilot;
    }

    private Pilot readPilot(SettingsReader settings) {
        MapNode m = read.map(node, "pilot", "a map, e.g. { jobs: 2, cpus: 8, walltime: 01:00:00 }");
        if (m == null) {
            return null;
        }
        read.checkKeys(m, "pilot", KeyTable.PILOT);
        Settings f = new Settings();
        settings.read(m, "pilot", f);
        Integer jobs = read.integer(m.value("jobs"), "pilot.jobs", 1);
        Integer idle = read.integer(m.value("idle"), "pilot.idle", 1);
        int nodes = f.nodes == null ? 1 : f.nodes;
        if (adapter != null && nodes > 1 && adapter.nodeLaunch(nodes) instanceof NodeLaunch.OneNodeOnly) {
            read.at(m.value("nodes"), "pilot.nodes", "the " + adapter.name() + " scheduler runs on this one machine; "
                    + "use nodes: 1 for its pilots");
        }
        return new Pilot(jobs == null ? 1 : jobs, nodes, f.cpus == null ? 1 : f.cpus, f.gpus == null ? 0 : f.gpus,
                f.memoryMb == null ? 0 : f.memoryMb, f.walltime == null ? 0 : f.walltime, f.partition, f.account,
                f.qos, f.directives == null ? List.of() : f.directives, idle == null ? 120 : idle);
    }

    /** A packed task's elements must each fit one slot of a pilot node. */
    public void checkPacked(Task t, ParsedTask p) {
        if (pilot != null && Pilot.TASK.equals(t.name())) {
            read.at(p.namePos(), join(p.path(), "name"), "the name " + Pilot.TASK + " is taken by the pilot jobs hwf"
                    + " adds; rename this task");
        }
        if (!t.pilot()) {
            return;
        }
        Node at = p.settings().pilotNode;
        String key = join(p.path(), "pilot");
        if (pilot == null) {
            if (absent(node)) {
                read.at(at, key, "needs a pilot: block at the top of the workflow (the allocations packed elements"
                        + " run in), e.g. pilot: { jobs: 2, cpus: 8, walltime: 01:00:00 }");
            }
            return;
        }
        if (t.nodes() > 1 || t.ntasks() > 1) {
            read.at(at, key, "a packed element runs as one process on one node of a pilot; leave nodes and ntasks"
                    + " at 1");
        }
        if (t.cpus() > pilot.cpus()) {
            read.at(at, key, "an element needs " + t.cpus() + " cores (cpus) but a pilot node offers " + pilot.cpus()
                    + " (pilot.cpus); raise pilot.cpus or lower the task's cpus");
        }
        if (t.gpus() > pilot.gpus()) {
            read.at(at, key, "an element needs " + t.gpus() + " GPUs but a pilot node offers " + pilot.gpus()
                    + " (pilot.gpus); raise pilot.gpus or lower the task's gpus");
        }
        if (pilot.walltimeSeconds() > 0 && t.walltimeSeconds() > pilot.walltimeSeconds()) {
            read.at(at, key, "an element may run " + Durations.format(t.walltimeSeconds()) + " (walltime) but a pilot"
                    + " runs " + Durations.format(pilot.walltimeSeconds()) + " (pilot.walltime): no pilot could be sure"
                    + " to run one to its end; raise pilot.walltime or lower the task's walltime");
        }
        if (t.launcher() != null || t.template() != null || t.arrayLimit() > 0) {
            read.at(at, key, "a packed task runs its command in a pilot's slot: it takes no launcher, template or "
                    + "arrayLimit (the pilots' slots limit it)");
        }
        long cores = (long) pilot.jobs() * pilot.nodes() * pilot.cpus();
        if (t.isService() && cores < Math.max(1, t.cpus()) + 1) {
            read.at(at, key, "a packed service holds a pilot slot while its dependants run: the pilots need more"
                    + " cores than it takes (pilot.jobs x pilot.nodes x pilot.cpus = " + cores + "; it takes "
                    + Math.max(1, t.cpus()) + ")");
        }
    }

    /** Pilots nothing runs in are an error: they would hold their allocations for nothing. */
    public void checkUsed(List<Task> tasks) {
        if (pilot != null && tasks.stream().noneMatch(Task::pilot)) {
            read.at(node, "pilot", "no task has pilot: true; mark the tasks whose elements run inside the pilots, "
                    + "or leave pilot out");
        }
    }

    /**
     * The secrets the pilot jobs carry: those of every packed task, whose elements run in the
     * pilots' agents and get their environment. A name two packed tasks read from different
     * variables, or secrets in multi-node pilots whose nodes would read them from a file, are errors.
     */
    public Map<String, String> packedSecrets(List<Task> tasks) {
        Map<String, String> secrets = new LinkedHashMap<>();
        Map<String, String> from = new LinkedHashMap<>();
        for (Task t : tasks) {
            if (!t.pilot()) {
                continue;
            }
            t.secrets().forEach((name, variable) -> {
                String had = secrets.putIfAbsent(name, variable);
                if (had != null && !had.equals(variable)) {
                    read.at(node, "pilot", "packed tasks " + from.get(name) + " and " + t.name() + " both set "
                            + name + " but from different variables (" + had + ", " + variable + "); the pilots'"
                            + " agents hold one environment: read it from one variable");
                }
                from.putIfAbsent(name, t.name());
            });
        }
        if (!secrets.isEmpty() && pilot.nodes() > 1 && adapter != null
                && adapter.nodeLaunch(pilot.nodes()) instanceof NodeLaunch.FromLaunchFile) {
            read.at(node, "pilot.nodes", "on " + adapter.name() + " the agents of a pilot over several nodes get"
                    + " their variables from a file, and packed tasks read secrets (" + String.join(", ",
                    secrets.keySet()) + ") that are never written to a file; use nodes: 1 for the pilots");
        }
        return secrets;
    }
}
