package dev.hwf.launcher.workflow;

import dev.hwf.api.NodeLaunch;
import dev.hwf.api.SchedulerAdapter;
import dev.hwf.api.ShellQuote;
import dev.hwf.launcher.sched.SchedulerRegistry;
import dev.hwf.launcher.workflow.YamlTree.Entry;
import dev.hwf.launcher.workflow.YamlTree.Kind;
import dev.hwf.launcher.workflow.YamlTree.ListNode;
import dev.hwf.launcher.workflow.YamlTree.MapNode;
import dev.hwf.launcher.workflow.YamlTree.Node;
import dev.hwf.launcher.workflow.YamlTree.Pos;
import dev.hwf.launcher.workflow.YamlTree.Scalar;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/** Checks a workflow tree against SPEC section 1 and builds the records; collects every problem. */
final class Validator {
    static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,63}");
    // No leading '-': these values land on submit command lines (qsub -q X) and must not read as options.
    static final Pattern SCHED_WORD = Pattern.compile("[A-Za-z0-9_.,:+@][A-Za-z0-9_.,:+@-]*");
    static final Pattern HOST = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*");
    static final Pattern USER = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9._-]*");
    static final Pattern ENV_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
    /** Most elements a sweep may have: its parameters are spelled out in every job script. */
    static final int MAX_SWEEP = 10_000;
    private static final Pattern DECIMAL = Pattern.compile("[+-]?\\d{1,18}");

    static final String NAME_RULE = "use 1 to 64 letters, digits, '_', '.' or '-', starting with a letter or digit";
    static final String SCHED_WORD_RULE = "use letters, digits and _ . , : + @ - (not first)";

    static final List<String> TOP_KEYS = List.of("name", "scheduler", "site", "defaults", "tasks", "budget",
            "pilot");
    static final List<String> PILOT_KEYS = List.of("jobs", "nodes", "cpus", "gpus", "memory", "walltime",
            "partition", "queue", "account", "qos", "directives", "idle");
    static final List<String> BUDGET_KEYS = List.of("gpuHours", "per");
    static final List<String> BUDGET_SCOPES = List.of("run", "campaign");
    static final List<String> SCHEDULERS = SchedulerRegistry.names();
    static final List<String> SITE_KEYS = List.of("host", "port", "user", "identityFile", "knownHosts",
            "workdir", "gpuPartition", "flavor", "maxJobs", "maxArraySize", "share",
            "dependencies", "secrets");
    /** Every scheduler's flavors: pbspro, torque (PBS). */
    static final List<String> FLAVORS = SchedulerRegistry.flavors();
    static final List<String> LAUNCHERS = List.of("torchrun", "mpirun", "srun");
    static final List<String> TASK_KEYS = List.of("name", "command", "after", "nodes", "ntasks", "cpus",
            "memory", "walltime", "partition", "queue", "account", "qos", "env", "retries", "directives",
            "template", "gpus", "array", "arrayLimit", "matrix", "launcher", "service", "port", "ready", "pilot",
            "modules", "setup", "container", "afterEach");
    static final List<String> DEFAULT_KEYS = TASK_KEYS.stream()
            .filter(k -> !List.of("name", "command", "after", "afterEach", "array", "arrayLimit", "template", "matrix",
                    "launcher", "service", "port", "ready", "pilot").contains(k))
            .toList();

    private final String source;
    private final Path baseDir;
    private final List<Problem> problems;
    /** modules, setup and container; made once the site is known (image paths depend on it). */
    private SoftwareKeys software;

    Validator(String source, Path baseDir, List<Problem> problems) {
        this.source = source;
        this.baseDir = baseDir;
        this.problems = problems;
    }

    /** The settings one map (defaults or a task) gives; null fields were not given. */
    private static final class Fields {
        Integer nodes;
        Integer ntasks;
        Integer cpus;
        Integer retries;
        Integer gpus;
        Integer array;
        Integer arrayLimit;
        Long memoryMb;
        Long walltime;
        String partition;
        String account;
        String qos;
        String template;
        Map<String, String> env;
        Map<String, String> secrets;
        List<String> directives;
        Map<String, List<String>> matrix;
        String launcher;
        Node launcherNode;
        Node commandNode;
        Task.Service service;
        Node serviceNode;
        boolean pilot;
        Node pilotNode;
        SoftwareKeys.Given software = SoftwareKeys.Given.NOTHING;
    }

    /** What a task needs beyond its fields to be checked against the other tasks. */
    private record Parsed(String name, Pos namePos, String path, String command, List<String> after,
                          List<Node> afterNodes, Fields fields, List<String> afterEach, List<Node> afterEachNodes) {
    }

    // ---- problems ----

    private void at(Pos p, String key, String message) {
        problems.add(new Problem(p.file(), p.line(), p.column(), Text.escapeControls(key), message));
    }

    private void at(Node n, String key, String message) {
        at(n.pos, key, message);
    }

    private static String join(String path, String key) {
        return path.isEmpty() ? key : path + "." + key;
    }

    // ---- typed access: each returns null after reporting, or when the value is absent / null ----

    private static boolean absent(Node n) {
        return n == null || (n instanceof Scalar s && s.isNull());
    }

    private static boolean alreadyReported(Node n) {
        return n instanceof Scalar s && s.kind == Kind.INVALID;
    }

    /** Any scalar as the text it was written as (so name: 123 or account: 0042 keep their spelling). */
    private String text(Node n, String key, String what) {
        if (absent(n) || alreadyReported(n)) {
            return null;
        }
        if (n instanceof Scalar s) {
            return s.text;
        }
        at(n, key, "expected " + what + ", got " + n.describe());
        return null;
    }

    private Integer integer(Node n, String key, int min) {
        if (absent(n) || alreadyReported(n)) {
            return null;
        }
        String expected = "a whole number " + (min == 0 ? ">= 0" : ">= " + min);
        if (n instanceof Scalar s && s.kind == Kind.INT && DECIMAL.matcher(s.text).matches()) {
            long v = Long.parseLong(s.text);
            if (v < min) {
                at(n, key, "must be " + (min == 0 ? ">= 0" : ">= " + min) + ", got " + s.text);
                return null;
            }
            if (v > Integer.MAX_VALUE) {
                at(n, key, "too large: " + s.text);
                return null;
            }
            return (int) v;
        }
        if (n instanceof Scalar s && s.kind == Kind.STRING && DECIMAL.matcher(s.text.strip()).matches()) {
            at(n, key, "expected " + expected + ", got text " + Text.show(s.text) + "; write it without quotes");
        } else {
            at(n, key, "expected " + expected + ", got " + n.describe());
        }
        return null;
    }

    private String choice(Node n, String key, List<String> allowed) {
        String v = text(n, key, "one of " + String.join(", ", allowed));
        if (v != null && !allowed.contains(v)) {
            at(n, key, Text.show(v) + " is not allowed; use one of " + String.join(", ", allowed));
            return null;
        }
        return v;
    }

    private String matching(Node n, String key, Pattern pattern, String rule, String what) {
        String v = text(n, key, what);
        if (v != null && !pattern.matcher(v).matches()) {
            at(n, key, Text.show(v) + " is not a valid " + what + "; " + rule);
            return null;
        }
        return v;
    }

    /** Free text that must stay on one line (paths, directives): no line breaks, no NUL. */
    private String oneLine(Node n, String key, String what) {
        String v = text(n, key, what);
        if (v == null) {
            return null;
        }
        if (v.isBlank()) {
            at(n, key, what + " must not be empty");
            return null;
        }
        if (!ShellQuote.isOneLine(v)) {
            at(n, key, what + " must be a single line without NUL characters, got " + Text.show(v));
            return null;
        }
        return v;
    }

    private MapNode map(Node n, String key, String what) {
        if (absent(n) || alreadyReported(n)) {
            return null;
        }
        if (n instanceof MapNode m) {
            return m;
        }
        at(n, key, "expected " + what + ", got " + n.describe());
        return null;
    }

    private ListNode list(Node n, String key, String what) {
        if (absent(n) || alreadyReported(n)) {
            return null;
        }
        if (n instanceof ListNode l) {
            return l;
        }
        at(n, key, "expected " + what + ", got " + n.describe());
        return null;
    }

    private void checkKeys(MapNode m, String path, List<String> allowed, String where) {
        for (Entry e : m.entries.values()) {
            if (!allowed.contains(e.key)) {
                String hint = suggest(e.key, allowed);
                at(e.keyPos, join(path, e.key), "unknown key " + Text.show(e.key)
                        + (hint == null ? "" : " (did you mean " + hint + "?)")
                        + "; allowed " + where + ": " + String.join(", ", allowed));
            }
        }
    }

    private static String suggest(String key, List<String> allowed) {
        String best = null;
        int bestDistance = 3;
        for (String a : allowed) {
            int d = a.equalsIgnoreCase(key) ? 0 : Text.distance(key.toLowerCase(), a.toLowerCase());
            if (d < bestDistance) {
                best = a;
                bestDistance = d;
            }
        }
        return best;
    }

    // ---- the workflow ----

    Workflow validate(MapNode root) {
        checkKeys(root, "", TOP_KEYS, "at the top level");

        String name = null;
        Node nameNode = root.value("name");
        if (absent(nameNode)) {
            at(root, "name", "missing; every workflow needs a name (" + NAME_RULE + ")");
        } else {
            name = matching(nameNode, "name", NAME, NAME_RULE, "workflow name");
        }

        String scheduler = "local";
        Node schedulerNode = root.value("scheduler");
        if (!absent(schedulerNode)) {
            scheduler = choice(schedulerNode, "scheduler", SCHEDULERS);
        }

        Site site = site(root.value("site"), scheduler);
        software = new SoftwareKeys(baseDir, site.host() != null, problems);

        Fields defaults = new Fields();
        MapNode defaultsMap = map(root.value("defaults"), "defaults", "a map of task settings");
        if (defaultsMap != null) {
            checkKeys(defaultsMap, "defaults", DEFAULT_KEYS, "in defaults");
            fields(defaultsMap, "defaults", defaults);
            defaults.software = software.read(defaultsMap, "defaults");
        }

        Double budget = budget(root.value("budget"));
        boolean perCampaign = budgetPerCampaign(root.value("budget"));
        SchedulerAdapter adapter = SchedulerRegistry.find(scheduler, site).orElse(null);
        Node pilotNode = root.value("pilot");
        Pilot pilot = pilot(pilotNode, adapter);
        List<Task> tasks = tasks(root, defaults, site, adapter, pilot, pilotNode);
        if (!problems.isEmpty()) {
            return null;
        }
        if (pilot != null) {
            Map<String, String> secrets = packedSecrets(tasks, pilotNode, adapter, pilot);
            if (!problems.isEmpty()) {
                return null;
            }
            tasks = new ArrayList<>(tasks);
            tasks.add(PilotJobs.task(pilot, site.host() != null, secrets));
        }
        return new Workflow(name, scheduler, site, tasks, source, budget, perCampaign, pilot);
    }

    /**
     * The secrets the pilot jobs carry: those of every packed task, whose elements run in the
     * pilots' agents and get their environment. A name two packed tasks read from different
     * variables, or secrets in multi-node pilots whose nodes would read them from a file, are errors.
     */
    private Map<String, String> packedSecrets(List<Task> tasks, Node pilotNode, SchedulerAdapter adapter,
                                              Pilot pilot) {
        Map<String, String> secrets = new LinkedHashMap<>();
        Map<String, String> from = new LinkedHashMap<>();
        for (Task t : tasks) {
            if (!t.pilot()) {
                continue;
            }
            t.secrets().forEach((name, variable) -> {
                String had = secrets.putIfAbsent(name, variable);
                if (had != null && !had.equals(variable)) {
                    at(pilotNode, "pilot", "packed tasks " + from.get(name) + " and " + t.name() + " both set "
                            + name + " but from different variables (" + had + ", " + variable + "); the pilots'"
                            + " agents hold one environment: read it from one variable");
                }
                from.putIfAbsent(name, t.name());
            });
        }
        if (!secrets.isEmpty() && pilot.nodes() > 1 && adapter != null
                && adapter.nodeLaunch(pilot.nodes()) instanceof NodeLaunch.FromLaunchFile) {
            at(pilotNode, "pilot.nodes", "on " + adapter.name() + " the agents of a pilot over several nodes get"
                    + " their variables from a file, and packed tasks read secrets (" + String.join(", ",
                    secrets.keySet()) + ") that are never written to a file; use nodes: 1 for the pilots");
        }
        return secrets;
    }

    /**
     * {@code pilot:}: the allocations packed tasks run in; null when absent (or wrong, which is
     * reported).
     */
    private Pilot pilot(Node node, SchedulerAdapter adapter) {
        MapNode m = map(node, "pilot", "a map, e.g. { jobs: 2, cpus: 8, walltime: 01:00:00 }");
        if (m == null) {
            return null;
        }
        checkKeys(m, "pilot", PILOT_KEYS, "in pilot");
        Fields f = new Fields();
        fields(m, "pilot", f);
        Integer jobs = integer(m.value("jobs"), "pilot.jobs", 1);
        Integer idle = integer(m.value("idle"), "pilot.idle", 1);
        int nodes = f.nodes == null ? 1 : f.nodes;
        if (adapter != null && nodes > 1 && adapter.nodeLaunch(nodes) instanceof NodeLaunch.OneNodeOnly) {
            at(m.value("nodes"), "pilot.nodes", "the " + adapter.name() + " scheduler runs on this one machine; "
                    + "use nodes: 1 for its pilots");
        }
        return new Pilot(jobs == null ? 1 : jobs, nodes, f.cpus == null ? 1 : f.cpus, f.gpus == null ? 0 : f.gpus,
                f.memoryMb == null ? 0 : f.memoryMb, f.walltime == null ? 0 : f.walltime, f.partition, f.account,
                f.qos, f.directives == null ? List.of() : f.directives, idle == null ? 120 : idle);
    }

    /** {@code budget.per}: {@code run} (the default) or {@code campaign}: every run of the workflow. */
    private boolean budgetPerCampaign(Node node) {
        if (!(node instanceof MapNode m)) {
            return false;
        }
        Node per = m.value("per");
        if (absent(per) || alreadyReported(per)) {
            return false;
        }
        return "campaign".equals(choice(per, "budget.per", BUDGET_SCOPES));
    }

    /** {@code budget: { gpuHours: N }}: a number > 0, or null when there is no budget. */
    private Double budget(Node node) {
        MapNode m = map(node, "budget", "a map, e.g. { gpuHours: 100 }");
        if (m == null) {
            return null;
        }
        checkKeys(m, "budget", BUDGET_KEYS, "in budget");
        Node n = m.value("gpuHours");
        if (absent(n) || alreadyReported(n)) {
            if (!alreadyReported(n)) {
                at(n == null ? m.pos : n.pos, "budget.gpuHours", "missing; give the GPU-hours the run may use,"
                        + " e.g. gpuHours: 100");
            }
            return null;
        }
        if (n instanceof Scalar s && (s.kind == Kind.INT || s.kind == Kind.FLOAT)) {
            try {
                double v = Double.parseDouble(s.text);
                if (v > 0 && Double.isFinite(v)) {
                    return v;
                }
            } catch (NumberFormatException e) {
                // reported below
            }
            at(n, "budget.gpuHours", "must be a number > 0, got " + s.text);
            return null;
        }
        at(n, "budget.gpuHours", "expected a number of GPU-hours > 0, got " + n.describe());
        return null;
    }

    private Site site(Node node, String scheduler) {
        MapNode m = map(node, "site", "a map (host, port, user, ...)");
        List<String> flavors = SchedulerRegistry.flavors(scheduler);
        if (m == null) {
            // The flavor default holds without a site section too.
            String flavor = flavors.isEmpty() ? null : flavors.get(0);
            return new Site(null, 22, null, null, null, null, null, flavor, null, null, null, Site.SCHEDULER);
        }
        checkKeys(m, "site", SITE_KEYS, "in site");
        String host = matching(m.value("host"), "site.host", HOST,
                "use letters, digits, '.', '_' and '-', starting with a letter or digit", "host name");
        Integer port = integer(m.value("port"), "site.port", 1);
        if (port != null && port > 65535) {
            at(m.value("port"), "site.port", "must be a TCP port 1..65535, got " + port);
            port = null;
        }
        String user = matching(m.value("user"), "site.user", USER,
                "use letters, digits, '.', '_' and '-', not starting with '-' or '.'", "user name");
        String identityFile = oneLine(m.value("identityFile"), "site.identityFile", "identityFile path");
        String knownHosts = oneLine(m.value("knownHosts"), "site.knownHosts", "knownHosts path");
        String workdir = oneLine(m.value("workdir"), "site.workdir", "workdir path");
        String gpuPartition = matching(m.value("gpuPartition"), "site.gpuPartition", SCHED_WORD,
                SCHED_WORD_RULE, "partition name");
        String flavor = choice(m.value("flavor"), "site.flavor", FLAVORS);
        // flavor only means something to a scheduler with flavors (PBS); other schedulers ignore it
        // so that --set scheduler=local can try a PBS workflow out without editing the file.
        if (flavors.isEmpty()) {
            flavor = null;
        } else if (flavor == null) {
            flavor = flavors.get(0);
        } else if (!flavors.contains(flavor)) {
            at(m.value("flavor"), "site.flavor", Text.show(flavor) + " is not a flavor of " + scheduler
                    + "; use one of " + String.join(", ", flavors));
            flavor = null;
        }
        Integer maxJobs = integer(m.value("maxJobs"), "site.maxJobs", 1);
        Integer maxArraySize = integer(m.value("maxArraySize"), "site.maxArraySize", 1);
        String share = choice(m.value("share"), "site.share", List.of(Site.PRIVATE, Site.GROUP));
        String dependencies = choice(m.value("dependencies"), "site.dependencies", List.of(Site.SCHEDULER, Site.HWF));
        String secrets = choice(m.value("secrets"), "site.secrets", List.of(Site.SECRETS_PRIVATE, Site.SECRETS_VISIBLE));
        return new Site(host, port == null ? 22 : port, user, identityFile, knownHosts, workdir, gpuPartition,
                flavor, maxJobs, maxArraySize, share, dependencies == null ? Site.SCHEDULER : dependencies, secrets);
    }

    /** Reads the keys defaults and tasks share. */
    private void fields(MapNode m, String path, Fields f) {
        f.nodes = integer(m.value("nodes"), join(path, "nodes"), 1);
        f.ntasks = integer(m.value("ntasks"), join(path, "ntasks"), 1);
        f.cpus = integer(m.value("cpus"), join(path, "cpus"), 1);
        f.retries = integer(m.value("retries"), join(path, "retries"), 0);
        f.gpus = integer(m.value("gpus"), join(path, "gpus"), 0);

        Node memory = m.value("memory");
        String memoryText = text(memory, join(path, "memory"), "a size such as 16G");
        if (memoryText != null) {
            try {
                f.memoryMb = Sizes.parseMegabytes(memoryText);
                if (f.memoryMb == 0) {
                    at(memory, join(path, "memory"), "must be more than 0; leave it out for the scheduler's default");
                    f.memoryMb = null;
                }
            } catch (IllegalArgumentException e) {
                at(memory, join(path, "memory"), e.getMessage());
            }
        }

        Node walltime = m.value("walltime");
        String walltimeText = text(walltime, join(path, "walltime"), "a duration such as 02:00:00");
        if (walltimeText != null) {
            try {
                f.walltime = Durations.parseSeconds(walltimeText);
                if (f.walltime == 0) {
                    at(walltime, join(path, "walltime"),
                            "must be more than 0; leave it out for the scheduler's default");
                    f.walltime = null;
                }
            } catch (IllegalArgumentException e) {
                at(walltime, join(path, "walltime"), e.getMessage());
            }
        }

        Node partition = m.value("partition");
        Node queue = m.value("queue");
        if (!absent(partition) && !absent(queue)) {
            at(queue, join(path, "queue"), "partition and queue are the same setting; give only one");
        } else {
            String key = absent(queue) ? "partition" : "queue";
            f.partition = matching(absent(queue) ? partition : queue, join(path, key), SCHED_WORD,
                    SCHED_WORD_RULE, key + " name");
        }
        f.account = matching(m.value("account"), join(path, "account"), SCHED_WORD, SCHED_WORD_RULE,
                "account name");
        f.qos = matching(m.value("qos"), join(path, "qos"), SCHED_WORD, SCHED_WORD_RULE, "qos name");
        env(m.value("env"), join(path, "env"), f);
        f.directives = directives(m.value("directives"), join(path, "directives"));
    }

    /** {@code env}: plain values into {@code f.env}, {@code {fromEnv: VAR}} references into {@code f.secrets}. */
    private void env(Node node, String path, Fields f) {
        MapNode m = map(node, path, "a map of variable names to values, e.g. { OMP_NUM_THREADS: \"4\" }");
        if (m == null) {
            return;
        }
        Map<String, String> env = new LinkedHashMap<>();
        Map<String, String> secrets = new LinkedHashMap<>();
        f.env = env;
        f.secrets = secrets;
        for (Entry e : m.entries.values()) {
            String key = path + "." + e.key;
            if (!ENV_NAME.matcher(e.key).matches()) {
                at(e.keyPos, key, Text.show(e.key) + " is not a valid environment variable name;"
                        + " use letters, digits and '_', not starting with a digit");
                continue;
            }
            if (e.key.startsWith("HWF_")) {
                at(e.keyPos, key, "names starting with HWF_ are reserved for hwf (HWF_RUN, HWF_TASK,"
                        + " HWF_ATTEMPT, HWF_ARRAY_INDEX); choose another name");
                continue;
            }
            if (alreadyReported(e.value)) {
                continue;
            }
            if (absent(e.value)) {
                at(e.value == null ? e.keyPos : e.value.pos, key,
                        "has no value; write " + e.key + ": \"\" for an empty value");
                continue;
            }
            if (e.value instanceof MapNode ref) {
                String variable = fromEnv(ref, key);
                if (variable != null) {
                    secrets.put(e.key, variable);
                }
                continue;
            }
            String value = text(e.value, key, "a text or number value, or {fromEnv: VARIABLE} for a secret");
            if (value == null) {
                continue;
            }
            if (value.indexOf('\0') >= 0) {
                at(e.value, key, "contains a NUL character, which an environment variable cannot hold");
                continue;
            }
            // Kept verbatim: quotes, $(...) and backticks are quoted when the script is written.
            env.put(e.key, value);
        }
    }

    /**
     * A secret: {@code {fromEnv: VAR}}, VAR set in this (the submitting) environment and one line
     * long, since its value is read again at each submission. Null after reporting a problem.
     */
    private String fromEnv(MapNode ref, String key) {
        String refKey = key + ".fromEnv";
        for (Entry e : ref.entries.values()) {
            if (!e.key.equals("fromEnv")) {
                at(e.keyPos, key + "." + e.key, "unknown key " + Text.show(e.key) + "; a secret is written"
                        + " {fromEnv: VARIABLE}, naming the variable of the submitting environment it is read from");
                return null;
            }
        }
        Entry from = ref.get("fromEnv");
        if (from == null) {
            at(ref, key, "a secret is written {fromEnv: VARIABLE}, naming the variable it is read from");
            return null;
        }
        String variable = text(from.value, refKey, "the name of an environment variable");
        if (variable == null) {
            return null;
        }
        if (!ENV_NAME.matcher(variable).matches()) {
            at(from.value, refKey, Text.show(variable) + " is not a valid environment variable name");
            return null;
        }
        String value = System.getenv(variable); // the submitting environment
        if (value == null) {
            at(from.value, refKey, "the variable " + variable + " is not set here; hwf reads the secret from it at"
                    + " each submission: export " + variable + " before running hwf (see docs/guide/cron.md"
                    + " for hwf poll)");
            return null;
        }
        if (!ShellQuote.isOneLine(value)) {
            at(from.value, refKey, "the value of " + variable + " holds a line break; a secret must be one line"
                    + " (encode it, e.g. with base64, and decode it in the command)");
            return null;
        }
        return variable;
    }

    /**
     * A parameter sweep: a map of environment variable names to non-empty lists of scalar values,
     * kept as written (so 0.10 stays 0.10), in file order.
     */
    private Map<String, List<String>> matrix(Node node, String path) {
        MapNode m = map(node, path, "a map of parameter names to lists of values, e.g. { lr: [0.1, 0.01] }");
        if (m == null) {
            return null;
        }
        if (m.entries.isEmpty()) {
            at(m, path, "is empty; name at least one parameter with a list of values");
            return null;
        }
        Map<String, List<String>> out = new LinkedHashMap<>();
        boolean ok = true;
        for (Entry e : m.entries.values()) {
            String key = path + "." + e.key;
            if (!ENV_NAME.matcher(e.key).matches()) {
                at(e.keyPos, key, Text.show(e.key) + " is not a valid parameter name; each element sees it as an"
                        + " environment variable: use letters, digits and '_', not starting with a digit");
                ok = false;
                continue;
            }
            if (e.key.startsWith("HWF_")) {
                at(e.keyPos, key, "names starting with HWF_ are reserved for hwf; choose another parameter name");
                ok = false;
                continue;
            }
            if (alreadyReported(e.value)) {
                ok = false;
                continue;
            }
            if (absent(e.value)) {
                at(e.value == null ? e.keyPos : e.value.pos, key, "has no values; give a list, e.g. [1, 2]");
                ok = false;
                continue;
            }
            ListNode values = list(e.value, key, "a list of values, e.g. [1, 2]");
            if (values == null) {
                ok = false;
                continue;
            }
            if (values.items.isEmpty()) {
                at(values, key, "is empty; a parameter needs at least one value");
                ok = false;
                continue;
            }
            List<String> texts = new ArrayList<>();
            for (int i = 0; i < values.items.size(); i++) {
                Node item = values.items.get(i);
                String itemKey = key + "[" + i + "]";
                if (absent(item)) {
                    at(item, itemKey, "empty value; write \"\" for an empty text");
                    ok = false;
                    continue;
                }
                String v = text(item, itemKey, "a text or number value");
                if (v == null) {
                    ok = false;
                } else if (v.indexOf('\0') >= 0) {
                    at(item, itemKey, "contains a NUL character, which an environment variable cannot hold");
                    ok = false;
                } else {
                    texts.add(v);
                }
            }
            out.put(e.key, texts);
        }
        if (!ok) {
            return null;
        }
        int size = Task.sweepSize(out);
        if (size > MAX_SWEEP) {
            at(m, path, "makes " + (size == Integer.MAX_VALUE ? "more than " + Integer.MAX_VALUE : size)
                    + " combinations; a sweep may have at most " + MAX_SWEEP);
            return null;
        }
        return out;
    }

    private List<String> directives(Node node, String path) {
        ListNode l = list(node, path, "a list of scheduler options, e.g. [\"--exclusive\"]");
        if (l == null) {
            return null;
        }
        List<String> out = new ArrayList<>();
        for (int i = 0; i < l.items.size(); i++) {
            Node item = l.items.get(i);
            String key = path + "[" + i + "]";
            if (absent(item)) {
                at(item, key, "a directive must not be empty");
                continue;
            }
            String v = oneLine(item, key, "a directive");
            if (v != null) {
                out.add(v);
            }
        }
        return out;
    }

    // ---- tasks ----

    private List<Task> tasks(MapNode root, Fields defaults, Site site, SchedulerAdapter adapter, Pilot pilot,
                             Node pilotNode) {
        Node tasksNode = root.value("tasks");
        if (absent(tasksNode)) {
            at(tasksNode == null ? root.pos : tasksNode.pos, "tasks",
                    "missing; a workflow needs a list of tasks, each with a name and a command");
            return List.of();
        }
        ListNode list = list(tasksNode, "tasks", "a list of tasks (each item starts with '- name: ...')");
        if (list == null) {
            return List.of();
        }
        if (list.items.isEmpty()) {
            at(list, "tasks", "is empty; a workflow needs at least one task");
            return List.of();
        }

        Map<String, Parsed> byName = new LinkedHashMap<>();
        List<Parsed> parsed = new ArrayList<>();
        for (int i = 0; i < list.items.size(); i++) {
            Parsed p = task(list.items.get(i), i, byName);
            if (p != null) {
                parsed.add(p);
                if (p.name != null && !byName.containsKey(p.name)) {
                    byName.put(p.name, p);
                }
            }
        }
        checkAfter(parsed, byName);
        checkAfterEach(parsed, byName);
        if (!problems.isEmpty()) {
            return List.of(); // no records from a file that will be refused
        }
        List<Task> tasks = new ArrayList<>();
        for (Parsed p : parsed) {
            Task t = build(p, defaults, site);
            checkLauncher(t, p, adapter);
            checkPacked(t, p, pilot, pilotNode);
            tasks.add(t);
        }
        checkServices(tasks, parsed);
        if (pilot != null && tasks.stream().noneMatch(Task::pilot)) {
            at(pilotNode, "pilot", "no task has pilot: true; mark the tasks whose elements run inside the pilots, "
                    + "or leave pilot out");
        }
        return problems.isEmpty() ? tasks : List.of();
    }

    private Parsed task(Node node, int index, Map<String, Parsed> seen) {
        String indexPath = "tasks[" + index + "]";
        MapNode m = map(node, indexPath, "a task (a map with name, command, ...)");
        if (m == null) {
            if (absent(node)) {
                at(node, indexPath, "empty task; a task needs a name and a command");
            }
            return null;
        }
        // Problems name the task by name when it has a usable one: tasks.train.walltime.
        Node nameNode = m.value("name");
        String path = indexPath;
        if (nameNode instanceof Scalar s && !s.isNull() && NAME.matcher(s.text).matches()
                && !seen.containsKey(s.text)) {
            path = "tasks." + s.text;
        }
        checkKeys(m, path, TASK_KEYS, "in a task");

        String name = null;
        if (absent(nameNode)) {
            at(nameNode == null ? m.pos : nameNode.pos, join(path, "name"),
                    "missing; every task needs a name (" + NAME_RULE + ")");
        } else {
            name = matching(nameNode, join(path, "name"), NAME, NAME_RULE, "task name");
            if (name != null && seen.containsKey(name)) {
                at(nameNode, join(path, "name"), "task name " + Text.show(name) + " is already used by "
                        + seen.get(name).path + " (line " + seen.get(name).namePos.line() + "); names must be unique");
            }
        }

        Node commandNode = m.value("command");
        String command = null;
        if (absent(commandNode)) {
            at(commandNode == null ? m.pos : commandNode.pos, join(path, "command"),
                    "missing; every task needs a command (shell code run by bash)");
        } else {
            command = text(commandNode, join(path, "command"), "a command (text run by bash)");
            if (command != null && command.isBlank()) {
                at(commandNode, join(path, "command"), "must not be blank");
                command = null;
            } else if (command != null && command.indexOf('\0') >= 0) {
                at(commandNode, join(path, "command"), "contains a NUL character, which a script cannot hold");
                command = null;
            }
        }

        List<String> after = new ArrayList<>();
        List<Node> afterNodes = new ArrayList<>();
        taskNames(m, path, "after", after, afterNodes);
        List<String> afterEach = new ArrayList<>();
        List<Node> afterEachNodes = new ArrayList<>();
        taskNames(m, path, "afterEach", afterEach, afterEachNodes);

        Fields f = new Fields();
        fields(m, path, f);
        f.software = software.read(m, path);
        f.array = integer(m.value("array"), join(path, "array"), 0);
        f.arrayLimit = integer(m.value("arrayLimit"), join(path, "arrayLimit"), 1);
        Node arrayNode = m.value("array");
        Node matrixNode = m.value("matrix");
        f.matrix = matrix(matrixNode, join(path, "matrix"));
        f.launcherNode = m.value("launcher");
        f.launcher = choice(f.launcherNode, join(path, "launcher"), LAUNCHERS);
        f.commandNode = commandNode;
        if (!absent(matrixNode) && !absent(arrayNode)) {
            at(arrayNode, join(path, "array"), "a task with a matrix is an array of one element per combination;"
                    + " leave array out (arrayLimit still applies)");
        }
        if (f.arrayLimit != null && absent(arrayNode) && absent(matrixNode)
                || f.arrayLimit != null && f.array != null && f.array == 0) {
            at(m.value("arrayLimit"), join(path, "arrayLimit"),
                    "only means something for an array task; give array: N (N >= 1) as well");
        }
        service(m, path, f);
        f.pilotNode = m.value("pilot");
        f.pilot = flag(f.pilotNode, join(path, "pilot"));
        Node templateNode = m.value("template");
        String template = oneLine(templateNode, join(path, "template"), "template path");
        if (template != null) {
            f.template = resolveTemplate(template, templateNode, join(path, "template"));
        }
        return new Parsed(name, nameNode == null ? m.pos : nameNode.pos, path, command, after, afterNodes, f,
                afterEach, afterEachNodes);
    }

    /** A true/false key; false when absent or wrong (which is reported). */
    private boolean flag(Node node, String key) {
        if (absent(node) || alreadyReported(node)) {
            return false;
        }
        if (node instanceof Scalar s && s.kind == Kind.BOOL) {
            return Boolean.parseBoolean(s.text.toLowerCase(java.util.Locale.ROOT));
        }
        at(node, key, "expected true or false, got " + node.describe());
        return false;
    }

    /** service: true with port: N and an optional ready: check; port and ready only with it. */
    private void service(MapNode m, String path, Fields f) {
        Node serviceNode = m.value("service");
        Node portNode = m.value("port");
        Node readyNode = m.value("ready");
        boolean service = false;
        if (!absent(serviceNode) && !alreadyReported(serviceNode)) {
            if (serviceNode instanceof Scalar s && s.kind == Kind.BOOL) {
                service = Boolean.parseBoolean(s.text.toLowerCase(java.util.Locale.ROOT));
            } else {
                at(serviceNode, join(path, "service"), "expected true or false, got " + serviceNode.describe());
                return; // port and ready cannot be judged without it
            }
        }
        Integer port = integer(portNode, join(path, "port"), 1);
        if (port != null && port > 65535) {
            at(portNode, join(path, "port"), "must be a TCP port 1..65535, got " + port);
            port = null;
        }
        String ready = text(readyNode, join(path, "ready"), "a readiness check (shell code run by bash)");
        if (ready != null && (ready.isBlank() || ready.indexOf('\0') >= 0)) {
            at(readyNode, join(path, "ready"), "must be shell code that exits 0 once the service answers");
            ready = null;
        }
        if (!service) {
            for (String key : List.of("port", "ready")) {
                Node n = m.value(key);
                if (!absent(n)) {
                    at(n, join(path, key), "only means something for a service; add service: true");
                }
            }
            return;
        }
        f.serviceNode = serviceNode;
        if (absent(portNode)) {
            at(serviceNode, join(path, "port"), "missing; a service needs port: N, the TCP port it answers on "
                    + "(its dependants find it at host:port in HWF_SERVICE_<NAME>_URL)");
        } else if (port != null) {
            f.service = new Task.Service(port, ready);
        }
        for (String key : List.of("array", "matrix")) {
            Node n = m.value(key);
            if (!absent(n)) {
                at(n, join(path, key), "a service is one job that its dependants share; it cannot be an array");
            }
        }
    }

    /**
     * Services checked against the other tasks: someone must use a service (it runs until its last
     * dependant ends), and a service is not retried (its dependants would lose it mid-way).
     */
    private void checkServices(List<Task> tasks, List<Parsed> parsed) {
        java.util.Set<String> used = new java.util.HashSet<>();
        tasks.forEach(t -> used.addAll(t.after()));
        for (int i = 0; i < tasks.size(); i++) {
            Task t = tasks.get(i);
            Parsed p = parsed.get(i);
            if (!t.isService()) {
                continue;
            }
            if (!used.contains(t.name())) {
                at(p.fields.serviceNode, join(p.path, "service"), "no task names " + Text.show(t.name())
                        + " in after; a service runs until its last dependant ends, so at least one task must "
                        + "have after: [" + t.name() + "]");
            }
            if (t.retries() > 0) {
                at(p.fields.serviceNode, join(p.path, "retries"), "a service is not retried (retries is "
                        + t.retries() + ", perhaps from defaults); set retries: 0 on it");
            }
        }
    }

    private String resolveTemplate(String template, Node node, String key) {
        try {
            Path p;
            if (template.equals("~") || template.startsWith("~/")) {
                // Templates are read on this machine, so ~ is this user's home, as a shell would read it.
                String rest = template.length() > 2 ? template.substring(2) : "";
                p = Path.of(dev.hwf.launcher.Home.dir()).resolve(rest);
            } else {
                p = baseDir.resolve(template);
            }
            p = p.toAbsolutePath().normalize();
            if (!Files.exists(p)) {
                at(node, key, "template file not found: " + Text.show(p.toString()));
                return null;
            }
            if (!Files.isRegularFile(p)) {
                at(node, key, "template is not a regular file: " + Text.show(p.toString()));
                return null;
            }
            return p.toString();
        } catch (InvalidPathException e) {
            at(node, key, Text.show(template) + " is not a valid path: " + e.getReason());
            return null;
        }
    }

    /** The task names listed under the task's {@code field} (after, afterEach), each once, with their nodes. */
    private void taskNames(MapNode m, String path, String field, List<String> names, List<Node> nodes) {
        String key = join(path, field);
        ListNode list = list(m.value(field), key, "a list of task names, e.g. [simulate]");
        if (list == null) {
            return;
        }
        for (int i = 0; i < list.items.size(); i++) {
            Node item = list.items.get(i);
            String itemKey = key + "[" + i + "]";
            if (absent(item)) {
                at(item, itemKey, "empty entry; name a task");
                continue;
            }
            String dep = text(item, itemKey, "a task name");
            if (dep != null && !names.contains(dep)) {
                names.add(dep);
                nodes.add(item);
            }
        }
    }

    /**
     * Every afterEach names an array of the same size as the task's own, not also in after: element
     * i waits for element i (SPEC section 6).
     */
    private void checkAfterEach(List<Parsed> parsed, Map<String, Parsed> byName) {
        for (Parsed p : parsed) {
            for (int i = 0; i < p.afterEach.size(); i++) {
                String dep = p.afterEach.get(i);
                Node node = p.afterEachNodes.get(i);
                String key = join(p.path, "afterEach");
                Parsed up = byName.get(dep);
                if (up == null || dep.equals(p.name)) {
                    continue; // reported with after's rules
                }
                if (p.after.contains(dep)) {
                    at(node, key, Text.show(dep) + " is in after as well; name it in one of them");
                    continue;
                }
                int mine = elements(p.fields);
                int theirs = elements(up.fields);
                if (mine == 0 || theirs == 0 || mine != theirs) {
                    at(node, key, "element i waits for element i of " + Text.show(dep) + ", so both must be arrays of "
                            + "the same size; this task has " + sizeText(mine) + ", " + dep + " has "
                            + sizeText(theirs));
                }
            }
        }
    }

    private static int elements(Fields f) {
        if (f.matrix != null) {
            return Task.sweepSize(f.matrix);
        }
        return f.array == null ? 0 : f.array;
    }

    private static String sizeText(int n) {
        return n == 0 ? "no array" : n + " element" + (n == 1 ? "" : "s");
    }

    /** Every after names a task and the tasks do not wait for each other in a circle. */
    private void checkAfter(List<Parsed> parsed, Map<String, Parsed> byName) {
        Map<String, List<String>> edges = new HashMap<>();
        Map<String, Node> edgeNodes = new HashMap<>();
        for (Parsed p : parsed) {
            for (int i = 0; i < p.after.size() + p.afterEach.size(); i++) {
                boolean each = i >= p.after.size();
                String dep = each ? p.afterEach.get(i - p.after.size()) : p.after.get(i);
                Node node = each ? p.afterEachNodes.get(i - p.after.size()) : p.afterNodes.get(i);
                String key = join(p.path, each ? "afterEach" : "after");
                if (dep.equals(p.name)) {
                    at(node, key, "a task cannot run after itself");
                } else if (!byName.containsKey(dep)) {
                    at(node, key, "no task named " + Text.show(dep)
                            + "; tasks are: " + String.join(", ", byName.keySet()));
                } else if (p.name != null && byName.get(p.name) == p) {
                    edges.computeIfAbsent(p.name, k -> new ArrayList<>()).add(dep);
                    edgeNodes.put(p.name + "\0" + dep, node);
                }
            }
        }
        // Depth-first search with an explicit stack: a long chain of tasks cannot overflow the JVM stack.
        Map<String, Integer> state = new HashMap<>(); // absent = unvisited, 1 = on the path, 2 = done
        for (String start : byName.keySet()) {
            if (state.containsKey(start)) {
                continue;
            }
            Deque<String> pathNames = new ArrayDeque<>();
            Deque<Iterator<String>> pending = new ArrayDeque<>();
            state.put(start, 1);
            pathNames.addLast(start);
            pending.addLast(edges.getOrDefault(start, List.of()).iterator());
            while (!pending.isEmpty()) {
                Iterator<String> it = pending.peekLast();
                String from = pathNames.peekLast();
                if (!it.hasNext()) {
                    state.put(from, 2);
                    pathNames.removeLast();
                    pending.removeLast();
                    continue;
                }
                String to = it.next();
                Integer s = state.get(to);
                if (s == null) {
                    state.put(to, 1);
                    pathNames.addLast(to);
                    pending.addLast(edges.getOrDefault(to, List.of()).iterator());
                } else if (s == 1) {
                    List<String> cycle = new ArrayList<>();
                    boolean in = false;
                    for (String n : pathNames) {
                        in |= n.equals(to);
                        if (in) {
                            cycle.add(n);
                        }
                    }
                    cycle.add(to);
                    at(edgeNodes.get(from + "\0" + to), join(byName.get(from).path, "after"),
                            "tasks wait for each other in a cycle: " + String.join(" -> ", cycle)
                                    + " (each waits for the next); remove one of these after entries");
                }
            }
        }
    }

    /**
     * What a launcher needs, checked on the task with its defaults applied: a one-line command (it
     * is appended to the launch line), whole processes per node, and a scheduler that can start it
     * on every node (see DistributedLaunch in the renderer), as its adapter says.
     */
    /** A packed task's elements must each fit one slot of a pilot node. */
    private void checkPacked(Task t, Parsed p, Pilot pilot, Node pilotNode) {
        if (pilot != null && Pilot.TASK.equals(t.name())) {
            at(p.namePos, join(p.path, "name"), "the name " + Pilot.TASK + " is taken by the pilot jobs hwf adds; "
                    + "rename this task");
        }
        if (!t.pilot()) {
            return;
        }
        Node at = p.fields.pilotNode;
        String key = join(p.path, "pilot");
        if (pilot == null) {
            if (absent(pilotNode)) {
                at(at, key, "needs a pilot: block at the top of the workflow (the allocations packed elements run "
                        + "in), e.g. pilot: { jobs: 2, cpus: 8, walltime: 01:00:00 }");
            }
            return;
        }
        if (t.nodes() > 1 || t.ntasks() > 1) {
            at(at, key, "a packed element runs as one process on one node of a pilot; leave nodes and ntasks at 1");
        }
        if (t.cpus() > pilot.cpus()) {
            at(at, key, "an element needs " + t.cpus() + " cores (cpus) but a pilot node offers " + pilot.cpus()
                    + " (pilot.cpus); raise pilot.cpus or lower the task's cpus");
        }
        if (t.gpus() > pilot.gpus()) {
            at(at, key, "an element needs " + t.gpus() + " GPUs but a pilot node offers " + pilot.gpus()
                    + " (pilot.gpus); raise pilot.gpus or lower the task's gpus");
        }
        if (t.launcher() != null || t.template() != null || t.arrayLimit() > 0) {
            at(at, key, "a packed task runs its command in a pilot's slot: it takes no launcher, template or "
                    + "arrayLimit (the pilots' slots limit it)");
        }
        long cores = (long) pilot.jobs() * pilot.nodes() * pilot.cpus();
        if (t.isService() && cores < Math.max(1, t.cpus()) + 1) {
            at(at, key, "a packed service holds a pilot slot while its dependants run: the pilots need more cores "
                    + "than it takes (pilot.jobs x pilot.nodes x pilot.cpus = " + cores + "; it takes "
                    + Math.max(1, t.cpus()) + ")");
        }
    }

    private void checkLauncher(Task t, Parsed p, SchedulerAdapter adapter) {
        if (t.launcher() == null) {
            return;
        }
        String key = join(p.path, "launcher");
        Node at = p.fields.launcherNode;
        if (t.command().strip().contains("\n") || t.command().contains("\r")) {
            at(p.fields.commandNode, join(p.path, "command"), "with launcher: " + t.launcher() + " the command is the"
                    + " program and its arguments that " + t.launcher() + " starts, so it must be one line");
        }
        if (t.gpus() == 0 && t.ntasks() % t.nodes() != 0) {
            at(at, key, "ntasks (" + t.ntasks() + ") must be a multiple of nodes (" + t.nodes()
                    + ") so every node starts the same number of processes");
        }
        if (adapter == null) {
            return; // the scheduler is unknown, which is reported already
        }
        String scheduler = adapter.name();
        if ("srun".equals(t.launcher()) && !adapter.offersSrun()) {
            at(at, key, "srun starts processes only on Slurm; use mpirun or torchrun on " + scheduler);
        }
        if ("torchrun".equals(t.launcher()) && t.nodes() > 1
                && adapter.nodeLaunch(t.nodes()) instanceof NodeLaunch.OneNodeOnly) {
            at(at, key, "the " + scheduler + " scheduler runs on this one machine; use nodes: 1 with torchrun on "
                    + scheduler);
        }
        if ("torchrun".equals(t.launcher()) && t.nodes() > 1 && !t.secrets().isEmpty()
                && adapter.nodeLaunch(t.nodes()) instanceof NodeLaunch.FromLaunchFile) {
            at(at, key, "on " + scheduler + " a torchrun over several nodes gets its variables from a file in the task"
                    + " directory, and a secret (env " + String.join(", ", t.secrets().keySet()) + ") is never written"
                    + " to a file; use launcher: mpirun, or one node");
        }
    }

    private Task build(Parsed p, Fields d, Site site) {
        Fields t = p.fields;
        int gpus = first(t.gpus, d.gpus, 0);
        String ownPartition = t.partition;
        String partition;
        if (ownPartition != null) {
            partition = ownPartition;
        } else if (gpus > 0 && site.gpuPartition() != null) {
            partition = site.gpuPartition();
        } else {
            partition = d.partition;
        }
        Map<String, String> env = new LinkedHashMap<>();
        Map<String, String> secrets = new LinkedHashMap<>();
        for (Fields f : List.of(d, t)) { // the task's own value wins, plain or secret
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
        List<String> upstream = new ArrayList<>(p.after);
        upstream.addAll(p.afterEach); // every upstream task is in after; afterEach says which wait element-wise
        return new Task(p.name, p.command, upstream, first(t.nodes, d.nodes, 1), first(t.ntasks, d.ntasks, 1),
                first(t.cpus, d.cpus, 1), first(t.memoryMb, d.memoryMb, 0L), first(t.walltime, d.walltime, 0L),
                partition, t.account != null ? t.account : d.account, t.qos != null ? t.qos : d.qos, env,
                first(t.retries, d.retries, 0), directives, t.template, gpus,
                t.matrix != null ? Task.sweepSize(t.matrix) : first(t.array, null, 0),
                first(t.arrayLimit, null, 0), t.matrix != null ? t.matrix : Map.of(), t.launcher, t.service, t.pilot,
                secrets, t.software.over(d.software), p.afterEach);
    }

    private static <T> T first(T own, T fallback, T otherwise) {
        return own != null ? own : fallback != null ? fallback : otherwise;
    }
}
