package dev.hwf.launcher.report;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The report as one self-contained HTML file: styles, the SVG timeline and a little script are
 * inline, nothing is fetched from anywhere, so the file can be mailed, archived or opened from a
 * cluster's file system as it is. The timeline is drawn as SVG here, not by the script, so it shows
 * without JavaScript; the script only adds hover details. The report's JSON is embedded too
 * ({@code <script type="application/json" id="hwf-report">}).
 */
public final class ReportHtml {
    private static final DateTimeFormatter DATE_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'")
            .withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("HH:mm:ss.S").withZone(ZoneOffset.UTC);

    /** Width of the timeline drawing, its label column and its right margin, in CSS pixels. */
    static final int WIDTH = 1120;
    static final int LABELS = 170;
    static final int RIGHT = 14;
    static final int AXIS = 30;

    private final RunReport report;
    private final StringBuilder h = new StringBuilder(64 * 1024);

    private ReportHtml(RunReport report) {
        this.report = report;
    }

    public static String write(RunReport report) {
        return new ReportHtml(report).page();
    }

    private String page() {
        RunReport.Summary s = report.summary();
        h.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
                .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
                .append("<meta name=\"generator\" content=\"").append(esc(s.generator())).append("\">\n")
                .append("<title>").append(esc(s.workflow())).append(" · ").append(esc(s.run())).append(" · ")
                .append(esc(s.state())).append("</title>\n<style>").append(CSS).append("</style>\n</head>\n<body>\n");
        header(s);
        cards(s);
        timeline(s);
        tasks();
        failures();
        attempts();
        h.append("<footer>Report of run <code>").append(esc(s.run())).append("</code> from the hwf journal, made by ")
                .append(esc(s.generator())).append(" at ").append(esc(dateTime(s.generated())))
                .append(". Times are those hwf recorded at its passes over the run; a running time marked ≤ started ")
                .append("between two passes and is an upper bound. Usage is running time × the cores and GPUs a job ")
                .append("of the task asked for, every attempt counted. The same data: <code>hwf report ")
                .append(esc(s.run())).append(" --json FILE</code>.</footer>\n");
        String json = ReportJson.write(report).replace("<", "\\u003c").replace("\u2028", "\\u2028")
                .replace("\u2029", "\\u2029");
        h.append("<script type=\"application/json\" id=\"hwf-report\">").append(json).append("</script>\n");
        h.append("<div id=\"tip\" role=\"tooltip\" hidden></div>\n<script>").append(SCRIPT).append("</script>\n");
        h.append("</body>\n</html>\n");
        return h.toString();
    }

    private void header(RunReport.Summary s) {
        h.append("<header>\n<div class=\"title\"><h1>").append(esc(s.workflow())).append("</h1>")
                .append(badge(s.state())).append("</div>\n<div class=\"meta\">run <code>").append(esc(s.run()))
                .append("</code> · ").append(esc(s.scheduler()))
                .append(s.host() == null ? "" : " on <code>" + esc(s.host()) + "</code>")
                .append(" · submitted ").append(esc(dateTime(s.submitted())));
        if (s.ended() != null) {
            h.append(" · ended ").append(esc(dateTime(s.ended())));
        } else {
            h.append(" · still running at ").append(esc(dateTime(s.generated())));
        }
        h.append("</div>\n");
        if (s.reason() != null) {
            h.append("<div class=\"reason\">").append(esc(s.reason())).append("</div>\n");
        }
        h.append("<div class=\"meta\">work directory <code>").append(esc(s.workdir() + "/" + s.run()))
                .append("</code></div>\n</header>\n");
    }

    private void cards(RunReport.Summary s) {
        h.append("<section class=\"cards\">\n");
        long succeeded = report.tasks().stream().filter(t -> t.state().equals("SUCCEEDED")).count();
        card("Tasks", Integer.toString(s.taskCount()), succeeded + " succeeded");
        StringBuilder states = new StringBuilder();
        for (Map.Entry<String, Integer> e : s.elementStates().entrySet()) {
            if (e.getValue() > 0) {
                states.append(states.isEmpty() ? "" : ", ").append(e.getValue()).append(' ')
                        .append(e.getKey().toLowerCase(Locale.ROOT));
            }
        }
        card("Elements", Integer.toString(s.elementCount()), states.toString());
        card("Attempts", Integer.toString(s.attemptCount()), s.retryCount() + (s.retryCount() == 1 ? " retry"
                : " retries") + " of elements");
        card("Wall time", duration(s.wallSeconds()), s.ended() == null ? "so far" : "submit to end");
        card("Core-hours", hours(s.coreHours()), "elapsed × cores held");
        card("GPU-hours", hours(s.gpuHours()), "elapsed × GPUs held");
        h.append("</section>\n");
    }

    private void card(String label, String value, String note) {
        h.append("<div class=\"card\"><div class=\"label\">").append(esc(label)).append("</div><div class=\"value\">")
                .append(esc(value)).append("</div><div class=\"note\">").append(esc(note)).append("</div></div>\n");
    }

    // ------------------------------------------------------------------ timeline

    private void timeline(RunReport.Summary s) {
        int rows = 0;
        for (RunReport.TaskReport t : report.tasks()) {
            rows += t.arraySize() > 0 ? t.elements().size() + 1 : 1;
        }
        int rowH = rows <= 40 ? 22 : rows <= 120 ? 12 : rows <= 400 ? 7 : 4;
        int barH = Math.max(3, rowH - (rowH >= 12 ? 8 : 2));
        boolean labelElements = rowH >= 12;
        int height = AXIS + rows * rowH + 8;
        double span = Math.max(0.001, RunReport.seconds(s.start(), s.end()));
        Axis axis = new Axis(s.start(), span);
        h.append("<section>\n<h2>Timeline</h2>\n<div class=\"legend\">")
                .append("<span><i class=\"sw queued\"></i>queued</span>")
                .append("<span><i class=\"sw o-SUCCEEDED\"></i>ran, succeeded</span>")
                .append("<span><i class=\"sw o-FAILED\"></i>ran, failed</span>")
                .append("<span><i class=\"sw o-RETRIED\"></i>failed, ran again</span>")
                .append("<span><i class=\"sw o-CANCELLED\"></i>cancelled</span>")
                .append("<span><i class=\"sw o-RUNNING\"></i>running</span>")
                .append("<span><i class=\"sw unobserved\"></i>start between two passes</span>")
                .append("<span class=\"zero\">0 = ").append(esc(dateTime(s.start()))).append("</span></div>\n");
        h.append("<div class=\"chart\"><svg id=\"timeline\" xmlns=\"http://www.w3.org/2000/svg\" width=\"")
                .append(WIDTH).append("\" height=\"").append(height).append("\" viewBox=\"0 0 ").append(WIDTH)
                .append(' ').append(height).append("\" role=\"img\" aria-label=\"timeline of run ")
                .append(esc(s.run())).append("\">\n");
        h.append("<defs><pattern id=\"hatch\" width=\"6\" height=\"6\" patternUnits=\"userSpaceOnUse\" ")
                .append("patternTransform=\"rotate(45)\"><rect width=\"6\" height=\"6\" fill=\"#e2e8f0\"/>")
                .append("<line x1=\"0\" y1=\"0\" x2=\"0\" y2=\"6\" stroke=\"#94a3b8\" stroke-width=\"2\"/>")
                .append("</pattern></defs>\n");
        // task bands first, so grid lines and bars lie on top of them
        int y = AXIS;
        int band = 0;
        for (RunReport.TaskReport t : report.tasks()) {
            int n = t.arraySize() > 0 ? t.elements().size() + 1 : 1;
            h.append("<rect class=\"band").append(band++ % 2 == 0 ? "" : " alt").append("\" x=\"0\" y=\"").append(y)
                    .append("\" width=\"").append(WIDTH).append("\" height=\"").append(n * rowH).append("\"/>\n");
            y += n * rowH;
        }
        h.append("<g class=\"axis\">\n");
        for (double tick : axis.ticks()) {
            double x = axis.x(tick);
            h.append("<line x1=\"").append(f(x)).append("\" y1=\"").append(AXIS - 6).append("\" x2=\"").append(f(x))
                    .append("\" y2=\"").append(height - 4).append("\"/><text x=\"").append(f(x)).append("\" y=\"")
                    .append(AXIS - 11).append("\">").append(esc(axis.label(tick))).append("</text>\n");
        }
        h.append("</g>\n");
        for (RunReport.Mark m : report.marks()) {
            if (m.state().equals("RUNNING") && m.at().equals(s.start())) {
                continue; // the left edge
            }
            double x = axis.x(RunReport.seconds(s.start(), m.at()));
            h.append("<g class=\"mark m-").append(esc(m.state())).append("\" data-tip=\"").append(esc("run " + m.state()
                    + " at " + clock(m.at()) + (m.reason() == null ? "" : ": " + m.reason()))).append("\"><line x1=\"")
                    .append(f(x)).append("\" y1=\"").append(AXIS - 6).append("\" x2=\"").append(f(x)).append("\" y2=\"")
                    .append(height - 4).append("\"/><title>").append(esc("run " + m.state()
                    + (m.reason() == null ? "" : ": " + m.reason()))).append("</title></g>\n");
        }
        y = AXIS;
        for (RunReport.TaskReport t : report.tasks()) {
            boolean array = t.arraySize() > 0;
            h.append("<g class=\"task\" data-task=\"").append(esc(t.name())).append("\">\n");
            if (array) {
                taskRow(t, axis, y, rowH);
                y += rowH;
            }
            for (RunReport.ElementReport e : t.elements()) {
                elementRow(t, e, axis, y, rowH, barH, array, labelElements);
                y += rowH;
            }
            h.append("</g>\n");
        }
        h.append("</svg></div>\n</section>\n");
    }

    /** The header row of an array task: its name and the span from its first submission to its end. */
    private void taskRow(RunReport.TaskReport t, Axis axis, int y, int rowH) {
        int mid = y + rowH / 2;
        h.append("<text class=\"tname\" x=\"8\" y=\"").append(mid + 4).append("\">").append(esc(clip(t.name(), 18)))
                .append(" <tspan class=\"count\">×").append(t.arraySize()).append("</tspan></text>\n");
        Instant first = null;
        Instant last = null;
        for (RunReport.ElementReport e : t.elements()) {
            for (RunReport.Segment g : e.segments()) {
                first = first == null || g.queued().isBefore(first) ? g.queued() : first;
                Instant end = g.ended() != null ? g.ended() : report.summary().end();
                last = last == null || end.isAfter(last) ? end : last;
            }
        }
        if (first != null) {
            double x1 = axis.x(RunReport.seconds(axis.zero, first));
            double x2 = Math.max(x1 + 2, axis.x(RunReport.seconds(axis.zero, last)));
            h.append("<rect class=\"span s-").append(esc(t.state())).append("\" x=\"").append(f(x1)).append("\" y=\"")
                    .append(mid - 2).append("\" width=\"").append(f(x2 - x1)).append("\" height=\"4\" rx=\"2\"")
                    .append(" data-tip=\"").append(esc(t.name() + ": " + t.state() + ", " + t.arraySize()
                    + " elements, " + t.attempts().size() + " attempt(s), " + duration(RunReport.seconds(first, last))))
                    .append("\"/>\n");
        }
    }

    private void elementRow(RunReport.TaskReport t, RunReport.ElementReport e, Axis axis, int y, int rowH, int barH,
                            boolean array, boolean labelElements) {
        int top = y + (rowH - barH) / 2;
        h.append("<g class=\"element\" data-task=\"").append(esc(t.name())).append("\" data-index=\"")
                .append(e.index()).append("\" data-state=\"").append(esc(e.state())).append("\">");
        if (!array) {
            h.append("<text class=\"tname\" x=\"8\" y=\"").append(y + rowH / 2 + 4).append("\">")
                    .append(esc(clip(t.name(), 22))).append("</text>");
        } else if (labelElements) {
            h.append("<text class=\"ename\" x=\"").append(LABELS - 10).append("\" y=\"").append(y + rowH / 2 + 4)
                    .append("\">").append(e.index()).append("</text>");
        }
        String who = array ? t.name() + "[" + e.index() + "]" + (e.params() == null ? "" : " " + e.paramText())
                : t.name();
        Instant end = report.summary().end();
        for (RunReport.Segment g : e.segments()) {
            String tip = who + " · attempt " + g.attempt() + (g.jobId() == null ? "" : " · job " + g.jobId())
                    + "\nqueued " + clock(g.queued())
                    + (g.started() != null ? " · started " + clock(g.started()) : "")
                    + (g.ended() != null ? " · ended " + clock(g.ended()) : "")
                    + "\n" + g.outcome() + (g.reason() == null ? "" : ": " + g.reason())
                    + (g.runFrom() == null ? "" : " · ran " + duration(g.runSeconds())
                    + (g.startObserved() ? "" : " at most (started between two passes)"));
            Instant queuedTo = g.runFrom() != null ? g.runFrom() : g.ended() != null ? g.ended() : end;
            double qx1 = axis.x(RunReport.seconds(axis.zero, g.queued()));
            double qx2 = axis.x(RunReport.seconds(axis.zero, queuedTo));
            if (qx2 - qx1 >= 0.5) {
                h.append("<rect class=\"queued\" x=\"").append(f(qx1)).append("\" y=\"").append(top)
                        .append("\" width=\"").append(f(qx2 - qx1)).append("\" height=\"").append(barH)
                        .append("\" data-tip=\"").append(esc(tip)).append("\"><title>").append(esc(tip))
                        .append("</title></rect>");
            }
            if (g.runFrom() != null) {
                double rx1 = axis.x(RunReport.seconds(axis.zero, g.runFrom()));
                double rx2 = Math.max(rx1 + 2, axis.x(RunReport.seconds(axis.zero, g.ended() != null ? g.ended() : end)));
                h.append("<rect class=\"run o-").append(esc(g.outcome())).append(g.startObserved() ? "" : " unobserved")
                        .append("\" data-attempt=\"").append(g.attempt()).append("\" x=\"").append(f(rx1))
                        .append("\" y=\"").append(top).append("\" width=\"").append(f(rx2 - rx1)).append("\" height=\"")
                        .append(barH).append("\" rx=\"").append(barH >= 8 ? 2 : 0).append("\" data-tip=\"")
                        .append(esc(tip)).append("\"><title>").append(esc(tip)).append("</title></rect>");
            } else if (g.ended() != null) {
                // ended without running (cancelled while queued): a mark where it ended
                double x = axis.x(RunReport.seconds(axis.zero, g.ended()));
                h.append("<rect class=\"end o-").append(esc(g.outcome())).append("\" x=\"").append(f(x - 1))
                        .append("\" y=\"").append(top).append("\" width=\"3\" height=\"").append(barH)
                        .append("\" data-tip=\"").append(esc(tip)).append("\"><title>").append(esc(tip))
                        .append("</title></rect>");
            }
        }
        if (e.segments().isEmpty()) {
            String tip = who + ": " + e.state() + (e.reason() == null ? "" : ": " + e.reason()) + " · never submitted";
            double x = axis.x(RunReport.seconds(axis.zero, e.endedAt() != null ? e.endedAt() : end));
            h.append("<rect class=\"never s-").append(esc(e.state())).append("\" x=\"").append(f(x - 1.5))
                    .append("\" y=\"").append(top).append("\" width=\"3\" height=\"").append(barH)
                    .append("\" data-tip=\"").append(esc(tip)).append("\"><title>").append(esc(tip))
                    .append("</title></rect>");
        }
        h.append("</g>\n");
    }

    /** Seconds since the run's start to x, and tick marks at round steps. */
    static final class Axis {
        private static final double[] STEPS = {0.1, 0.2, 0.5, 1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800,
            3600, 7200, 10800, 21600, 43200, 86400, 172800, 604800};
        final Instant zero;
        final double span;

        Axis(Instant zero, double span) {
            this.zero = zero;
            this.span = span;
        }

        double x(double seconds) {
            double chart = WIDTH - LABELS - RIGHT;
            return LABELS + Math.max(0, Math.min(span, seconds)) / span * chart;
        }

        double step() {
            for (double s : STEPS) {
                if (span / s <= 10) {
                    return s;
                }
            }
            return Math.ceil(span / 10 / 604800) * 604800;
        }

        List<Double> ticks() {
            double step = step();
            List<Double> out = new ArrayList<>();
            for (int i = 0; i * step <= span + 1e-9; i++) {
                out.add(i * step);
            }
            return out;
        }

        String label(double seconds) {
            double step = step();
            if (step < 1) {
                return String.format(Locale.ROOT, "%.1fs", seconds);
            }
            long s = Math.round(seconds);
            if (step < 60) {
                return s < 60 ? s + "s" : (s / 60) + "m" + (s % 60 == 0 ? "" : String.format("%02ds", s % 60));
            }
            if (step < 3600) {
                long m = s / 60;
                return m < 60 ? m + "m" : (m / 60) + "h" + (m % 60 == 0 ? "" : String.format("%02dm", m % 60));
            }
            long hrs = s / 3600;
            return hrs < 48 ? hrs + "h" : (hrs / 24) + "d" + (hrs % 24 == 0 ? "" : (hrs % 24) + "h");
        }
    }

    // ------------------------------------------------------------------ tables

    private void tasks() {
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

    private void failures() {
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

    private void attempts() {
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

    // ------------------------------------------------------------------ formatting

    private static String badge(String state) {
        return "<span class=\"badge s-" + esc(state) + "\">" + esc(state) + "</span>";
    }

    static String esc(String s) {
        if (s == null) {
            return "";
        }
        StringBuilder sb = new StringBuilder(s.length() + 16);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '&' -> sb.append("&amp;");
                case '<' -> sb.append("&lt;");
                case '>' -> sb.append("&gt;");
                case '"' -> sb.append("&quot;");
                case '\'' -> sb.append("&#39;");
                case '\n' -> sb.append("&#10;");
                default -> sb.append(c < 0x20 && c != '\t' ? ' ' : c);
            }
        }
        return sb.toString();
    }

    private static String f(double v) {
        return String.format(Locale.ROOT, "%.1f", v);
    }

    private static String clip(String s, int n) {
        return s.length() <= n ? s : s.substring(0, n - 1) + "…";
    }

    private static String plural(long n, String word) {
        return n + " " + word + (n == 1 ? "" : "s");
    }

    static String dateTime(Instant i) {
        return i == null ? "–" : DATE_TIME.format(i);
    }

    static String clock(Instant i) {
        return i == null ? "–" : CLOCK.format(i);
    }

    /** 0.4 s, 12 s, 4 min 05 s, 2 h 03 min, 1 d 02 h. */
    static String duration(double seconds) {
        if (seconds < 10) {
            return String.format(Locale.ROOT, "%.1f s", seconds);
        }
        long s = Math.round(seconds);
        if (s < 60) {
            return s + " s";
        }
        if (s < 3600) {
            return String.format(Locale.ROOT, "%d min %02d s", s / 60, s % 60);
        }
        if (s < 86400) {
            return String.format(Locale.ROOT, "%d h %02d min", s / 3600, (s / 60) % 60);
        }
        return String.format(Locale.ROOT, "%d d %02d h", s / 86400, (s / 3600) % 24);
    }

    /** Hours with as many decimals as a short run needs to show more than zero. */
    static String hours(double h) {
        if (h == 0) {
            return "0";
        }
        if (h < 0.0001) {
            return "< 0.0001";
        }
        return String.format(Locale.ROOT, h < 0.1 ? "%.4f" : h < 100 ? "%.2f" : "%.0f", h);
    }

    static String memory(long mb) {
        if (mb <= 0) {
            return "default memory";
        }
        if (mb % (1024L * 1024) == 0) {
            return mb / (1024 * 1024) + " TiB";
        }
        if (mb % 1024 == 0) {
            return mb / 1024 + " GiB";
        }
        return mb + " MiB";
    }

    static String walltime(long seconds) {
        if (seconds <= 0) {
            return "default";
        }
        Duration d = Duration.ofSeconds(seconds);
        String hms = String.format("%02d:%02d:%02d", d.toHoursPart(), d.toMinutesPart(), d.toSecondsPart());
        return d.toDays() > 0 ? d.toDays() + "-" + hms : hms;
    }

    private static final String CSS = """
            :root { --ink:#0f172a; --muted:#64748b; --line:#e2e8f0; --bg:#f8fafc; --ok:#16a34a; --bad:#dc2626;
              --retry:#f59e0b; --run:#2563eb; --cancel:#94a3b8; --queue:#cbd5e1; }
            * { box-sizing: border-box; }
            body { margin: 0 auto; padding: 28px 32px 40px; max-width: 1200px; color: var(--ink); background: #fff;
              font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif; }
            code, pre, .path { font-family: ui-monospace, "SFMono-Regular", Menlo, "DejaVu Sans Mono", monospace;
              font-size: 12.5px; }
            header { border-bottom: 1px solid var(--line); padding-bottom: 14px; margin-bottom: 18px; }
            .title { display: flex; align-items: center; gap: 14px; }
            h1 { font-size: 26px; margin: 0; letter-spacing: -0.01em; }
            h2 { font-size: 17px; margin: 28px 0 10px; }
            .meta { color: var(--muted); margin-top: 6px; }
            .reason { margin-top: 8px; color: var(--bad); font-weight: 600; }
            .badge { display: inline-block; padding: 1px 8px; border-radius: 999px; font-size: 11.5px;
              font-weight: 650; letter-spacing: 0.03em; background: #e2e8f0; color: #334155; vertical-align: 1px; }
            .title .badge { font-size: 13px; padding: 3px 12px; }
            .s-SUCCEEDED { background: #dcfce7; color: #166534; }
            .s-FAILED { background: #fee2e2; color: #991b1b; }
            .s-RETRIED { background: #fef3c7; color: #92400e; }
            .s-CANCELLED { background: #f1f5f9; color: #475569; }
            .s-RUNNING { background: #dbeafe; color: #1e40af; }
            .s-QUEUED { background: #fef9c3; color: #854d0e; }
            .s-WAITING { background: #f1f5f9; color: #64748b; }
            .cards { display: grid; grid-template-columns: repeat(6, 1fr); gap: 12px; }
            .card { border: 1px solid var(--line); border-radius: 10px; padding: 12px 14px; background: var(--bg); }
            .card .label { color: var(--muted); font-size: 12px; text-transform: uppercase; letter-spacing: 0.06em; }
            .card .value { font-size: 22px; font-weight: 650; margin-top: 2px; }
            .card .note { color: var(--muted); font-size: 12px; }
            .legend { display: flex; flex-wrap: wrap; gap: 16px; color: var(--muted); font-size: 12.5px;
              margin-bottom: 8px; }
            .legend .zero { margin-left: auto; }
            .sw { display: inline-block; width: 18px; height: 10px; border-radius: 2px; margin-right: 6px;
              vertical-align: -1px; }
            .sw.queued { background: repeating-linear-gradient(45deg, #e2e8f0 0 3px, #94a3b8 3px 5px); }
            .sw.unobserved { background: #93c5fd; outline: 1.5px dashed #1e3a8a; outline-offset: -1.5px; }
            .sw.o-SUCCEEDED { background: var(--ok); } .sw.o-FAILED { background: var(--bad); }
            .sw.o-RETRIED { background: var(--retry); } .sw.o-CANCELLED { background: var(--cancel); }
            .sw.o-RUNNING { background: var(--run); }
            .chart { border: 1px solid var(--line); border-radius: 10px; overflow-x: auto; background: #fff; }
            svg { display: block; }
            svg .band { fill: #fff; } svg .band.alt { fill: #f8fafc; }
            svg .axis line { stroke: #e2e8f0; stroke-width: 1; }
            svg .axis text { fill: var(--muted); font-size: 11px; text-anchor: middle; }
            svg .mark line { stroke: #7c3aed; stroke-width: 1.5; stroke-dasharray: 4 3; }
            svg .mark.m-SUCCEEDED line { stroke: var(--ok); } svg .mark.m-FAILED line { stroke: var(--bad); }
            svg .mark.m-CANCELLED line { stroke: var(--cancel); }
            svg text { font-family: system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif; }
            svg .tname { font-size: 12.5px; font-weight: 600; fill: var(--ink); }
            svg .tname .count { font-weight: 400; fill: var(--muted); }
            svg .ename { font-size: 10.5px; fill: var(--muted); text-anchor: end; }
            svg .queued { fill: url(#hatch); }
            svg .run.o-SUCCEEDED, svg .end.o-SUCCEEDED { fill: var(--ok); }
            svg .run.o-FAILED, svg .end.o-FAILED { fill: var(--bad); }
            svg .run.o-RETRIED, svg .end.o-RETRIED { fill: var(--retry); }
            svg .run.o-CANCELLED, svg .end.o-CANCELLED, svg .never { fill: var(--cancel); }
            svg .run.o-RUNNING { fill: var(--run); } svg .run.o-QUEUED { fill: #fde68a; }
            svg .run.unobserved { fill-opacity: 0.55; stroke: #1e3a8a; stroke-width: 1; stroke-dasharray: 3 2; }
            svg .span { fill: #cbd5e1; } svg .span.s-SUCCEEDED { fill: #86efac; } svg .span.s-FAILED { fill: #fca5a5; }
            svg .element:hover rect { stroke: #0f172a; stroke-width: 1; }
            table { border-collapse: collapse; width: 100%; }
            th, td { text-align: left; padding: 7px 10px; border-bottom: 1px solid var(--line); vertical-align: top; }
            th { font-size: 12px; color: var(--muted); font-weight: 600; text-transform: uppercase;
              letter-spacing: 0.04em; background: var(--bg); }
            td.n, th.n { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
            th { white-space: nowrap; }
            .dim { color: var(--muted); }
            td.req { min-width: 230px; }
            table.tasks td, table.tasks th { padding: 7px 8px; }
            .why { color: #9a3412; }
            .gpu { color: #6d28d9; }
            .ok { color: var(--ok); font-weight: 600; }
            .failures { display: grid; gap: 10px; }
            .failure { border: 1px solid #fecaca; border-left: 4px solid var(--bad); border-radius: 8px; padding: 10px 14px;
              background: #fffafa; }
            .failure .logs { float: right; }
            .failure pre { margin: 8px 0 0; padding: 8px 10px; background: #1e293b; color: #e2e8f0; border-radius: 6px;
              overflow-x: auto; max-height: 240px; }
            details { border: 1px solid var(--line); border-radius: 10px; margin-bottom: 10px; background: #fff; }
            summary { padding: 10px 14px; cursor: pointer; }
            details table { font-size: 13px; }
            details td, details th { padding: 5px 10px; }
            td.logs a, .failure a { margin-right: 8px; }
            a { color: #1d4ed8; text-decoration: none; } a:hover { text-decoration: underline; }
            footer { margin-top: 34px; color: var(--muted); font-size: 12px; border-top: 1px solid var(--line);
              padding-top: 12px; }
            #tip { position: fixed; pointer-events: none; background: #0f172a; color: #f8fafc; padding: 7px 10px;
              border-radius: 6px; font-size: 12px; white-space: pre; box-shadow: 0 4px 14px rgba(0,0,0,.25);
              z-index: 10; }
            @media (max-width: 900px) { .cards { grid-template-columns: repeat(3, 1fr); } }
            """;

    /** Hover details for the timeline; marks the page as drawn (for tests in a real browser). */
    private static final String SCRIPT = """
            (function () {
              var tip = document.getElementById('tip');
              document.querySelectorAll('#timeline [data-tip]').forEach(function (el) {
                var t = el.querySelector('title');
                if (t) { el.removeChild(t); }
                el.addEventListener('mousemove', function (ev) {
                  tip.textContent = el.getAttribute('data-tip');
                  tip.hidden = false;
                  tip.style.left = Math.min(ev.clientX + 14, window.innerWidth - tip.offsetWidth - 8) + 'px';
                  tip.style.top = (ev.clientY + 16) + 'px';
                });
                el.addEventListener('mouseleave', function () { tip.hidden = true; });
              });
              var data = JSON.parse(document.getElementById('hwf-report').textContent);
              var drawn = document.querySelectorAll('#timeline g.element').length;
              var expected = data.tasks.reduce(function (n, t) { return n + t.elements.length; }, 0);
              document.documentElement.setAttribute('data-hwf-elements', drawn + '/' + expected);
            })();
            """;
}
