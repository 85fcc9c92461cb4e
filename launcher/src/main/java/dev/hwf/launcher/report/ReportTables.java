package dev.hwf.launcher.report;

import static dev.hwf.launcher.report.ReportHtml.badge;
import static dev.hwf.launcher.report.ReportHtml.clock;
import static dev.hwf.launcher.report.ReportHtml.duration;
import static dev.hwf.launcher.report.ReportHtml.esc;
import static dev.hwf.launcher.report.ReportHtml.hours;
import static dev.hwf.launcher.report.ReportHtml.memory;
import static dev.hwf.launcher.report.ReportHtml.plural;
import static dev.hwf.launcher.report.ReportHtml.walltime;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The report page's tables, each a section of {@link ReportHtml}'s page: the tasks with what they
 * asked for and used, the failed attempts with their stderr's end, and every attempt with its logs.
 */
final class ReportTables {
    private final RunReport report;
    private final StringBuilder h;

    /** Sections of this report, appended to the page {@code h}. */
    ReportTables(RunReport report, StringBuilder h) {
        this.report = report;
        this.h = h;
    }

    void tasks() {
        h.append("<section>\n<h2>Tasks</h2>\n<table class=\"tasks\">\n<thead><tr><th>Task</th><th>State</th>")
                .append("<th>After</th><th>Requested per job</th><th>Elements</th><th class=\"n\">Attempts</th>")
                .append("<th class=\"n\">Retries</th><th class=\"n\">Ran</th><th class=\"n\">Core-h</th>")
                .append("<th class=\"n\">GPU-h</th><th>Exit / reason</th></tr></thead>\n<tbody>\n");
        for (RunReport.TaskReport t : report.tasks()) {
            RunReport.Resources r = t.requested();
            h.append("<tr data-task=\"").append(esc(t.name())).append("\"><td><b>").append(esc(t.name()))
                    .append("</b>").append(t.reusedFrom() == null ? "" : "<br><span class=\"dim reused\">reused from "
                            + esc(t.reusedFrom()) + "</span>").append(envCell(t)).append("</td><td>").append(badge(t.state())).append("</td><td>")
                    .append(t.after().isEmpty() ? "<span class=\"dim\">–</span>" : esc(String.join(", ", t.after())))
                    .append("</td><td class=\"req\">").append(plural(r.nodes(), "node")).append(" × ")
                    .append(plural(r.ntasks(), "task"))
                    .append(" × ").append(plural(r.cpus(), "cpu")).append(" = <b>").append(plural(r.cores(), "core"))
                    .append("</b><br><span class=\"dim\">")
                    .append(r.gpus() > 0 ? "<b class=\"gpu\">" + plural(r.gpuTotal(), "GPU") + "</b> · " : "")
                    .append(esc(memory(r.memoryMb()))).append(r.memoryMb() > 0 ? " per node" : "").append(" · walltime ")
                    .append(esc(walltime(r.walltimeSeconds())))
                    .append(r.partition() == null ? "" : " · " + esc(r.partition()))
                    .append(esc(SoftwareJson.text(r.software()))).append("</span></td><td>");
            if (t.arraySize() > 0) {
                h.append("array of ").append(t.arraySize()).append("<br><span class=\"dim\">")
                        .append(t.arrayLimit() > 0 ? "≤ " + t.arrayLimit() + " at once · " : "")
                        .append(esc(elementStates(t))).append("</span>");
            } else if (t.service()) {
                h.append("service<br><span class=\"dim\">").append(t.endpoint() == null ? "never ready"
                        : "answered at <code>" + esc(t.endpoint()) + "</code>").append("</span>");
            } else {
                h.append("<span class=\"dim\">single job</span>");
            }
            h.append("</td><td class=\"n\">").append(t.attempts().size()).append("</td><td class=\"n\">")
                    .append(t.retries()).append(t.retriesAllowed() > 0 ? "<br><span class=\"dim\">" + t.retriesAllowed()
                    + " allowed</span>" : "").append("</td><td class=\"n\">")
                    .append(esc(duration(t.runSeconds()))).append("</td><td class=\"n\">").append(esc(hours(t.coreHours())))
                    .append("</td><td class=\"n\">").append(esc(hours(t.gpuHours()))).append("</td><td>")
                    .append(t.exitCode() == null ? "" : "exit " + t.exitCode())
                    .append(t.reason() == null || t.reason().equals("exit " + t.exitCode()) ? ""
                            : (t.exitCode() == null ? "" : " · ") + "<span class=\"why\">" + esc(t.reason()) + "</span>")
                    .append("</td></tr>\n");
        }
        h.append("</tbody>\n</table>\n</section>\n");
    }

    /** A task's environment under its name: values, and secrets as {@code <from $VAR>}. */
    private static String envCell(RunReport.TaskReport t) {
        if (t.env().isEmpty()) {
            return "";
        }
        StringBuilder sb = new StringBuilder("<br><span class=\"dim env\">env ");
        String sep = "";
        for (Map.Entry<String, String> e : t.env().entrySet()) {
            sb.append(sep).append("<code>").append(esc(e.getKey() + "=" + e.getValue())).append("</code>");
            sep = " ";
        }
        return sb.append("</span>").toString();
    }

    /** An element's cell in the attempts table: its index, and its parameters in a sweep. */
    private static String elementCell(RunReport.ElementReport e) {
        return "<td class=\"n\">" + e.index() + (e.params() == null ? ""
                : "<br><span class=\"dim params\">" + esc(e.paramText()) + "</span>") + "</td>";
    }

    private static String elementStates(RunReport.TaskReport t) {
        Map<String, Integer> n = new LinkedHashMap<>();
        for (RunReport.ElementReport e : t.elements()) {
            n.merge(e.state().toLowerCase(Locale.ROOT), 1, Integer::sum);
        }
        StringBuilder sb = new StringBuilder();
        n.forEach((k, v) -> sb.append(sb.isEmpty() ? "" : ", ").append(v).append(' ').append(k));
        return sb.toString();
    }

    void failures() {
        List<RunReport.Failure> fs = report.failures();
        h.append("<section>\n<h2>Failures</h2>\n");
        if (fs.isEmpty()) {
            h.append("<p class=\"ok\">No attempt failed.</p>\n</section>\n");
            return;
        }
        h.append("<div class=\"failures\">\n");
        for (RunReport.Failure f : fs) {
            String who = f.task() + (f.index() == null ? "" : "[" + f.index() + "]");
            h.append("<div class=\"failure\" data-task=\"").append(esc(f.task())).append("\"><div class=\"fhead\"><b>")
                    .append(esc(who)).append("</b> attempt ").append(f.attempt())
                    .append(f.jobId() == null ? "" : " · job " + esc(f.jobId())).append(" · ")
                    .append(badge(f.outcome().equals("RETRIED") ? "FAILED" : f.outcome()))
                    .append(f.outcome().equals("RETRIED") ? " <span class=\"dim\">then ran again</span>" : "")
                    .append(" <span class=\"why\">").append(esc(f.reason() == null ? "" : f.reason())).append("</span>")
                    .append(f.at() == null ? "" : " <span class=\"dim\">at " + esc(clock(f.at())) + "</span>")
                    .append("<span class=\"logs\">").append(log(f.stdout(), "stdout")).append(' ')
                    .append(log(f.stderr(), "stderr")).append("</span></div>");
            if (f.stderrTail() != null && !f.stderrTail().isBlank()) {
                h.append("<pre>").append(esc(f.stderrTail())).append("</pre>");
            }
            h.append("</div>\n");
        }
        h.append("</div>\n</section>\n");
    }

    /** SPEC section 7: each task's site, each placement with its reason, the files moved and their bytes. */
    void sites() {
        SitesReport s = report.sites();
        if (s.isEmpty()) {
            return;
        }
        h.append("<section>\n<h2>Sites and data</h2>\n<table class=\"sites\">\n<thead><tr><th>Task</th>")
                .append("<th>Site</th><th>Placed</th></tr></thead>\n<tbody>\n");
        for (SitesReport.TaskSite t : s.tasks()) {
            String why = s.placements().stream().filter(p -> p.task().equals(t.task())).map(SitesReport.Placed::why)
                    .reduce((a, b) -> b).orElse("");
            h.append("<tr><td>").append(esc(t.task())).append("</td><td>").append(esc(t.site())).append("</td><td>")
                    .append(esc(why)).append("</td></tr>\n");
        }
        h.append("</tbody>\n</table>\n<p>").append(s.copies().size()).append(" file(s) staged between sites, ")
                .append(s.bytesMoved()).append(" bytes moved").append("</p>\n");
        if (!s.copies().isEmpty()) {
            h.append("<table class=\"copies\">\n<thead><tr><th>Into</th><th>From</th><th>File</th><th>Sites</th>")
                    .append("<th>Bytes</th><th>SHA-256</th></tr></thead>\n<tbody>\n");
            for (var c : s.copies()) {
                h.append("<tr><td>").append(esc(c.task())).append("</td><td>").append(esc(c.fromTask()))
                        .append("</td><td>").append(esc(c.path())).append("</td><td>").append(esc(c.fromSite()))
                        .append(" → ").append(esc(c.toSite())).append("</td><td>").append(c.bytes())
                        .append(c.alreadyThere() ? " (already there)" : "").append("</td><td><code>")
                        .append(esc(c.sha256().substring(0, 16))).append("…</code></td></tr>\n");
            }
            h.append("</tbody>\n</table>\n");
        }
        h.append("</section>\n");
    }

    void attempts() {
        h.append("<section>\n<h2>Attempts and logs</h2>\n");
        if (report.summary().host() != null) {
            h.append("<p class=\"dim\">Logs are on <code>").append(esc(report.summary().host()))
                    .append("</code>; <code>hwf logs RUN TASK</code> prints them from here.</p>\n");
        }
        for (RunReport.TaskReport t : report.tasks()) {
            boolean open = t.elements().size() <= 16;
            h.append("<details").append(open ? " open" : "").append("><summary><b>").append(esc(t.name()))
                    .append("</b> ").append(badge(t.state())).append(" <span class=\"dim\">")
                    .append(plural(t.attempts().size(), "attempt")).append(t.arraySize() > 0 ? " · "
                            + plural(t.elements().size(), "element") : "")
                    .append(" · ").append(esc(t.taskDir())).append("</span></summary>\n");
            h.append("<table class=\"attempts\"><thead><tr>").append(t.arraySize() > 0 ? "<th class=\"n\">Element</th>" : "")
                    .append("<th class=\"n\">Attempt</th><th>Job</th><th>Queued</th><th>Started</th><th>Ended</th>")
                    .append("<th class=\"n\">Ran</th><th>Outcome</th><th>Logs</th></tr></thead><tbody>\n");
            Map<Integer, String> ranOn = new HashMap<>(); // packed attempts: their pilot agent
            t.attempts().stream().filter(a -> a.ranOn() != null).forEach(a -> ranOn.put(a.attempt(), a.ranOn()));
            Map<Integer, Integer> version = new HashMap<>(); // the workflow version each ran
            t.attempts().forEach(a -> version.put(a.attempt(), a.version()));
            for (RunReport.ElementReport e : t.elements()) {
                if (e.segments().isEmpty()) {
                    h.append("<tr>").append(t.arraySize() > 0 ? elementCell(e) : "")
                            .append("<td class=\"n dim\">–</td><td colspan=\"5\" class=\"dim\">never submitted</td><td>")
                            .append(badge(e.state())).append(e.reason() == null ? "" : " <span class=\"why\">"
                                    + esc(e.reason()) + "</span>").append("</td><td></td></tr>\n");
                    continue;
                }
                for (RunReport.Segment g : e.segments()) {
                    h.append("<tr>").append(t.arraySize() > 0 ? elementCell(e) : "")
                            .append("<td class=\"n\">").append(g.attempt())
                            .append(version.getOrDefault(g.attempt(), 1) > 1 ? " <span class=\"dim\" title=\"workflow"
                                    + " version\">v" + version.get(g.attempt()) + "</span>" : "").append("</td><td>")
                            .append(g.jobId() == null ? "<span class=\"dim\">–</span>" : esc(g.jobId()))
                            .append(ranOn.containsKey(g.attempt()) ? " <span class=\"dim\">on "
                                    + esc(ranOn.get(g.attempt())) + "</span>" : "").append("</td><td>")
                            .append(esc(clock(g.queued()))).append("</td><td>")
                            .append(g.started() != null ? esc(clock(g.started())) : "<span class=\"dim\">–</span>")
                            .append("</td><td>").append(g.ended() != null ? esc(clock(g.ended()))
                                    : "<span class=\"dim\">–</span>").append("</td><td class=\"n\">")
                            .append(g.runFrom() == null ? "<span class=\"dim\">–</span>" : (g.startObserved() ? ""
                                    : "≤ ") + esc(duration(g.runSeconds()))).append("</td><td>")
                            .append(badge(g.outcome())).append(g.exitCode() == null ? "" : " exit " + g.exitCode())
                            .append(g.reason() == null || g.reason().equals("exit " + g.exitCode()) ? ""
                                    : " <span class=\"why\">" + esc(g.reason()) + "</span>")
                            .append("</td><td class=\"logs\">").append(log(g.stdout(), "stdout")).append(' ')
                            .append(log(g.stderr(), "stderr")).append("</td></tr>\n");
                }
            }
            h.append("</tbody></table>\n</details>\n");
        }
        h.append("</section>\n");
    }

    /** A link to a log on this machine (file://), or its path on the cluster as text. */
    private String log(String path, String label) {
        if (report.summary().host() != null) {
            return "<code class=\"path\" title=\"" + esc(path) + " on " + esc(report.summary().host()) + "\">"
                    + esc(label) + ": " + esc(path) + "</code>";
        }
        return "<a href=\"" + esc(Path.of(path).toUri().toString()) + "\" title=\"" + esc(path) + "\">" + esc(label)
                + "</a>";
    }
}
