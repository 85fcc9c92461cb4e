package dev.hwf.launcher.plan;

import dev.hwf.api.SchedulerAdapter;
import dev.hwf.launcher.journal.WorkflowVersion;
import dev.hwf.launcher.render.JobScripts;
import dev.hwf.launcher.workflow.Pilot;
import dev.hwf.launcher.workflow.Task;
import dev.hwf.launcher.workflow.Workflow;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeSet;

/**
 * What counts as "the same definition" of a task, for {@code hwf resume --file} and
 * {@code hwf submit --reuse}: a SHA-256 over the task's first job script as hwf renders it, with
 * the run's names made neutral (run id {@value #RUN}, work directory {@value #WORKDIR}), followed by
 * the names of the tasks it runs after (and element by element, afterEach). The script holds what
 * decides what the job does:
 * the directives (resources, partition, account, directives), the exports (env, secrets by reference,
 * sweep parameters, array size), the modules, setup and container lines, the launch line and the
 * command, all within the template it was rendered from (its text, read when the hash is taken).
 * The hash is kept with each version of a run, so a template file edited since is seen as a change.
 * The pilot jobs hwf adds have no definition of their own here: they follow their packed tasks.
 */
public final class Definitions {
    static final String RUN = "RUN";
    static final String WORKDIR = "/WORKDIR";

    private Definitions() {
    }

    /** Each task's definition hash, in workflow order (the pilot jobs left out). */
    public static Map<String, String> of(Workflow wf, SchedulerAdapter adapter) {
        JobScripts scripts = new JobScripts(wf, RUN, WORKDIR, adapter);
        Map<String, String> out = new LinkedHashMap<>();
        for (Task t : wf.tasks()) {
            if (Pilot.TASK.equals(t.name()) && wf.pilot() != null) {
                continue;
            }
            String text = scripts.definition(t).text() + "\n# after: " + new TreeSet<>(t.after())
                    + (t.afterEach().isEmpty() ? "" : "\n# afterEach: " + new TreeSet<>(t.afterEach()));
            out.put(t.name(), sha256(text));
        }
        return out;
    }

    /**
     * The definitions a version of a run was made with; for a version recorded before hwf kept them,
     * those of its workflow ({@code wf}) as this hwf renders it now.
     */
    public static Map<String, String> of(WorkflowVersion version, Workflow wf,
                                         SchedulerAdapter adapter) {
        return version.definitions().isEmpty() ? of(wf, adapter) : version.definitions();
    }

    static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
