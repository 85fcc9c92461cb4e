package dev.hwf.launcher.workflow.rules;

import java.util.List;
import java.util.stream.Stream;

/**
 * The keys one section of a workflow file may hold, declared once: the key check reads it, and
 * so does the help a misspelt key gets ("allowed in site: host, port, ..."). Every section of
 * the file is here, so this is also the list of every key a workflow has.
 *
 * @param where how messages name the section, e.g. "in site"
 */
public record KeyTable(String where, List<String> keys) {
    public static final KeyTable TOP = new KeyTable("at the top level", List.of("name", "scheduler", "site",
            "defaults", "tasks", "budget", "pilot", "sites", "defaultSite", "notify"));
    public static final KeyTable SITE = new KeyTable("in site", List.of("host", "port", "user", "identityFile",
            "knownHosts", "workdir", "gpuPartition", "flavor", "maxJobs", "maxArraySize", "share", "dependencies",
            "secrets", "smtp", "submitCalls"));
    /** An entry of {@code sites:}: every key of {@code site:}, and its scheduler, cost and budget. */
    public static final KeyTable SITES_ENTRY = new KeyTable("in a site of sites", concat(SITE.keys,
            List.of("scheduler", "cost", "budget", "reaches")));
    public static final KeyTable NOTIFY = new KeyTable("in a notify entry", List.of("on", "webhook", "email",
            "command", "stuckAfter"));
    public static final KeyTable SMTP = new KeyTable("in smtp", List.of("host", "port", "starttls", "user",
            "password", "from"));
    public static final KeyTable CONFIG = new KeyTable("in the user's config file", List.of("notify", "smtp"));
    public static final KeyTable COST = new KeyTable("in cost", List.of("coreHour", "gpuHour"));
    public static final KeyTable SITE_BUDGET = new KeyTable("in a site's budget", List.of("units"));
    public static final KeyTable INPUT = new KeyTable("in an input", List.of("from", "path"));
    public static final KeyTable BUDGET = new KeyTable("in budget", List.of("gpuHours", "per"));
    public static final KeyTable PILOT = new KeyTable("in pilot", List.of("jobs", "nodes", "cpus", "gpus", "memory",
            "walltime", "partition", "queue", "account", "qos", "directives", "idle"));
    public static final KeyTable TASK = new KeyTable("in a task", List.of("name", "command", "after", "nodes",
            "ntasks", "cpus", "memory", "walltime", "partition", "queue", "account", "qos", "env", "retries",
            "directives", "template", "gpus", "array", "arrayLimit", "matrix", "launcher", "service", "port", "ready",
            "pilot", "modules", "setup", "container", "afterEach", "site", "place", "replaceAfter", "inputs",
            "outputs"));
    /** A task's keys less those that only mean something for one task. */
    public static final KeyTable DEFAULTS = new KeyTable("in defaults", TASK.keys.stream()
            .filter(k -> !List.of("name", "command", "after", "afterEach", "array", "arrayLimit", "template", "matrix",
                    "launcher", "service", "port", "ready", "pilot", "site", "place", "replaceAfter", "inputs",
                    "outputs")
                    .contains(k))
            .toList());
    public static final KeyTable CONTAINER = new KeyTable("in container", List.of("image", "engine", "binds"));

    private static List<String> concat(List<String> a, List<String> b) {
        return Stream.concat(a.stream(), b.stream()).toList();
    }

    /** The help for a key that is not in the table: "allowed in site: host, port, ...". */
    public String allowed() {
        return "allowed " + where + ": " + String.join(", ", keys);
    }
}
