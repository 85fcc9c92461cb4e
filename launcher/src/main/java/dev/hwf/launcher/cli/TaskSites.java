package dev.hwf.launcher.cli;

import dev.hwf.api.JobState;
import dev.hwf.launcher.journal.AttemptRecord;
import dev.hwf.launcher.journal.RunSnapshot;
import dev.hwf.launcher.journal.SpecCodec;
import dev.hwf.launcher.journal.StagingLog.Staging;
import dev.hwf.launcher.journal.TaskRecord;
import dev.hwf.launcher.place.Placer;
import dev.hwf.launcher.report.SitesReport;
import dev.hwf.launcher.workflow.Workflow;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Where each task of a run is (SPEC section 7): its site, why it went there, when its scheduler
 * expects it to start, and how its staging stands.
 */
final class TaskSites {
    private static final DateTimeFormatter LOCAL_MINUTE = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm");
    private final Workflow wf;
    private final Map<String, AttemptRecord> last;
    private final Map<String, Staging> staging = new HashMap<>();

    private TaskSites(RunSnapshot snap, List<Staging> stagings) {
        this.wf = SpecCodec.fromJsonOrNull(snap.run().spec());
        this.last = SitesReport.lastAttempts(snap);
        stagings.forEach(s -> staging.put(s.task(), s));
    }

    static TaskSites of(RunSnapshot snap, List<Staging> staging) {
        return new TaskSites(snap, staging);
    }

    /** Whether the workflow names several sites, so that each task's site is worth a column. */
    boolean shown() {
        return wf != null && wf.hasSites();
    }

    /** The site the task's last attempt went to, else the first it may go to; null when unknown. */
    String site(String task) {
        return SitesReport.siteOf(wf, task, last.get(task));
    }

    /** Why the last attempt went to its site, when hwf chose among several; else null. */
    String placed(String task) {
        AttemptRecord a = last.get(task);
        return a == null ? null : a.placed();
    }

    /** The {@code staging} object of a task in {@code status --json}, or null when it copies nothing. */
    Map<String, Object> stagingJson(String task) {
        Staging s = staging.get(task);
        if (s == null) {
            return null;
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("bytesDone", s.bytesDone());
        m.put("bytesTotal", s.bytesTotal());
        m.put("tries", s.tries());
        m.put("error", s.error());
        m.put("started", StatusView.time(s.startedAt()));
        m.put("ended", StatusView.time(s.endedAt()));
        m.put("route", s.route());
        return m;
    }

    /**
     * What the table's REASON says of a task whose staging is under way or failed ("staging 12.0 MiB
     * of 40.0 MiB"), or of where it was placed; null when neither.
     */
    String reason(TaskRecord t) {
        Staging s = staging.get(t.name());
        if (s != null && t.state() == JobState.STAGING) {
            return "staging " + bytes(s.bytesDone()) + " of " + bytes(s.bytesTotal())
                    + (s.tries() > 1 ? " (try " + s.tries() + ")" : "");
        }
        if (s != null && s.error() != null && t.state() == JobState.WAITING) {
            return "staging failed (try " + s.tries() + "): " + s.error();
        }
        if (!t.state().isLive()) {
            return null;
        }
        String placed = placed(t.name());
        String est = t.state() == JobState.QUEUED ? estimatedStart(t.name()) : null;
        return est == null ? placed : placed == null ? est : placed + "; " + est;
    }

    /**
     * When the scheduler expects the task's last attempt to start ("est. start 2026-12-05 13:01, in
     * 59 min"), as last read from it (PBS Pro) or estimated when hwf placed it; null when unknown.
     */
    private String estimatedStart(String task) {
        AttemptRecord a = last.get(task);
        if (a == null || a.estimatedStart() == null) {
            return null;
        }
        Duration in = Duration.between(Instant.now(), a.estimatedStart());
        return "est. start " + LOCAL_MINUTE.format(a.estimatedStart().atZone(ZoneId.systemDefault()))
                + (in.isNegative() ? ", " + Placer.human(in.negated()) + " ago" : ", in " + Placer.human(in));
    }

    /** 512 B, 12.0 KiB, 3.4 MiB, 1.0 GiB. */
    static String bytes(long n) {
        if (n < 1024) {
            return n + " B";
        }
        String[] units = {"KiB", "MiB", "GiB", "TiB"};
        double v = n;
        int u = -1;
        while (v >= 1024 && u < units.length - 1) {
            v /= 1024;
            u++;
        }
        return String.format(Locale.ROOT, "%.1f %s", v, units[u]);
    }
}
