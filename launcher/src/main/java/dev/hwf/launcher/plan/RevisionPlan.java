package dev.hwf.launcher.plan;

import dev.hwf.api.JobState;
import dev.hwf.launcher.ExitCodes;
import dev.hwf.launcher.HwfException;
import dev.hwf.launcher.journal.Journal;
import dev.hwf.launcher.journal.Revision;
import dev.hwf.launcher.journal.RunSnapshot;
import dev.hwf.launcher.journal.StateCounts;
import dev.hwf.launcher.journal.TaskRecord;
import dev.hwf.launcher.workflow.Pilot;
import dev.hwf.launcher.workflow.Task;
import dev.hwf.launcher.workflow.Workflow;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * What {@code hwf resume RUN --file/--set} does to a run: each task of the new version is kept,
 * run again (its definition changed, or an upstream task runs again), resumed as a plain resume
 * would (what failed, was cancelled or never ran), or added; a task the new version leaves out is
 * dropped if it was never submitted, and refused otherwise. Planned from the run as the journal
 * has it, before anything changes; {@link Journal#switchVersion} then applies it in one transaction.
 *
 * @param steps    one per task, upstream tasks first
 * @param revision what the journal changes
 */
public record RevisionPlan(List<Step> steps, Revision revision) {

    /**
     * What happens to one task, and why ("definition changed", "upstream changed", ...);
     * {@code ran}: whether the task was submitted before.
     */
    public record Step(String task, Action action, String why, boolean ran) {
        Step(String task, Action action, String why) {
            this(task, action, why, true);
        }
    }

    /** The kinds of {@link Step}. */
    public enum Action {
        /** SUCCEEDED with an unchanged definition and upstream: kept as it is. */
        KEEP,
        /** Every element runs again. */
        RERUN,
        /** What failed, was cancelled or never ran runs, as {@code hwf resume} does. */
        RESUME,
        /** New in this version. */
        ADD,
        /** Left out of this version, never submitted: removed from the run. */
        DROP
    }

    /**
     * Plans the switch of {@code snap}'s run from {@code old} (whose definitions were {@code oldDefs})
     * to {@code next} ({@code nextDefs}).
     *
     * @throws HwfException (exit 2) naming every reason the new version cannot apply to this run
     */
    public static RevisionPlan plan(RunSnapshot snap, Workflow old, Map<String, String> oldDefs, Workflow next,
                              Map<String, String> nextDefs) {
        List<String> refused = new ArrayList<>();
        if (!old.name().equals(next.name())) {
            refused.add("the workflow's name is " + next.name() + " but the run's is " + old.name()
                    + "; a run keeps its name (submit a new run instead)");
        }
        if (!old.scheduler().equals(next.scheduler())) {
            refused.add("scheduler changed from " + old.scheduler() + " to " + next.scheduler()
                    + "; a run stays on its scheduler");
        }
        if (!Objects.equals(old.site().host(), next.site().host())
                || !Objects.equals(old.site().workdir(), next.site().workdir())) {
            refused.add("site.host and site.workdir cannot change within a run: its jobs and files are there");
        }
        Set<String> drop = new LinkedHashSet<>();
        for (Task t : old.tasks()) {
            if (!next.has(t.name()) && !isPilots(old, t)) {
                TaskRecord rec = snap.task(t.name());
                if (rec != null && rec.attempt() > 0) {
                    refused.add("task " + t.name() + " ran in this run (attempt " + rec.attempt() + "); a resume"
                            + " cannot remove a task that ran: keep it in the workflow");
                } else {
                    drop.add(t.name());
                }
            }
        }
        List<Step> steps = new ArrayList<>();
        Map<String, String> rerun = new LinkedHashMap<>();
        Set<String> add = new LinkedHashSet<>();
        Set<String> again = new HashSet<>();
        for (Task t : upstreamFirst(next)) {
            if (isPilots(next, t)) {
                continue; // the pilot jobs follow their packed tasks
            }
            String name = t.name();
            TaskRecord rec = old.has(name) ? snap.task(name) : null;
            Step step;
            if (rec == null) {
                step = new Step(name, Action.ADD, "added");
                add.add(name);
                again.add(name);
            } else if (!Objects.equals(oldDefs.get(name), nextDefs.get(name))) {
                step = new Step(name, Action.RERUN, "definition changed", rec.attempt() > 0);
            } else if (t.after().stream().anyMatch(again::contains)) {
                step = new Step(name, Action.RERUN, "upstream changed", rec.attempt() > 0);
            } else {
                StateCounts n = snap.counts(name);
                int open = n.of(JobState.FAILED) + n.of(JobState.CANCELLED) + n.of(JobState.WAITING);
                int live = n.of(JobState.QUEUED) + n.of(JobState.RUNNING);
                step = open == 0 ? new Step(name, Action.KEEP, live == 0 ? "unchanged" : "unchanged, " + live
                        + " element(s) queued or running, followed") : new Step(name, Action.RESUME, resumeWhy(n));
            }
            if (step.action() == Action.RERUN) {
                rerun.put(name, step.why());
                again.add(name);
                StateCounts n = snap.counts(name);
                int live = n.of(JobState.QUEUED) + n.of(JobState.RUNNING);
                if (live > 0) {
                    refused.add("task " + name + " must run again (" + step.why() + ") but has " + live + " element(s)"
                            + " queued or running its old definition; wait for them (hwf watch " + snap.run().id()
                            + ") or cancel the run (hwf cancel " + snap.run().id() + "), then resume");
                }
            }
            steps.add(step);
        }
        for (String d : drop) {
            steps.add(new Step(d, Action.DROP, "left out of the new version, never submitted"));
        }
        if (!refused.isEmpty()) {
            throw new HwfException(ExitCodes.BAD_INPUT, "cannot apply the new workflow to run " + snap.run().id()
                    + ":\n  " + String.join("\n  ", refused) + "\nNothing was changed.");
        }
        Map<String, Integer> sizes = new LinkedHashMap<>();
        List<String> order = new ArrayList<>();
        for (Task t : next.tasks()) {
            sizes.put(t.name(), t.array());
            order.add(t.name());
        }
        return new RevisionPlan(steps, new Revision(order, sizes, drop, add, rerun));
    }

    /** The plan as {@code --dry-run} prints it: one line per task. */
    public String describe() {
        StringBuilder sb = new StringBuilder();
        for (Step s : steps) {
            String what = switch (s.action()) {
                case KEEP -> "kept";
                case RERUN -> s.ran() ? "runs again" : "runs";
                case RESUME -> "resumes";
                case ADD -> "runs (new)";
                case DROP -> "removed";
            };
            sb.append(String.format("  %-24s %-11s %s%n", s.task(), what, s.why()));
        }
        return sb.toString();
    }

    private static String resumeWhy(StateCounts n) {
        List<String> parts = new ArrayList<>();
        if (n.of(JobState.FAILED) > 0) {
            parts.add(n.of(JobState.FAILED) + " failed");
        }
        if (n.of(JobState.CANCELLED) > 0) {
            parts.add(n.of(JobState.CANCELLED) + " cancelled");
        }
        if (n.of(JobState.WAITING) > 0) {
            parts.add(n.of(JobState.WAITING) + " never ran");
        }
        return String.join(", ", parts) + (n.total() == 1 ? "" : " of " + n.total() + " elements");
    }

    private static boolean isPilots(Workflow wf, Task t) {
        return wf.pilot() != null && Pilot.TASK.equals(t.name());
    }

    /** The workflow's tasks with every task after those it names in {@code after} (file order otherwise). */
    static List<Task> upstreamFirst(Workflow wf) {
        List<Task> out = new ArrayList<>();
        Set<String> placed = new HashSet<>();
        while (out.size() < wf.tasks().size()) {
            boolean moved = false;
            for (Task t : wf.tasks()) {
                if (!placed.contains(t.name()) && placed.containsAll(t.after())) {
                    out.add(t);
                    placed.add(t.name());
                    moved = true;
                }
            }
            if (!moved) {
                throw new IllegalStateException("workflow " + wf.name() + " has a cycle"); // validation rules it out
            }
        }
        return out;
    }
}
