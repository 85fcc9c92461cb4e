package dev.hwf.launcher.report;

import static dev.hwf.launcher.report.ReportFixture.min;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hwf.launcher.workflow.Site;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The report's numbers from a run with known times (see {@link ReportFixture}). */
class RunReportTest {
    private static final double EPS = 1e-9;

    private static RunReport report(Site site) {
        return RunReport.build(ReportFixture.snapshot(), ReportFixture.events(), ReportFixture.workflow(site),
                site.host(), min(200), path -> path.endsWith("err.1.1.log") ? "CUDA error: out of memory" : null,
                "hwf test");
    }

    @Test
    void coreAndGpuHoursAreElapsedTimesAllocationOverEveryAttempt() {
        RunReport r = report(Site.local());
        RunReport.TaskReport sim = r.tasks().get(0);
        assertEquals(32, sim.requested().cores(), "2 nodes x 8 processes x 4 cores");
        assertEquals(3600, sim.runSeconds(), EPS);
        assertEquals(32.0, sim.coreHours(), EPS);
        assertEquals(0.0, sim.gpuHours(), EPS);

        RunReport.TaskReport train = r.tasks().get(1);
        assertEquals(2, train.requested().cores());
        assertEquals(1, train.requested().gpuTotal());
        assertEquals(70 * 60, train.runSeconds(), EPS, "30 + 10 (failed try) + 30 minutes");
        assertEquals(70 / 60.0 * 2, train.coreHours(), EPS);
        assertEquals(70 / 60.0, train.gpuHours(), EPS);

        RunReport.TaskReport post = r.tasks().get(2);
        assertEquals(120, post.runSeconds(), EPS, "from the last pass before its end (133 min) to 135 min");

        assertEquals(32 + 70 / 60.0 * 2 + 2 / 60.0, r.summary().coreHours(), EPS);
        assertEquals(70 / 60.0, r.summary().gpuHours(), EPS);
        assertEquals(135 * 60, r.summary().wallSeconds(), EPS);
    }

    @Test
    void segmentsFollowTheJournalsEvents() {
        RunReport r = report(Site.local());
        RunReport.TaskReport train = r.tasks().get(1);
        assertEquals(2, train.attempts().size());
        assertEquals(1, train.retries());
        RunReport.ElementReport e1 = train.elements().get(1);
        assertEquals(2, e1.segments().size());
        RunReport.Segment first = e1.segments().get(0);
        assertEquals("RETRIED", first.outcome());
        assertEquals("exit 3; retry 1 of 1", first.reason());
        assertEquals(min(75), first.queued());
        assertEquals(min(80), first.started());
        assertEquals(min(90), first.ended());
        assertTrue(first.startObserved());
        RunReport.Segment second = e1.segments().get(1);
        assertEquals("SUCCEEDED", second.outcome());
        assertEquals(0, second.exitCode());
        assertEquals(min(95), second.queued());
        assertEquals(ReportFixture.WORKDIR + "/" + ReportFixture.RUN + "/train/out.2.1.log", second.stdout());
        assertEquals(ReportFixture.WORKDIR + "/" + ReportFixture.RUN + "/train/err.2.1.log", second.stderr());

        RunReport.Segment post = r.tasks().get(2).elements().get(0).segments().get(0);
        assertFalse(post.startObserved());
        assertNull(post.started());
        assertEquals(min(133), post.runFrom());
    }

    @Test
    void failuresCarryTheirReasonAndTheEndOfStderr() {
        RunReport r = report(Site.local());
        assertEquals(1, r.failures().size());
        RunReport.Failure f = r.failures().get(0);
        assertEquals("train", f.task());
        assertEquals(1, f.index());
        assertEquals(1, f.attempt());
        assertEquals("101", f.jobId());
        assertEquals("exit 3; retry 1 of 1", f.reason());
        assertEquals("CUDA error: out of memory", f.stderrTail());
        assertEquals(List.of("RUNNING", "RESUMED", "SUCCEEDED"), r.marks().stream().map(RunReport.Mark::state).toList());
        assertEquals(4, r.summary().elementStates().get("SUCCEEDED"));
    }

    @Test
    void jsonHasStableKeysAndPlainNumbers() {
        Map<String, Object> m = ReportJson.toMap(report(Site.local()));
        assertEquals(List.of("format", "generator", "generated", "run", "workflow", "scheduler", "host", "state",
                "reason", "workdir", "submitted", "ended", "wallSeconds", "totals", "events", "tasks", "failures"),
                List.copyOf(m.keySet()));
        String json = ReportJson.write(report(Site.local()));
        assertTrue(json.contains("\"format\" : \"hwf-report/1\""), json);
        assertTrue(json.contains("\"coreHours\" : 32,"), "a task's used core-hours: " + json);
        assertTrue(json.contains("\"coreHours\" : 34.366667,"), "the run's total: " + json);
        assertFalse(json.matches("(?s).*\\d[eE][-+]?\\d.*"), "no exponent notation");
        @SuppressWarnings("unchecked")
        Map<String, Object> task = (Map<String, Object>) ((List<?>) m.get("tasks")).get(1);
        assertEquals(List.of("name", "state", "reason", "exitCode", "after", "afterEach", "env", "requested", "array",
                "arrayLimit", "retriesAllowed", "taskDir", "submitted", "started", "ended", "used", "retries", "attempts", "elements"),
                List.copyOf(task.keySet()));
    }

    @Test
    void htmlIsSelfContainedAndDrawsEveryElement() {
        String html = ReportHtml.write(report(Site.local()));
        assertTrue(html.startsWith("<!DOCTYPE html>"));
        // nothing fetched: no external scripts, styles, images or fonts; the only URL is SVG's namespace
        Matcher urls = Pattern.compile("(?i)(https?:)?//[a-z0-9.-]+\\.[a-z]{2,}").matcher(html);
        while (urls.find()) {
            assertEquals("http://www.w3.org", urls.group(), "an address in the page");
        }
        assertFalse(html.matches("(?is).*<(link|img|iframe)\\b.*"), "no linked resources");
        assertFalse(html.matches("(?is).*<script[^>]+src=.*"), "no external script");
        assertFalse(html.contains("@import") || html.contains("url(http"), "no fetched styles");
        for (String[] el : new String[][] {{"sim", "0"}, {"train", "0"}, {"train", "1"}, {"post", "0"}}) {
            assertTrue(html.contains("<g class=\"element\" data-task=\"" + el[0] + "\" data-index=\"" + el[1] + "\""),
                    "timeline row of " + el[0] + "[" + el[1] + "]");
        }
        assertEquals(5, count(html, "<rect class=\"run "), "one running bar per attempt of each element");
        assertEquals(1, count(html, "<rect class=\"run o-RETRIED"));
        assertTrue(html.contains("href=\"file:///scratch/u/hwf/" + ReportFixture.RUN + "/train/err.1.1.log\""),
                "a local site links its logs");
        assertTrue(html.contains("CUDA error: out of memory"));
        assertTrue(html.contains("<script type=\"application/json\" id=\"hwf-report\">"));
    }

    @Test
    void aRemoteSiteShowsPlainPathsNotLinks() {
        Site remote = new Site("login1.example.org", 22, "alice", null, null, "/scratch/u/hwf", "gpu", null);
        String html = ReportHtml.write(report(remote));
        assertFalse(html.contains("file://"), "no file links for files on a cluster");
        assertTrue(html.contains("stderr: /scratch/u/hwf/" + ReportFixture.RUN + "/train/err.1.1.log"));
        assertTrue(html.contains("login1.example.org"));
    }

    @Test
    void hostileTextIsEscaped() {
        assertEquals("&lt;/script&gt;&lt;b onclick=&quot;x&quot;&gt; &amp; &#39;", ReportHtml.esc("</script><b onclick=\"x\"> & '"));
        assertEquals("< 0.0001", ReportHtml.hours(1e-6));
        assertEquals("0.0123", ReportHtml.hours(0.0123));
        assertEquals("34.37", ReportHtml.hours(34.3667));
        assertEquals("4 min 05 s", ReportHtml.duration(245));
        assertEquals("2 h 03 min", ReportHtml.duration(2 * 3600 + 3 * 60 + 10));
        assertEquals("1-02:00:00", ReportHtml.walltime(26 * 3600));
        assertEquals("16 GiB", ReportHtml.memory(16 * 1024));
    }

    @Test
    void theAxisPicksRoundSteps() {
        ReportHtml.Axis axis = new ReportHtml.Axis(ReportFixture.T0, 135 * 60);
        assertEquals(900, axis.step(), EPS, "135 minutes: a tick every 15 minutes");
        assertEquals("2h15m", axis.label(135 * 60));
        assertEquals(ReportHtml.LABELS, axis.x(0), EPS);
        assertEquals(ReportHtml.WIDTH - ReportHtml.RIGHT, axis.x(135 * 60), EPS);
    }

    private static int count(String s, String part) {
        int n = 0;
        for (int i = s.indexOf(part); i >= 0; i = s.indexOf(part, i + 1)) {
            n++;
        }
        return n;
    }
}
