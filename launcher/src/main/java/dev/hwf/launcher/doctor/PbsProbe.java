package dev.hwf.launcher.doctor;

import dev.hwf.api.Command;
import dev.hwf.api.Output;
import dev.hwf.api.SchedulerAdapter;
import dev.hwf.api.SchedulerOutputException;
import dev.hwf.launcher.Json;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * PBS in its two flavors. PBS Pro (OpenPBS): {@code qstat --version}, queues from
 * {@code qstat -Qf -F json} with the GPUs ({@code resources_available.ngpus}) of the nodes bound to
 * each queue from {@code pbsnodes -a -F json}, and job history ({@code job_history_enable}, which
 * {@code qstat -x} needs) from {@code qstat -Bf -F json}. Torque: {@code qstat -Q}'s table and
 * {@code pbsnodes -a}'s {@code gpus = N}; Torque keeps no job history hwf can read.
 */
final class PbsProbe implements SchedulerProbe {
    private final boolean torque;

    /** @param torque the site's {@code flavor: torque} */
    PbsProbe(boolean torque) {
        this.torque = torque;
    }

    @Override
    public String partitionWord() {
        return "queue";
    }

    @Override
    public List<Command> versionCommands() {
        return List.of(Command.of("qstat", "--version"));
    }

    /** PBS Pro prints {@code pbs_version = 23.06.06}, Torque {@code Version: 6.1.3}. */
    @Override
    public Check version(List<Output> outputs) {
        Output o = outputs.get(0);
        String text = o.stdout().strip();
        String flavor = torque ? "torque" : "pbspro";
        if (o.exitCode() == 0 && text.startsWith("pbs_version")) {
            String v = text.lines().findFirst().orElse("").replaceFirst("pbs_version\\s*=\\s*", "");
            return torque ? Check.warn("scheduler", "PBS Pro " + v + ", but the site says flavor: torque",
                    "set site.flavor: pbspro (or remove it: pbspro is the default)")
                    : Check.ok("scheduler", "PBS Pro " + v + " (qstat)");
        }
        if (o.exitCode() == 0 && text.startsWith("Version:")) {
            String v = text.lines().findFirst().orElse("").replaceFirst("Version:\\s*", "");
            return torque ? Check.ok("scheduler", "Torque " + v + " (qstat)")
                    : Check.warn("scheduler", "Torque " + v + ", but the site is flavor: pbspro",
                    "set site.flavor: torque: Torque's qsub takes other arrays and resources");
        }
        if (o.exitCode() == 127 || (o.exitCode() != 0 && !(o.stdout() + o.stderr()).contains("Unknown option"))) {
            return Check.fail("scheduler", "'qstat --version' exited " + o.exitCode() + ": " + SlurmProbe.firstLine(o),
                    "check that PBS's commands are on the site's PATH (a module to load?) and that this is a PBS site");
        }
        // Slurm's Torque wrappers (slurm-wlm-torque) and some Torque builds know no --version
        return Check.warn("scheduler", "qstat answers but does not tell its version ('qstat --version': "
                + SlurmProbe.firstLine(o) + "); taken as " + flavor,
                "make sure site.flavor (" + flavor + ") is this PBS's: 'qstat -f' of a job names its server's kind");
    }

    @Override
    public List<Command> partitionCommands() {
        return torque ? List.of(Command.of("qstat", "-Q"), Command.of("pbsnodes", "-a"))
                : List.of(Command.of("qstat", "-Qf", "-F", "json"), Command.of("pbsnodes", "-a", "-F", "json"));
    }

    @Override
    public List<Partition> partitions(List<Output> outputs) {
        Output queues = outputs.get(0);
        if (queues.exitCode() != 0) {
            throw new SchedulerOutputException("qstat exited " + queues.exitCode(), queues.stdout() + queues.stderr());
        }
        Output nodes = outputs.size() > 1 ? outputs.get(1) : new Output(1, "", "");
        return torque ? torqueQueues(queues.stdout(), nodes) : proQueues(queues.stdout(), nodes);
    }

    /**
     * {@code qstat -Q}: two header lines, then {@code NAME MAX TOT ENA STR ...}. Torque binds no node to
     * a queue, so a queue's GPUs are unknown; {@code pbsnodes -a} still tells whether any node has one.
     */
    static List<Partition> torqueQueues(String table, Output nodes) {
        Integer anyGpus = nodes.exitCode() == 0 && nodes.stdout().lines().anyMatch(l -> l.strip().matches("gpus = [1-9]\\d*"))
                ? null : Integer.valueOf(0);
        List<Partition> list = new ArrayList<>();
        for (String line : table.split("\n")) {
            String[] f = line.strip().split("\\s+");
            if (line.isBlank() || f[0].equals("Queue") || f[0].startsWith("---")) {
                continue;
            }
            if (f.length < 5) {
                throw new SchedulerOutputException("qstat -Q printed a line hwf cannot read: " + line, table);
            }
            boolean up = f[3].equals("yes") && f[4].equals("yes");
            list.add(new Partition(f[0], false, up, up ? "enabled, started" : "enabled " + f[3] + ", started " + f[4],
                    nodes.exitCode() == 0 ? anyGpus : null));
        }
        if (list.isEmpty()) {
            throw new SchedulerOutputException("qstat -Q lists no queues", table);
        }
        return list;
    }

    /** {@code qstat -Qf -F json}'s {@code Queue} object; GPUs from the nodes whose {@code queue} is the queue. */
    static List<Partition> proQueues(String json, Output nodes) {
        Map<?, ?> queues = object(read(json, "qstat -Qf -F json").get("Queue"));
        if (queues.isEmpty()) {
            throw new SchedulerOutputException("qstat -Qf -F json lists no queues", json);
        }
        Map<String, Integer> gpusByQueue = new HashMap<>();
        boolean bound = false;
        if (nodes.exitCode() == 0) {
            for (Object node : object(read(nodes.stdout(), "pbsnodes -a -F json").get("nodes")).values()) {
                Map<?, ?> n = object(node);
                String q = text(n.get("queue"), null);
                if (q != null) {
                    bound = true;
                    gpusByQueue.merge(q, count(object(n.get("resources_available")).get("ngpus")), Integer::sum);
                }
            }
        }
        List<Partition> list = new ArrayList<>();
        for (Map.Entry<?, ?> q : queues.entrySet()) {
            Map<?, ?> queue = object(q.getValue());
            boolean enabled = "True".equals(text(queue.get("enabled"), ""));
            boolean started = "True".equals(text(queue.get("started"), ""));
            String type = text(queue.get("queue_type"), "Execution");
            String name = q.getKey().toString();
            list.add(new Partition(name, false, enabled && started,
                    (type.equals("Route") ? "routing, " : "") + (enabled ? "enabled" : "disabled") + ", "
                            + (started ? "started" : "stopped"),
                    bound ? gpusByQueue.getOrDefault(name, 0) : null));
        }
        return list;
    }

    /** PBS Pro's history is its server's {@code job_history_enable}; Torque has none. */
    @Override
    public Command accountingCommand(SchedulerAdapter adapter) {
        return torque ? null : Command.of("qstat", "-Bf", "-F", "json");
    }

    @Override
    public Check accounting(Output o) {
        if (o == null) {
            return Check.warn("accounting", "Torque keeps no job history hwf reads (no qstat -x), and an ended job "
                    + "stays in qstat for the server's keep_completed seconds only; " + WITHOUT_ACCOUNTING,
                    "runs still work (exit code files tell how tasks ended); 'qmgr -c \"list server keep_completed\"' "
                            + "shows how long ended jobs stay");
        }
        if (o.exitCode() != 0) {
            return Check.warn("accounting", "'qstat -Bf -F json' exited " + o.exitCode() + ": "
                    + SlurmProbe.firstLine(o), "is the PBS server up? " + WITHOUT_ACCOUNTING);
        }
        for (Object server : object(read(o.stdout(), "qstat -Bf -F json").get("Server")).values()) {
            if ("True".equals(text(object(server).get("job_history_enable"), ""))) {
                return Check.ok("accounting", "job_history_enable = True: qstat -x tells how jobs ended after they "
                        + "left the queue");
            }
        }
        return Check.warn("accounting", "the PBS server keeps no job history (job_history_enable is not True)",
                "ask the administrators for qmgr -c 'set server job_history_enable = True'; " + WITHOUT_ACCOUNTING);
    }

    private static Map<?, ?> read(String json, String what) {
        Object n;
        try {
            n = json.isBlank() ? null : Json.read(json, Object.class);
        } catch (Json.Malformed e) {
            throw new SchedulerOutputException(what + " printed JSON hwf cannot read: "
                    + e.getMessage().lines().findFirst().orElse(""), json);
        }
        if (!(n instanceof Map<?, ?> m)) {
            throw new SchedulerOutputException(what + " printed no JSON object", json);
        }
        return m;
    }

    /** A JSON object's members; none when it is not an object. */
    private static Map<?, ?> object(Object value) {
        return value instanceof Map<?, ?> m ? m : Map.of();
    }

    /** A JSON scalar as text; {@code otherwise} when it is missing, null, an object or an array. */
    private static String text(Object value, String otherwise) {
        return value == null || value instanceof Map || value instanceof List ? otherwise : value.toString();
    }

    /** A count PBS prints as a number or as text; 0 when it is neither. */
    private static int count(Object value) {
        if (value instanceof Number n) {
            return n.intValue();
        }
        try {
            return value == null ? 0 : Integer.parseInt(value.toString().trim());
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
