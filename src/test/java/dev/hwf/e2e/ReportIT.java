package dev.hwf.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code hwf report} of a finished run, rendered by a real headless Chromium (Debian's
 * {@code chromium}; .ci/run installs it; {@code -Dhwf.browser=PATH} picks another): the page
 * draws, its script runs, the timeline has a row for every task element with a bar for every
 * attempt that ran, and nothing is fetched from the network (the browser is given a proxy and a
 * resolver that lead nowhere).
 */
class ReportIT {
    @TempDir
    Path scratch;

    private static String browser() {
        return Chromium.path("ReportIT");
    }

    /** Runs the browser headless on a file, with its own profile and no way out to the network. */
    private String chromium(Path profile, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(browser(), "--headless", "--no-sandbox", "--disable-gpu",
                "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
                "--disable-dev-shm-usage", "--proxy-server=127.0.0.1:9", "--host-resolver-rules=MAP * ~NOTFOUND",
                "--user-data-dir=" + profile));
        cmd.addAll(List.of(args));
        Path out = Files.createTempFile(scratch, "chromium", ".out");
        Path err = Files.createTempFile(scratch, "chromium", ".err");
        Process p = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        if (!p.waitFor(90, TimeUnit.SECONDS)) {
            p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            fail("chromium ran past 90 s: " + Files.readString(err));
        }
        assertEquals(0, p.exitValue(), "chromium " + String.join(" ", args) + ":\n" + Files.readString(err));
        return Files.readString(out, StandardCharsets.UTF_8);
    }

    @Test
    void theReportOfAFinishedRunRendersItsTimelineInChromium() throws Exception {
        Hwf hwf = new Hwf(scratch, "0.3");
        Path wf = hwf.workflow("report.yaml", """
                name: report-demo
                tasks:
                  - name: prepare
                    cpus: 2
                    command: sleep 0.4; echo prepared
                  - name: train
                    after: [prepare]
                    gpus: 1
                    array: 5
                    arrayLimit: 2
                    retries: 1
                    command: |
                      sleep 0.4
                      if [ "$HWF_ARRAY_INDEX" = 3 ] && [ "$HWF_ATTEMPT" = 1 ]; then echo "element 3 <fails> once" >&2; exit 7; fi
                      echo "trained shard $HWF_ARRAY_INDEX"
                  - name: evaluate
                    after: [train]
                    command: echo "evaluation broke" >&2; exit 4
                  - name: publish
                    after: [evaluate]
                    command: echo never
                """);
        Hwf.Result r = hwf.run("submit", wf.toString(), "--set", "site.workdir=" + scratch.resolve("work dir"));
        assertEquals(1, r.code(), r.all());
        String run = Hwf.runId(r);

        Path html = scratch.resolve("report.html");
        Path json = scratch.resolve("report.json");
        Hwf.Result rep = hwf.run("report", run, "--html", html.toString(), "--json", json.toString());
        assertEquals(0, rep.code(), rep.all());
        JsonNode data = Hwf.JSON.readTree(json.toFile());
        assertEquals("FAILED", data.get("state").asText());
        assertEquals(8, data.get("totals").get("elements").asInt());
        assertEquals(1, data.get("totals").get("retries").asInt());
        assertEquals(2, data.get("failures").size(), "train[3] once, evaluate: " + data.get("failures"));

        String dom = chromium(scratch.resolve("profile"), "--dump-dom", html.toUri().toString());
        assertTrue(dom.contains("<svg id=\"timeline\""), "the timeline is drawn:\n" + dom);
        int expected = 0;
        int ran = 0;
        for (JsonNode task : data.get("tasks")) {
            for (JsonNode e : task.get("elements")) {
                expected++;
                String row = "<g class=\"element\" data-task=\"" + task.get("name").asText() + "\" data-index=\""
                        + e.get("index").asInt() + "\"";
                assertTrue(dom.contains(row), "a timeline row for " + row);
                for (JsonNode seg : e.get("attempts")) {
                    if (!seg.get("runFrom").isNull()) {
                        ran++;
                    }
                }
            }
        }
        assertTrue(dom.contains("data-hwf-elements=\"" + expected + "/" + expected + "\""),
                "the page's script ran and counted every element drawn");
        assertEquals(ran, count(dom, "<rect class=\"run "), "a running bar for every attempt that ran");
        assertEquals(1, count(dom, "<rect class=\"run o-RETRIED"), "train[3]'s first attempt");
        assertTrue(dom.contains("class=\"never s-CANCELLED\""), "publish never ran: a mark, not a bar");
        assertTrue(dom.contains("element 3 &lt;fails&gt; once"), "stderr's tail, escaped");
        assertTrue(dom.contains("href=\"file://"), "local logs are links");
        Matcher resources = Pattern.compile("<(img|link|iframe)\\b|<script[^>]+src=").matcher(dom);
        assertTrue(!resources.find(), "nothing to fetch: " + (resources.hitEnd() ? "" : resources.group()));

        Path png = scratch.resolve("report.png");
        chromium(scratch.resolve("profile2"), "--hide-scrollbars", "--window-size=1280,1000",
                "--screenshot=" + png, html.toUri().toString());
        int[] size = pngSize(png);
        assertEquals(1280, size[0]);
        assertEquals(1000, size[1]);
        assertTrue(Files.size(png) > 30_000, "a screenshot with something on it: " + Files.size(png) + " bytes");
    }

    private static int count(String s, String part) {
        int n = 0;
        for (int i = s.indexOf(part); i >= 0; i = s.indexOf(part, i + 1)) {
            n++;
        }
        return n;
    }

    /** Width and height from a PNG's IHDR chunk. */
    private static int[] pngSize(Path png) throws IOException {
        try (InputStream in = Files.newInputStream(png); DataInputStream d = new DataInputStream(in)) {
            byte[] sig = d.readNBytes(8);
            assertEquals((byte) 0x89, sig[0], "a PNG file");
            d.readInt();
            assertEquals("IHDR", new String(d.readNBytes(4), StandardCharsets.US_ASCII));
            return new int[] {d.readInt(), d.readInt()};
        }
    }
}
