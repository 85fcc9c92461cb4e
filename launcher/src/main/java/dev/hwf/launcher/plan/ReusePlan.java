package dev.hwf.launcher.plan;

import dev.hwf.api.JobState;
import dev.hwf.api.SchedulerAdapter;
import dev.hwf.launcher.ExitCodes;
import dev.hwf.launcher.HwfException;
import dev.hwf.launcher.exec.SiteFiles;
import dev.hwf.launcher.journal.Journal;
import dev.hwf.launcher.journal.Reuse;
import dev.hwf.launcher.journal.RunRecord;
import dev.hwf.launcher.journal.RunSnapshot;
import dev.hwf.launcher.journal.SpecCodec;
import dev.hwf.launcher.journal.TaskRecord;
import dev.hwf.launcher.journal.WorkflowVersion;
import dev.hwf.launcher.render.RunLayout;
import dev.hwf.launcher.workflow.Task;
import dev.hwf.launcher.workflow.Workflow;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code hwf submit FILE --reuse [RUN]}: the tasks of a new run that are recorded SUCCEEDED at once
 * from an earlier run of the same workflow: every task whose definition hash (see
 * {@link Definitions}) is the one that run's task SUCCEEDED with, and whose upstream tasks are all
 * reused too. A service is never reused (its dependants need it running), nor are the pilot jobs.
 */
public final class ReusePlan {
    private ReusePlan() {
    }

    /**
     * The run to reuse from and the tasks taken from it.
     *
     * @param from a run id, or null or empty for the newest run of the workflow
     */
    public static Reuse plan(Journal journal, Workflow wf, Map<String, String> defs, String from,
                                     SchedulerAdapter adapter) {
        RunRecord source = from == null || from.isBlank() ? newest(journal, wf.name()) : journal.run(from);
        if (!source.workflow().equals(wf.name())) {
            throw new HwfException(ExitCodes.BAD_INPUT, "run " + source.id() + " is of workflow " + source.workflow()
                    + ", not " + wf.name() + "; --reuse takes a run of the same workflow");
        }
        List<WorkflowVersion> versions = journal.versions(source.id());
        Workflow sourceWf = SpecCodec.fromJson(source.spec());
        Map<String, String> sourceDefs = Definitions.of(versions.get(versions.size() - 1), sourceWf, adapter);
        RunSnapshot snap = journal.openSnapshot(source.id());
        Set<String> reused = new LinkedHashSet<>();
        for (Task t : RevisionPlan.upstreamFirst(wf)) {
            TaskRecord done = sourceWf.has(t.name()) ? snap.task(t.name()) : null;
            // a task reused there too has its directory pointing at where it ran: linked to, it still is
            if (done != null && done.state() == JobState.SUCCEEDED && !t.isService() && defs.containsKey(t.name())
                    && defs.get(t.name()).equals(sourceDefs.get(t.name())) && reused.containsAll(t.after())) {
                reused.add(t.name());
            }
        }
        return new Reuse(source.id(), reused);
    }

    private static RunRecord newest(Journal journal, String workflow) {
        return journal.runs().stream().filter(r -> r.workflow().equals(workflow)).findFirst()
                .map(r -> journal.run(r.id()))
                .orElseThrow(() -> new HwfException(ExitCodes.BAD_INPUT, "no earlier run of workflow " + workflow
                        + " in this journal to reuse from ('hwf runs' lists them); submit without --reuse"));
    }

    /**
     * Points each reused task's directory in the new run at the directory it ran in, so that
     * {@code hwf logs} and the report find its output: a symbolic link, made when missing.
     */
    public static void link(SiteFiles files, Journal journal, RunSnapshot run) {
        for (TaskRecord t : run.tasks()) {
            if (t.reusedFrom() == null) {
                continue;
            }
            RunRecord from = journal.run(t.reusedFrom());
            String link = RunLayout.taskDir(run.run().workdir(), run.run().id(), t.name());
            String target = RunLayout.taskDir(from.workdir(), from.id(), t.name());
            files.mkdirs(run.run().workdir() + "/" + run.run().id());
            files.link(target, link);
        }
    }
}
