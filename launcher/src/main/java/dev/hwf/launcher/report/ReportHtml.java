package dev.hwf.launcher.report;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The report as one self-contained HTML file: styles, the SVG timeline and a little script are
 * inline, nothing is fetched from anywhere, so the file can be mailed, archived or opened from a
 * cluster's file system as it is. The timeline is drawn as SVG here, not by the script, so it shows
 * without JavaScript; the script only adds hover details. The report's JSON is embedded too
 * ({@code <script type="application/json" id="hwf-report">}).
 *
 * <p>This class lays out the page and draws its header, cards and timeline; the tables are
 * {@link ReportTables}', the styles and the script {@link ReportAssets}'.
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

    /** The timeline section alone, as the page has it: for {@code hwf serve}, which shows it live. */
    public static String timeline(RunReport report) {
        ReportHtml page = new ReportHtml(report);
        page.timeline(report.summary());
        return page.h.toString();
    }

    /** The page's styles, which {@code hwf serve}'s page shares. */
    public static String css() {
        return ReportAssets.CSS;
    }

    private String page() {
        RunReport.Summary s = report.summary();
        h.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
                .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
                .append("<meta name=\"generator\" content=\"").append(esc(s.generator())).append("\">\n")
                .append("<title>").append(esc(s.workflow())).append(" · ").append(esc(s.run())).append(" · ")
                .append(esc(s.state())).append("</title>\n<style>").append(ReportAssets.CSS)
                .append("</style>\n</head>\n<body>\n");
        header(s);
        cards(s);
        timeline(s);
        ReportTables tables = new ReportTables(report, h);
        tables.tasks();
        tables.failures();
        tables.sites();
        tables.attempts();
        h.append("<footer>Report of run <code>").append(esc(s.run())).append("</code> from the hwf journal, made by ")
                .append(esc(s.generator())).append(" at ").append(esc(dateTime(s.generated())))
                .append(". Times are those hwf recorded at its passes over the run; a running time marked ≤ started ")
                .append("between two passes and is an upper bound. Usage is running time × the cores and GPUs a job ")
                .append("of the task asked for, every attempt counted. The same data: <code>hwf report ")
                .append(esc(s.run())).append(" --json FILE</code>.</footer>\n");
        String json = ReportJson.write(report).replace("<", "\\u003c").replace("\u2028", "\\u2028")
                .replace("\u2029", "\\u2029");
        h.append("<script type=\"application/json\" id=\"hwf-report\">").append(json).append("</script>\n");
        h.append("<div id=\"tip\" role=\"tooltip\" hidden></div>\n<script>").append(ReportAssets.SCRIPT)
                .append("</script>\n");
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

    // ------------------------------------------------------------------ formatting

    static String badge(String state) {
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

    static String plural(long n, String word) {
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
}
