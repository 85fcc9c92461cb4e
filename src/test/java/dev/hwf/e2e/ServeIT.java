package dev.hwf.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bin/hwf serve} in a real headless Chromium (as {@link ReportIT}, {@code -Dhwf.browser=PATH}
 * picks another), driven through its DevTools protocol: the page, opened with the token, shows a
 * run's tasks and their elements; when {@code hwf poll} moves an element the open page changes
 * without being loaded again (the event stream); a request without the token is refused. Everything
 * listens on 127.0.0.1, every wait is bounded, and the server and browser are stopped after.
 * {@code -Dhwf.serve.screenshot=FILE} keeps the page's screenshot (docs/serve.png is made so).
 */
class ServeIT {
    private static final Duration LIMIT = Duration.ofSeconds(90);

    @TempDir
    Path scratch;

    private final List<Process> processes = new ArrayList<>();

    @AfterEach
    void stop() throws Exception {
        Files.writeString(scratch.resolve("go"), ""); // the waiting element ends, whatever happened
        for (Process p : processes) {
            p.destroy();
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        }
    }

    private static String browser() {
        return Chromium.path("ServeIT");
    }

    /** Waits for a line matching {@code pattern} in a file a process writes; its first group. */
    private static String await(Path file, Pattern pattern, Process p) throws Exception {
        long deadline = System.nanoTime() + LIMIT.toNanos();
        while (System.nanoTime() < deadline) {
            String text = Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "";
            Matcher m = pattern.matcher(text);
            if (m.find()) {
                return m.group(1);
            }
            if (!p.isAlive()) {
                fail("ended (exit " + p.exitValue() + ") before printing " + pattern + ":\n" + text);
            }
            Thread.sleep(20);
        }
        return fail("nothing like " + pattern + " within " + LIMIT + " in " + file);
    }

    @Test
    void thePageShowsTheRunAndChangesWhenAPollMovesAnElement() throws Exception {
        Hwf hwf = new Hwf(scratch, "0.3");
        Path wf = hwf.workflow("serve.yaml", """
                name: nightly-sweep
                tasks:
                  - name: prepare
                    command: sleep 0.3; echo prepared
                  - name: simulate
                    after: [prepare]
                    array: 24
                    command: |
                      sleep 0.2
                      if [ "$HWF_ARRAY_INDEX" = 23 ]; then for i in $(seq 900); do [ -e %s ] && break; sleep 0.1; done; fi
                      if [ "$HWF_ARRAY_INDEX" = 13 ]; then echo "diverged at step 812" >&2; exit 3; fi
                      echo "simulated shard $HWF_ARRAY_INDEX"
                  - name: summarise
                    after: [simulate]
                    command: echo summary
                """.formatted(scratch.resolve("go")));
        Hwf.Result submit = hwf.run("submit", wf.toString(), "--detach", "--set",
                "site.workdir=" + scratch.resolve("work"));
        assertEquals(0, submit.code(), submit.all());
        String run = submit.out().strip();

        // every element but 23 ends; 23 waits for the file 'go'
        long deadline = System.nanoTime() + LIMIT.toNanos();
        while (System.nanoTime() < deadline) {
            JsonNode sim = Hwf.task(hwf.status(run), "simulate");
            long ended = 0;
            for (JsonNode e : sim.get("elements")) {
                ended += e.get("state").asText().matches("SUCCEEDED|FAILED") ? 1 : 0;
            }
            if (ended == 23) {
                break;
            }
            assertEquals(0, hwf.run("-q", "poll").code());
        }

        Path serveOut = scratch.resolve("serve.out");
        long started = System.nanoTime();
        Process serve = hwf.start(serveOut, "serve", "--idle-stop", "10m");
        processes.add(serve);
        String url = await(serveOut, Pattern.compile("\n  (http://127\\.0\\.0\\.1:\\d+/\\?token=[0-9a-f]{48})\n"), serve);
        System.out.printf("hwf serve printed its address %.2f s after bin/hwf was started%n",
                (System.nanoTime() - started) / 1e9);
        String tunnel = await(serveOut, Pattern.compile("\n  ssh -N -L (\\d+):127\\.0\\.0\\.1:\\d+ \\S+@\\S+\n"), serve);
        assertTrue(url.startsWith("http://127.0.0.1:" + tunnel + "/"), "the ssh line forwards the port: " + tunnel);
        String base = url.substring(0, url.indexOf("/?token="));

        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
        for (String path : List.of("/", "/api/runs", "/api/run?run=" + run, "/?token=0123")) {
            HttpResponse<String> refused = http.send(HttpRequest.newBuilder(URI.create(base + path))
                    .timeout(Duration.ofSeconds(20)).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(403, refused.statusCode(), path + " without the token: " + refused.body());
        }

        Path profile = scratch.resolve("profile");
        Path browserErr = scratch.resolve("chromium.err");
        Process chromium = new ProcessBuilder(browser(), "--headless", "--no-sandbox", "--disable-gpu",
                "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
                "--disable-dev-shm-usage", "--proxy-server=127.0.0.1:9",
                // nowhere to go but to hwf serve: 127.0.0.1 goes past the dead proxy and the resolver
                "--proxy-bypass-list=127.0.0.1", "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
                "--hide-scrollbars", "--window-size=1280,1400", "--remote-debugging-address=127.0.0.1",
                "--remote-debugging-port=0", "--user-data-dir=" + profile, url)
                .redirectOutput(scratch.resolve("chromium.out").toFile()).redirectError(browserErr.toFile()).start();
        processes.add(chromium);
        String ws = await(browserErr, Pattern.compile("DevTools listening on (ws://127\\.0\\.0\\.1:\\d+/\\S+)"),
                chromium);
        String devtools = "http://" + URI.create(ws).getAuthority();
        String page = null;
        for (long end = System.nanoTime() + LIMIT.toNanos(); page == null && System.nanoTime() < end; ) {
            JsonNode targets = Hwf.JSON.readTree(http.send(HttpRequest.newBuilder(URI.create(devtools + "/json/list"))
                    .timeout(Duration.ofSeconds(20)).build(), HttpResponse.BodyHandlers.ofString()).body());
            for (JsonNode t : targets) {
                if (t.get("type").asText().equals("page") && t.get("url").asText().startsWith(base)) {
                    page = t.get("webSocketDebuggerUrl").asText();
                }
            }
            Thread.sleep(100);
        }
        assertTrue(page != null, "the page's target in " + devtools);

        try (Devtools tab = Devtools.connect(http, page)) {
            String cells = "document.querySelectorAll('.grid[data-task=\"simulate\"] i')";
            tab.until("the page shows the run's tasks and 24 elements",
                    "document.documentElement.getAttribute('data-hwf-run') === '" + run + "'"
                            + " && document.querySelectorAll('table.tasks tr[data-task]').length === 3"
                            + " && " + cells + ".length === 24"
                            + " && " + cells + "[23].getAttribute('data-state') === 'RUNNING'"
                            + " && " + cells + "[13].getAttribute('data-state') === 'FAILED'"
                            + " && !!document.querySelector('#timeline g.element[data-task=\"simulate\"]')");
            assertEquals("", tab.eval("location.search"), "the token left the address bar");
            tab.eval("window.hwfLoadedOnce = 'yes'");
            tab.eval(cells + "[13].dispatchEvent(new MouseEvent('click', {bubbles: true}))");
            tab.until("element 13's stderr", "(document.querySelector('#element pre[data-log=\"stderr\"]') || {})"
                    + ".textContent === 'diverged at step 812\\n'");

            Files.writeString(scratch.resolve("go"), "");
            String state = "";
            for (long end = System.nanoTime() + LIMIT.toNanos(); !state.equals("FAILED") && System.nanoTime() < end; ) {
                assertEquals(0, hwf.run("-q", "poll").code());
                state = hwf.status(run).get("state").asText();
            }
            assertEquals("FAILED", state, "element 13 failed, so the run did once 23 ended");
            tab.until("the open page shows element 23 SUCCEEDED and the run FAILED, without loading again",
                    cells + "[23].getAttribute('data-state') === 'SUCCEEDED'"
                            + " && document.querySelector('main header .badge').textContent === 'FAILED'"
                            + " && window.hwfLoadedOnce === 'yes'");
            assertTrue(Integer.parseInt(tab.eval("document.documentElement.getAttribute('data-hwf-updates')")) > 1,
                    "drawn again from the stream");
            tab.until("the timeline drawn again with 23's bar", "!!document.querySelector("
                    + "'#timeline g.element[data-task=\"simulate\"][data-index=\"23\"] rect.run.o-SUCCEEDED')");
            tab.eval(cells + "[13].dispatchEvent(new MouseEvent('click', {bubbles: true}))");
            tab.until("element 13's logs shown", "!!document.querySelector('#element pre[data-log=\"stderr\"]')");

            Path png = scratch.resolve("serve.png");
            JsonNode shot = tab.send("Page.captureScreenshot", Map.of("format", "png"));
            Files.write(png, Base64.getDecoder().decode(shot.get("data").asText()));
            assertTrue(Files.size(png) > 30_000, "a screenshot with something on it: " + Files.size(png));
            String keep = System.getProperty("hwf.serve.screenshot");
            if (keep != null && !keep.isBlank()) {
                Files.copy(png, Path.of(keep), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            }
        }
        serve.destroy(); // SIGTERM: it stops
        assertTrue(serve.waitFor(20, TimeUnit.SECONDS), "hwf serve ended on SIGTERM");
    }

    /** A page in the browser, over Chrome's DevTools protocol (JSON over a WebSocket). */
    private static final class Devtools implements WebSocket.Listener, AutoCloseable {
        private final Map<Integer, CompletableFuture<JsonNode>> pending = new ConcurrentHashMap<>();
        private final AtomicInteger ids = new AtomicInteger();
        private final StringBuilder part = new StringBuilder();
        private WebSocket socket;

        static Devtools connect(HttpClient http, String url) throws Exception {
            Devtools d = new Devtools();
            d.socket = http.newWebSocketBuilder().buildAsync(URI.create(url), d).get(30, TimeUnit.SECONDS);
            return d;
        }

        JsonNode send(String method, Map<String, Object> params) throws Exception {
            int id = ids.incrementAndGet();
            CompletableFuture<JsonNode> answer = new CompletableFuture<>();
            pending.put(id, answer);
            socket.sendText(Hwf.JSON.writeValueAsString(Map.of("id", id, "method", method, "params", params)), true)
                    .get(30, TimeUnit.SECONDS);
            JsonNode reply = answer.get(30, TimeUnit.SECONDS);
            if (reply.has("error")) {
                fail(method + ": " + reply.get("error"));
            }
            return reply.get("result");
        }

        /** The value of a JavaScript expression in the page, as text. */
        String eval(String expression) throws Exception {
            JsonNode r = send("Runtime.evaluate", Map.of("expression", expression, "returnByValue", true));
            if (r.has("exceptionDetails")) {
                fail(expression + ": " + r.get("exceptionDetails"));
            }
            JsonNode v = r.get("result").get("value");
            return v == null || v.isNull() ? "" : v.asText();
        }

        /** Waits (bounded) until the expression is true in the page. */
        void until(String what, String expression) throws Exception {
            long deadline = System.nanoTime() + LIMIT.toNanos();
            String guarded = "(function () { try { return !!(" + expression + "); } catch (e) { return false; } })()";
            while (!eval(guarded).equals("true")) {
                if (System.nanoTime() > deadline) {
                    fail(what + ": not within " + LIMIT + "; the page:\n"
                            + eval("document.body.innerText"));
                }
                Thread.sleep(100);
            }
        }

        @Override
        public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
            part.append(data);
            if (last) {
                try {
                    JsonNode m = Hwf.JSON.readTree(part.toString());
                    if (m.has("id")) {
                        CompletableFuture<JsonNode> f = pending.remove(m.get("id").asInt());
                        if (f != null) {
                            f.complete(m);
                        }
                    }
                } catch (IOException e) {
                    // not JSON: nothing waits for it
                }
                part.setLength(0);
            }
            ws.request(1);
            return null;
        }

        @Override
        public void close() {
            socket.sendClose(WebSocket.NORMAL_CLOSURE, "done");
        }
    }
}
