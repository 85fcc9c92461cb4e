package dev.hwf.launcher.report;

import dev.hwf.launcher.journal.AttemptRecord;
import dev.hwf.launcher.journal.RunSnapshot;
import dev.hwf.launcher.journal.StagingLog.CopiedFile;
import dev.hwf.launcher.workflow.Task;
import dev.hwf.launcher.workflow.Workflow;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Where a run's work went and what moved between its sites (SPEC section 7): each task's site,
 * each placement with its reason, and every file copied with its size, checksum and times.
 *
 * @param tasks      each task's site, in workflow order
 * @param placements every attempt hwf placed among several sites, with why
 * @param copies     every file placed in a dependant's directory from another site
 */
public record SitesReport(List<TaskSite> tasks, List<Placed> placements, List<CopiedFile> copies) {
    /** No sites to speak of: a workflow without {@code sites:}. */
    public static final SitesReport NONE = new SitesReport(List.of(), List.of(), List.of());

    public SitesReport {
        tasks = List.copyOf(tasks);
        placements = List.copyOf(placements);
        copies = List.copyOf(copies);
    }

    /** A task and the site of its last attempt (else its first site). */
    public record TaskSite(String task, String site) {
    }

    /** One attempt placed among a task's sites. */
    public record Placed(String task, int attempt, String site, String why) {
    }

    /** Bytes copied between sites (files found already in place count nothing). */
    public long bytesMoved() {
        return copies.stream().filter(c -> !c.alreadyThere()).mapToLong(CopiedFile::bytes).sum();
    }

    public boolean isEmpty() {
        return tasks.isEmpty();
    }

    /** The run's sites and copies; {@link #NONE} for a workflow without {@code sites:}. */
    public static SitesReport of(RunSnapshot snap, Workflow wf, List<CopiedFile> copies) {
        if (wf == null || !wf.hasSites()) {
            return NONE;
        }
        Map<String, AttemptRecord> last = lastAttempts(snap);
        List<Placed> placed = new ArrayList<>();
        for (AttemptRecord a : snap.attempts()) {
            if (a.placed() != null) {
                placed.add(new Placed(a.task(), a.attempt(), a.site(), a.placed()));
            }
        }
        List<TaskSite> tasks = new ArrayList<>();
        for (Task t : wf.tasks()) {
            tasks.add(new TaskSite(t.name(), siteOf(wf, t.name(), last.get(t.name()))));
        }
        return new SitesReport(tasks, placed, copies);
    }

    /** Each task's last attempt, by task name. */
    public static Map<String, AttemptRecord> lastAttempts(RunSnapshot snap) {
        Map<String, AttemptRecord> last = new HashMap<>();
        for (AttemptRecord a : snap.attempts()) {
            last.merge(a.task(), a, (x, y) -> y.attempt() > x.attempt() ? y : x);
        }
        return last;
    }

    /**
     * A task's site: where its last attempt went, else the first it may go to; null when the
     * workflow does not hold the task.
     */
    public static String siteOf(Workflow wf, String task, AttemptRecord last) {
        if (last != null && last.site() != null) {
            return last.site();
        }
        Task t = wf == null ? null : wf.find(task);
        return t == null ? null : wf.siteOf(t).name();
    }
}
