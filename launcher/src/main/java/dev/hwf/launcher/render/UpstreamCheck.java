package dev.hwf.launcher.render;

import dev.hwf.api.ShellQuote;
import dev.hwf.launcher.exec.TaskDir;
import dev.hwf.launcher.workflow.Task;
import dev.hwf.launcher.workflow.Workflow;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * The lines a dependant's job script runs before its command: every upstream element it waits for
 * must have left its own exit code file saying 0 ({@code exit.ATTEMPT.INDEX} in the upstream's task
 * directory, written by that element's job script). If one has not, the element ends at once, runs
 * nothing, and leaves {@code reason.ATTEMPT.INDEX} starting with {@link #NOT_RUN}; hwf then records
 * it as not run (never SUCCEEDED) and holds or cancels it as its upstream's state says.
 *
 * <p>A missing file is looked for again after 1, 3 and 6 seconds ({@code HWF_UPSTREAM_WAIT} in the job's
 * environment overrides the waits), listing its directory each time: on a network file system a file
 * another node has just written may not show at once.
 *
 * <p>So a dependant never runs after an upstream element that did not succeed, whatever the
 * scheduler's dependency semantics (PBS Pro releases an {@code afterok} on an array when the
 * element that ended last succeeded) and whether or not hwf is running. A whole-task check is the
 * same for every element of a dependant's attempt: the first element that passes it leaves
 * {@code upstream.ATTEMPT.ok} beside its logs, and the others trust that (an attempt's exit code
 * files are written once), so an array after a large array reads the upstream files once.
 *
 * @param upstreams one entry per upstream task checked, in workflow order; empty: no check
 */
public record UpstreamCheck(List<Upstream> upstreams) {
    /** How the reason of an element that did not run for its upstream begins. */
    public static final String NOT_RUN = "not run: upstream ";

    /** No upstream to check. */
    public static final UpstreamCheck NONE = new UpstreamCheck(List.of());

    /** An upstream element's exit code file, as the check's shell names it: attempt $a, element $i. */
    private static final String EXIT_FILE = TaskDir.exit(TaskDir.tag("$a", "$i"));

    /** The mark the first element of an attempt leaves once the attempt's whole upstream passed. */
    private static final String UPSTREAM_OK = TaskDir.upstreamOk("$HWF_ATTEMPT");

    public UpstreamCheck {
        upstreams = List.copyOf(upstreams);
    }

    /**
     * One upstream task.
     *
     * @param task    its name (a validated task name)
     * @param taskDir its task directory, on the machine the jobs run on
     * @param array   whether it is an array (the reason then names the element, {@code sim[3]})
     * @param each    element-wise ({@code afterEach}): element i checks the upstream's element i only
     * @param runs    the attempt each of its elements was last part of, as runs of indices
     */
    public record Upstream(String task, String taskDir, boolean array, boolean each, List<Run> runs) {
        public Upstream {
            runs = List.copyOf(runs);
        }
    }

    /** Elements {@code from} to {@code to} (inclusive) of an upstream, last part of attempt {@code attempt}. */
    public record Run(int attempt, int from, int to) {
        public Run {
            if (attempt < 1 || from < 0 || to < from) {
                throw new IllegalArgumentException("not a run of elements: attempt " + attempt + ", " + from + "-" + to);
            }
        }

        @Override
        public String toString() {
            return attempt + ":" + from + "-" + to;
        }
    }

    /**
     * Runs of consecutive elements with the same attempt, from each element's attempt (index i:
     * {@code attempts[i]}; 0 = an element in no attempt yet, left out: the check then fails for it).
     */
    public static List<Run> runs(int[] attempts) {
        List<Run> out = new ArrayList<>();
        int i = 0;
        while (i < attempts.length) {
            if (attempts[i] < 1) {
                i++;
                continue;
            }
            int j = i;
            while (j + 1 < attempts.length && attempts[j + 1] == attempts[i]) {
                j++;
            }
            out.add(new Run(attempts[i], i, j));
            i = j + 1;
        }
        return out;
    }

    /**
     * The check of a task's job: one entry per upstream task it waits for
     * ({@link JobScripts#checkedUpstream}), each with its task directory and, per element, the attempt
     * whose exit code file counts ({@code attempts}: index i, element i's attempt; 0 = none yet).
     */
    public static UpstreamCheck of(Workflow workflow, Task task, Function<String, String> taskDir,
                                   Function<String, int[]> attempts) {
        List<Upstream> out = new ArrayList<>();
        for (String up : JobScripts.checkedUpstream(workflow, task)) {
            out.add(new Upstream(up, taskDir.apply(up), workflow.task(up).isArray(), task.elementWise(up),
                    runs(attempts.apply(up))));
        }
        return out.isEmpty() ? NONE : new UpstreamCheck(out);
    }

    public boolean isEmpty() {
        return upstreams.isEmpty();
    }

    /** The lines the job script runs before the task's command; empty when there is nothing to check. */
    public String lines() {
        if (upstreams.isEmpty()) {
            return "";
        }
        StringBuilder sb = new StringBuilder();
        sb.append("# upstream check: run only if every upstream element this one waits for left its exit code\n")
                .append("# file saying 0; otherwise end now, run nothing, and say why in reason.ATTEMPT.INDEX\n")
                .append(SoftwareEnv.REASON_FUNCTION)
                .append("hwf_not_run() {\n")
                .append("    hwf_reason ").append(ShellQuote.quote(NOT_RUN)).append("\"$1 not SUCCEEDED\"\n")
                .append("    exit 1\n")
                .append("}\n")
                .append("# DIR NAME ARRAY EACH ATTEMPT:FROM-TO...\n")
                .append("hwf_upstream() {\n")
                .append("    local dir=$1 name=$2 array=$3 each=$4 run a from to i code seen=0\n")
                .append("    shift 4\n")
                .append("    for run in \"$@\"; do\n")
                .append("        a=${run%%:*}; run=${run#*:}; from=${run%-*}; to=${run#*-}\n")
                .append("        if [ \"$each\" = 1 ]; then\n")
                .append("            [ \"$HWF_ARRAY_INDEX\" -ge \"$from\" ] && [ \"$HWF_ARRAY_INDEX\" -le \"$to\" ]"
                        + " || continue\n")
                .append("            from=$HWF_ARRAY_INDEX; to=$HWF_ARRAY_INDEX\n")
                .append("        fi\n")
                .append("        seen=1\n")
                .append("        for ((i = from; i <= to; i++)); do\n")
                .append("            code=\n")
                .append("            read -r code 2>/dev/null <\"$dir/" + EXIT_FILE + "\"\n")
                .append("            if [ \"$code\" != 0 ] && [ ! -e \"$dir/" + EXIT_FILE + "\" ]; then\n")
                .append("                # a file another node wrote a moment ago can take a while to show on a\n")
                .append("                # network file system (cached lookups): look again before giving up\n")
                .append("                for hwf_wait in ${HWF_UPSTREAM_WAIT-1 3 6}; do\n")
                .append("                    sleep \"$hwf_wait\"; ls \"$dir\" >/dev/null 2>&1\n")
                .append("                    read -r code 2>/dev/null <\"$dir/" + EXIT_FILE + "\" && break\n")
                .append("                done\n")
                .append("            fi\n")
                .append("            if [ \"$code\" != 0 ]; then\n")
                .append("                if [ \"$array\" = 1 ]; then hwf_not_run \"$name[$i]\"; else hwf_not_run \"$name\"; fi\n")
                .append("            fi\n")
                .append("        done\n")
                .append("    done\n")
                .append("    if [ \"$seen\" = 0 ]; then\n")
                .append("        if [ \"$array\" = 1 ] && [ \"$each\" = 1 ]; then hwf_not_run \"$name[$HWF_ARRAY_INDEX]\";"
                        + " else hwf_not_run \"$name\"; fi\n")
                .append("    fi\n")
                .append("}\n");
        boolean whole = upstreams.stream().anyMatch(u -> !u.each());
        if (whole) {
            sb.append("if [ ! -e \"" + UPSTREAM_OK + "\" ]; then\n");
            for (Upstream u : upstreams) {
                if (!u.each()) {
                    sb.append("    ").append(call(u)).append('\n');
                }
            }
            sb.append("    (umask \"${hwf_own_umask:-077}\" && : >\"" + UPSTREAM_OK + "\")\n")
                    .append("fi\n");
        }
        for (Upstream u : upstreams) {
            if (u.each()) {
                sb.append(call(u)).append('\n');
            }
        }
        return sb.toString();
    }

    private static String call(Upstream u) {
        StringBuilder sb = new StringBuilder("hwf_upstream ").append(ShellQuote.quote(u.taskDir())).append(' ')
                .append(ShellQuote.quote(u.task())).append(' ').append(u.array() ? 1 : 0).append(' ')
                .append(u.each() ? 1 : 0);
        for (Run r : u.runs()) {
            sb.append(' ').append(r);
        }
        return sb.toString();
    }
}
