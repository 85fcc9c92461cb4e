package dev.hwf.launcher.report;

import dev.hwf.launcher.Json;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The report as JSON ({@code hwf report --json}), and the data the HTML report carries. Keys are
 * stable: they are only ever added, never renamed or removed ({@code "format": "hwf-report/1"}).
 * Times are ISO-8601 instants (UTC) or null; durations are seconds; hours are decimal hours.
 */
public final class ReportJson {
    /** The format name and version in every report; a change that removes or renames a key bumps it. */
    public static final String FORMAT = "hwf-report/1";

    private ReportJson() {
    }

    public static String write(RunReport report) {
        return Json.writeIndented(toMap(report)) + "\n";
    }

    public static Map<String, Object> toMap(RunReport r) {
        RunReport.Summary s = r.summary();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("format", FORMAT);
        m.put("generator", s.generator());
        m.put("generated", time(s.generated()));
        m.put("run", s.run());
        m.put("workflow", s.workflow());
        m.put("scheduler", s.scheduler());
        m.put("host", s.host());
        m.put("state", s.state());
        m.put("reason", s.reason());
        m.put("workdir", s.workdir());
        m.put("submitted", time(s.submitted()));
        m.put("ended", time(s.ended()));
        m.put("wallSeconds", round(s.wallSeconds()));
        Map<String, Object> totals = new LinkedHashMap<>();
        totals.put("tasks", s.taskCount());
        totals.put("elements", s.elementCount());
        totals.put("attempts", s.attemptCount());
        totals.put("retries", s.retryCount());
        totals.put("coreHours", round(s.coreHours()));
        totals.put("gpuHours", round(s.gpuHours()));
        totals.put("elementStates", s.elementStates());
        m.put("totals", totals);
        List<Object> marks = new ArrayList<>();
        for (RunReport.Mark mark : r.marks()) {
            Map<String, Object> x = new LinkedHashMap<>();
            x.put("at", time(mark.at()));
            x.put("state", mark.state());
            x.put("reason", mark.reason());
            marks.add(x);
        }
        m.put("events", marks);
        List<Object> tasks = new ArrayList<>();
        for (RunReport.TaskReport t : r.tasks()) {
            tasks.add(task(t));
        }
        m.put("tasks", tasks);
        List<Object> failures = new ArrayList<>();
        for (RunReport.Failure f : r.failures()) {
            Map<String, Object> x = new LinkedHashMap<>();
            x.put("task", f.task());
            x.put("index", f.index());
            x.put("attempt", f.attempt());
            x.put("jobId", f.jobId());
            x.put("outcome", f.outcome());
            x.put("reason", f.reason());
            x.put("exitCode", f.exitCode());
            x.put("at", time(f.at()));
            x.put("stdout", f.stdout());
            x.put("stderr", f.stderr());
            x.put("stderrTail", f.stderrTail());
            failures.add(x);
        }
        m.put("failures", failures);
        if (!r.sites().isEmpty()) {
            m.put("sites", sites(r.sites()));
        }
        return m;
    }

    /** SPEC section 7: each task's site, each placement's reason, and the files moved between sites. */
    private static Map<String, Object> sites(SitesReport s) {
        Map<String, Object> m = new LinkedHashMap<>();
        Map<String, String> tasks = new LinkedHashMap<>();
        s.tasks().forEach(t -> tasks.put(t.task(), t.site()));
        m.put("tasks", tasks);
        List<Object> placed = new ArrayList<>();
        for (SitesReport.Placed p : s.placements()) {
            Map<String, Object> x = new LinkedHashMap<>();
            x.put("task", p.task());
            x.put("attempt", p.attempt());
            x.put("site", p.site());
            x.put("why", p.why());
            placed.add(x);
        }
        m.put("placements", placed);
        List<Object> copies = new ArrayList<>();
        for (var c : s.copies()) {
            Map<String, Object> x = new LinkedHashMap<>();
            x.put("task", c.task());
            x.put("from", c.fromTask());
            x.put("path", c.path());
            x.put("fromSite", c.fromSite());
            x.put("toSite", c.toSite());
            x.put("bytes", c.bytes());
            x.put("sha256", c.sha256());
            x.put("alreadyThere", c.alreadyThere());
            x.put("started", time(c.started()));
            x.put("ended", time(c.ended()));
            copies.add(x);
        }
        m.put("copies", copies);
        m.put("bytesMoved", s.bytesMoved());
        return m;
    }

    private static Map<String, Object> task(RunReport.TaskReport t) {
        Map<String, Object> x = new LinkedHashMap<>();
        x.put("name", t.name());
        x.put("state", t.state());
        x.put("reason", t.reason());
        x.put("exitCode", t.exitCode());
        x.put("after", t.after());
        x.put("afterEach", t.afterEach()); // of after, the tasks waited for element by element
        x.put("env", t.env()); // a secret as <from $VAR>, never its value
        RunReport.Resources q = t.requested();
        Map<String, Object> req = new LinkedHashMap<>();
        req.put("nodes", q.nodes());
        req.put("ntasks", q.ntasks());
        req.put("cpus", q.cpus());
        req.put("cores", q.cores());
        req.put("gpus", q.gpus());
        req.put("gpuTotal", q.gpuTotal());
        req.put("memoryMb", q.memoryMb());
        req.put("walltimeSeconds", q.walltimeSeconds());
        req.put("partition", q.partition());
        req.putAll(SoftwareJson.of(q.software()));
        x.put("requested", req);
        x.put("array", t.arraySize());
        x.put("arrayLimit", t.arrayLimit());
        x.put("retriesAllowed", t.retriesAllowed());
        x.put("taskDir", t.taskDir());
        x.put("submitted", time(t.submitted()));
        x.put("started", time(t.started()));
        x.put("ended", time(t.ended()));
        Map<String, Object> used = new LinkedHashMap<>();
        used.put("runSeconds", round(t.runSeconds()));
        used.put("coreHours", round(t.coreHours()));
        used.put("gpuHours", round(t.gpuHours()));
        x.put("used", used);
        x.put("retries", t.retries());
        if (t.service()) {
            x.put("endpoint", t.endpoint());
        }
        if (t.reusedFrom() != null) {
            x.put("reusedFrom", t.reusedFrom());
        }
        List<Object> attempts = new ArrayList<>();
        for (RunReport.AttemptInfo a : t.attempts()) {
            Map<String, Object> y = new LinkedHashMap<>();
            y.put("attempt", a.attempt());
            y.put("jobId", a.jobId());
            y.put("jobName", a.jobName());
            y.put("elements", a.elements());
            y.put("submitted", time(a.submitted()));
            y.put("version", a.version());
            if (a.ranOn() != null) {
                y.put("pilot", a.ranOn());
            }
            attempts.add(y);
        }
        x.put("attempts", attempts);
        List<Object> elements = new ArrayList<>();
        for (RunReport.ElementReport e : t.elements()) {
            Map<String, Object> y = new LinkedHashMap<>();
            y.put("index", e.index());
            y.put("state", e.state());
            y.put("exitCode", e.exitCode());
            y.put("reason", e.reason());
            y.put("tries", e.tries());
            y.put("cancelledAt", time(e.endedAt()));
            if (e.params() != null) {
                y.put("params", e.params());
            }
            List<Object> segs = new ArrayList<>();
            for (RunReport.Segment g : e.segments()) {
                Map<String, Object> z = new LinkedHashMap<>();
                z.put("attempt", g.attempt());
                z.put("jobId", g.jobId());
                z.put("queued", time(g.queued()));
                z.put("started", time(g.started()));
                z.put("startObserved", g.startObserved());
                z.put("runFrom", time(g.runFrom()));
                z.put("ended", time(g.ended()));
                z.put("outcome", g.outcome());
                z.put("reason", g.reason());
                z.put("exitCode", g.exitCode());
                z.put("runSeconds", round(g.runSeconds()));
                z.put("stdout", g.stdout());
                z.put("stderr", g.stderr());
                segs.add(z);
            }
            y.put("attempts", segs);
            elements.add(y);
        }
        x.put("elements", elements);
        return x;
    }

    static String time(Instant i) {
        return i == null ? null : i.toString();
    }

    /**
     * Six decimals, written plainly (0.000856, not 8.56E-4): a second of one core is 0.000278
     * core-hours, so short runs still show.
     */
    static BigDecimal round(double v) {
        return BigDecimal.valueOf(v).setScale(6, RoundingMode.HALF_UP).stripTrailingZeros();
    }
}
