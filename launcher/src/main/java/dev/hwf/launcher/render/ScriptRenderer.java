package dev.hwf.launcher.render;

import dev.hwf.api.AdapterSupport;
import dev.hwf.api.JobRequest;
import dev.hwf.api.SchedulerAdapter;
import dev.hwf.api.ShellQuote;
import dev.hwf.launcher.ExitCodes;
import dev.hwf.launcher.HwfException;
import dev.hwf.launcher.exec.FileModes;
import dev.hwf.launcher.workflow.Task;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Renders a task's job script from its template: {@code {{name}}} placeholders are replaced by
 * values computed here. Every value except the task's command is quoted for bash (or is a
 * validated name or number), so nothing a user writes can leave the place it is put.
 */
public final class ScriptRenderer {
    /** The placeholders a template may use. */
    public static final Set<String> PLACEHOLDERS = Set.of("directives", "exports", "task_dir", "command", "workflow",
            "run", "task", "attempt", "template", "umask");

    private static final Pattern PLACEHOLDER = Pattern.compile("\\{\\{\\s*([A-Za-z_]+)\\s*}}");

    private ScriptRenderer() {
    }

    /**
     * What a script is rendered for.
     *
     * @param services    the names of the workflow's service tasks
     * @param serviceUrls host:port of those that are ready now, by name
     * @param umask       the umask the job writes hwf's own files under (logs, exit code and ready
     *                    files): {@code 077}, or {@code 027} with {@code site.share: group}
     * @param upstream    the upstream elements the job checks before its command runs
     */
    public record Context(String workflow, String runId, int attempt, String taskDir, JobRequest request,
                          Set<String> services, Map<String, String> serviceUrls, int indexOffset, String umask,
                          UpstreamCheck upstream) {
        public Context {
            Objects.requireNonNull(upstream, "upstream");
            services = Set.copyOf(services);
            serviceUrls = Map.copyOf(serviceUrls);
            if (indexOffset < 0) {
                throw new IllegalArgumentException("index offset < 0: " + indexOffset);
            }
            if (!umask.matches("0?[0-7]{3}")) {
                throw new IllegalArgumentException("not a umask: " + umask);
            }
        }

        /** A script that checks no upstream. */
        public Context(String workflow, String runId, int attempt, String taskDir, JobRequest request,
                       Set<String> services, Map<String, String> serviceUrls, int indexOffset, String umask) {
            this(workflow, runId, attempt, taskDir, request, services, serviceUrls, indexOffset, umask,
                    UpstreamCheck.NONE);
        }

        /** A script whose files are private. */
        public Context(String workflow, String runId, int attempt, String taskDir, JobRequest request,
                       Set<String> services, Map<String, String> serviceUrls, int indexOffset) {
            this(workflow, runId, attempt, taskDir, request, services, serviceUrls, indexOffset,
                    FileModes.PRIVATE.umask());
        }

        /** A script whose scheduler array indices are the element indices. */
        public Context(String workflow, String runId, int attempt, String taskDir, JobRequest request,
                       Set<String> services, Map<String, String> serviceUrls) {
            this(workflow, runId, attempt, taskDir, request, services, serviceUrls, 0);
        }

        /** A script of a workflow without services. */
        public Context(String workflow, String runId, int attempt, String taskDir, JobRequest request) {
            this(workflow, runId, attempt, taskDir, request, Set.of(), Map.of());
        }
    }

    /** The template text for a task: its own {@code template:}, else the scheduler's default. */
    public static Template template(Task task, String scheduler) {
        if (task.template() != null) {
            try {
                return new Template(task.template(), Files.readString(Path.of(task.template()), StandardCharsets.UTF_8));
            } catch (IOException e) {
                throw new HwfException(ExitCodes.BAD_INPUT, "task " + task.name() + ": cannot read template "
                        + task.template() + ": " + e.getMessage());
            }
        }
        String resource = "/templates/" + scheduler + ".sh";
        try (InputStream in = ScriptRenderer.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new HwfException(ExitCodes.BAD_INPUT, "no default template for scheduler " + scheduler);
            }
            return new Template("templates/" + scheduler + ".sh", new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new IllegalStateException("cannot read bundled template " + resource, e);
        }
    }

    /** A template's name (for messages and the script's header) and text. */
    public record Template(String name, String text) {
    }

    /** Renders one job script. */
    public static String render(Template template, Task task, SchedulerAdapter adapter, Context ctx) {
        Map<String, String> values = new LinkedHashMap<>();
        values.put("directives", String.join("\n", adapter.directives(ctx.request())));
        values.put("exports", exports(task, adapter, ctx));
        values.put("task_dir", ShellQuote.quote(ctx.taskDir()));
        // a task with a launcher gets its launch line here, so templates without a new placeholder work
        String command = DistributedLaunch.command(task, adapter, ctx.taskDir());
        // the upstream check first: an element whose upstream did not succeed loads nothing and runs nothing
        values.put("command", ctx.upstream().lines() + SoftwareEnv.prelude(task)
                + (task.isService() ? ServiceLaunch.wrap(task, command) : command));
        values.put("workflow", ctx.workflow());
        values.put("run", ctx.runId());
        values.put("task", task.name());
        values.put("attempt", Integer.toString(ctx.attempt()));
        values.put("umask", ctx.umask());
        // the template path appears in a comment: keep it on one line
        values.put("template", template.name().replaceAll("[\\p{Cntrl}]", "?"));
        return substitute(template, values);
    }

    static String exports(Task task, SchedulerAdapter adapter, Context ctx) {
        StringBuilder sb = new StringBuilder();
        sb.append("export HWF_RUN=").append(ShellQuote.quote(ctx.runId())).append('\n');
        sb.append("export HWF_TASK=").append(ShellQuote.quote(task.name())).append('\n');
        sb.append("export HWF_ATTEMPT=").append(ctx.attempt()).append('\n');
        // the adapter's expression is code, not user input: it must expand inside the job
        if (ctx.indexOffset() == 0) {
            sb.append("export HWF_ARRAY_INDEX=\"").append(adapter.arrayIndexExpression()).append("\"\n");
        } else {
            // one of several array jobs of the task: its scheduler index 0 is element indexOffset
            sb.append("export HWF_ARRAY_INDEX=\"$((").append(ctx.indexOffset()).append(" + ")
                    .append(adapter.arrayIndexExpression()).append("))\"\n");
        }
        sb.append(arrayOnly(adapter, ctx));
        sb.append("export HWF_ARRAY_SIZE=").append(task.array()).append('\n');
        for (Map.Entry<String, String> e : task.env().entrySet()) {
            if (!ShellQuote.isVariableName(e.getKey())) {
                throw new IllegalArgumentException("not a variable name: " + e.getKey());
            }
            sb.append("export ").append(e.getKey()).append('=').append(ShellQuote.quote(e.getValue())).append('\n');
        }
        for (Map.Entry<String, String> e : task.secrets().entrySet()) {
            if (!ShellQuote.isVariableName(e.getKey()) || !ShellQuote.isVariableName(e.getValue())) {
                throw new IllegalArgumentException("not a variable name: " + e.getKey() + " / " + e.getValue());
            }
            sb.append("# ").append(e.getKey()).append('=').append(Task.secretShown(e.getValue()))
                    .append(": a secret, in the job's environment from its submission; never written here\n");
        }
        if (task.isSweep()) {
            sb.append(sweep(task));
        }
        if (task.isService()) {
            sb.append(ServiceLaunch.exports(task, adapter));
        }
        sb.append(ServiceLaunch.dependantExports(task, ctx.serviceUrls(), ctx.services()));
        return sb.toString().stripTrailing();
    }

    /**
     * For an array job that starts more elements than hwf asked for ({@link SchedulerAdapter#startsOnly}
     * false: PBS Pro's one covering range), the lines that end every other element at once, before it
     * runs or writes anything: {@code HWF_ARRAY_ONLY} lists the wanted elements in the numbering of
     * HWF_ARRAY_INDEX (the element index, the job's offset included), so a template that compares
     * the two itself agrees. Empty for every other job.
     */
    static String arrayOnly(SchedulerAdapter adapter, Context ctx) {
        JobRequest r = ctx.request();
        if (!r.isArray() || adapter.startsOnly(r.arrayIndices())) {
            return "";
        }
        TreeSet<Integer> wanted = new TreeSet<>();
        r.arrayIndices().forEach(i -> wanted.add(i + ctx.indexOffset()));
        return "# this array job's range holds elements hwf did not ask for: they end here, running nothing\n"
                + "export HWF_ARRAY_ONLY=" + AdapterSupport.runs(wanted, ":") + "\n"
                + "hwf_wanted=no\n"
                + "for hwf_run in ${HWF_ARRAY_ONLY//:/ }; do\n"
                + "    if [ \"$HWF_ARRAY_INDEX\" -ge \"${hwf_run%-*}\" ] && [ \"$HWF_ARRAY_INDEX\" -le \"${hwf_run#*-}\" ]; then\n"
                + "        hwf_wanted=yes\n"
                + "    fi\n"
                + "done\n"
                + "[ \"$hwf_wanted\" = yes ] || exit 0\n";
    }

    /**
     * The parameters of a sweep, chosen by the element's index: one case branch per element that
     * exports each parameter under its own name and all of them as HWF_PARAMS (name=value,...).
     * They come after env, so a parameter wins over an env entry of the same name.
     */
    static String sweep(Task task) {
        StringBuilder sb = new StringBuilder();
        sb.append("# parameter sweep: element index -> parameters (first matrix key varies slowest)\n");
        sb.append("case \"$HWF_ARRAY_INDEX\" in\n");
        for (int i = 0; i < task.array(); i++) {
            Map<String, String> params = task.params(i);
            StringBuilder all = new StringBuilder();
            sb.append("    ").append(i).append(")");
            for (Map.Entry<String, String> p : params.entrySet()) {
                if (!ShellQuote.isVariableName(p.getKey())) {
                    throw new IllegalArgumentException("not a variable name: " + p.getKey());
                }
                sb.append(" export ").append(p.getKey()).append('=').append(ShellQuote.quote(p.getValue())).append(';');
                if (all.length() > 0) {
                    all.append(',');
                }
                all.append(p.getKey()).append('=').append(p.getValue());
            }
            sb.append(" export HWF_PARAMS=").append(ShellQuote.quote(all.toString())).append(" ;;\n");
        }
        sb.append("    *) echo \"hwf: no sweep parameters for array index $HWF_ARRAY_INDEX\" >&2; exit 1 ;;\n");
        sb.append("esac\n");
        return sb.toString();
    }

    static String substitute(Template template, Map<String, String> values) {
        Matcher m = PLACEHOLDER.matcher(template.text());
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String key = m.group(1);
            String value = values.get(key);
            if (value == null) {
                int line = 1 + (int) template.text().substring(0, m.start()).chars().filter(ch -> ch == '\n').count();
                throw new HwfException(ExitCodes.BAD_INPUT, template.name() + ":" + line + ": unknown placeholder {{"
                        + key + "}}; a template may use " + List.copyOf(new TreeSet<>(PLACEHOLDERS)));
            }
            m.appendReplacement(out, Matcher.quoteReplacement(value));
        }
        m.appendTail(out);
        return out.toString();
    }
}
