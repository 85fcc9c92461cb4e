package dev.hwf.launcher.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.hwf.launcher.HwfException;
import dev.hwf.launcher.journal.Journal;
import dev.hwf.launcher.journal.SpecCodec;
import dev.hwf.launcher.serve.ServeServer;
import dev.hwf.launcher.workflow.Workflow;
import dev.hwf.launcher.workflow.WorkflowLoader;
import dev.hwf.testing.Await;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code hwf serve} on a real journal with a run on {@code local}: the token guards every request,
 * the JSON, the timeline and an element's logs are served, the event stream sends the run when a
 * poll moves it, and the server stops after its idle time. Every server here listens on 127.0.0.1.
 */
class ServeTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration LIMIT = Duration.ofSeconds(60);

    @TempDir
    Path tmp;

    private final List<ServeServer> servers = new ArrayList<>();
    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @AfterEach
    void stop() throws IOException {
        servers.forEach(ServeServer::close);
        // the run's job waits on a file: let it end, whatever the test got to
        Files.writeString(tmp.resolve("go"), "");
    }

    private Path journal() {
        return tmp.resolve("journal.db");
    }

    /**
     * A detached run: {@code wait} (an array of 3 whose element 1 waits for the file {@code go}, a
     * minute at most: the test directory may be gone before it looks), then {@code after}.
     */
    private String run() throws IOException {
        Path wf = tmp.resolve("wf.yaml");
        Files.writeString(wf, """
                name: serve-demo
                tasks:
                  - name: wait
                    array: 3
                    command: |
                      echo "element $HWF_ARRAY_INDEX <here>"
                      if [ "$HWF_ARRAY_INDEX" = 1 ]; then for i in $(seq 600); do [ -e %s ] && break; sleep 0.1; done; fi
                      echo "to stderr" >&2
                  - name: after
                    after: [wait]
                    command: echo done
                """.formatted(tmp.resolve("go")));
        CliRun.Result r = CliRun.hwf(journal(), "submit", wf.toString(), "--detach", "--set",
                "site.workdir=" + tmp.resolve("work"));
        assertEquals(0, r.code(), r.all());
        return r.out().strip();
    }

    private ServeServer serve(Duration idle) {
        Path file = journal().toAbsolutePath();
        ServeServer s = ServeServer.start(new ServeData(file, () -> Journal.openForReading(file)),
                new ServeServer.Options("127.0.0.1", 0, idle, Duration.ofMillis(100)));
        servers.add(s);
        return s;
    }

    private HttpResponse<String> get(ServeServer s, String pathAndQuery, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + s.port() + pathAndQuery))
                .timeout(Duration.ofSeconds(20));
        if (headers.length > 0) {
            b.headers(headers);
        }
        return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static void await(String what, BooleanCheck check) throws InterruptedException {
        Await.until(what, LIMIT, () -> {
            try {
                return check.holds();
            } catch (Exception e) {
                return false;
            }
        });
    }

    @FunctionalInterface
    private interface BooleanCheck {
        boolean holds() throws Exception;
    }

    @Test
    void everyRequestWithoutTheTokenIsRefused() throws Exception {
        run();
        ServeServer s = serve(Duration.ZERO);
        String token = s.token();
        assertTrue(token.matches("[0-9a-f]{48}"), "192 random bits: " + token);
        assertTrue(s.url().startsWith("http://127.0.0.1:" + s.port() + "/?token=" + token), s.url());
        assertTrue(InetAddress.getByName("127.0.0.1").isLoopbackAddress());

        for (String path : List.of("/", "/api/runs", "/api/run?run=x", "/api/events", "/nothing", "/favicon.ico")) {
            assertEquals(403, get(s, path).statusCode(), path + " without a token");
            assertEquals(403, get(s, path + (path.contains("?") ? "&" : "?") + "token=" + "0".repeat(48)).statusCode(),
                    path + " with a wrong token");
            assertEquals(403, get(s, path + (path.contains("?") ? "&" : "?") + "token=" + token.substring(1))
                    .statusCode(), path + " with part of the token");
        }
        assertEquals(403, get(s, "/", "Cookie", "hwf-token-" + s.port() + "=" + "f".repeat(48)).statusCode());

        HttpResponse<String> page = get(s, "/?token=" + token);
        assertEquals(200, page.statusCode());
        assertTrue(page.body().startsWith("<!DOCTYPE html>") && page.body().contains("EventSource"), "the page");
        String cookie = page.headers().firstValue("Set-Cookie").orElseThrow();
        assertTrue(cookie.startsWith("hwf-token-" + s.port() + "=" + token + ";") && cookie.contains("HttpOnly")
                && cookie.contains("SameSite=Strict"), cookie);
        assertEquals("no-store", page.headers().firstValue("Cache-Control").orElseThrow());
        assertTrue(page.headers().firstValue("Content-Security-Policy").orElseThrow().contains("default-src 'none'"));
        assertTrue(!page.body().matches("(?s).*<(script|link|img)[^>]+(src|href)=.*"), "nothing fetched from elsewhere");
        assertEquals(200, get(s, "/api/runs", "Cookie", "a=b; hwf-token-" + s.port() + "=" + token).statusCode(),
                "the cookie alone does");
        HttpResponse<String> post = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + s.port()
                + "/api/runs?token=" + token)).POST(HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(405, post.statusCode(), "it only reads");
    }

    @Test
    void servesTheRunItsElementsTimelineAndLogsAndPushesChangesAsAPollMovesThem() throws Exception {
        String id = run();
        ServeServer s = serve(Duration.ZERO);
        String t = "token=" + s.token();

        JsonNode runs = JSON.readTree(get(s, "/api/runs?" + t).body());
        assertEquals(id, runs.get(0).get("run").asText());
        assertEquals("serve-demo", runs.get(0).get("workflow").asText());
        assertEquals(404, get(s, "/api/run?run=nope&" + t).statusCode());

        // the elements that do not wait end; element 1 runs on
        await("wait[0] and wait[2] succeeded", () -> {
            CliRun.hwf(journal(), "-q", "poll");
            String grid = JSON.readTree(get(s, "/api/run?run=" + id + "&" + t).body()).get("tasks").get(0)
                    .get("grid").asText();
            return grid.equals("SRS");
        });
        JsonNode run = JSON.readTree(get(s, "/api/run?run=" + id + "&" + t).body());
        JsonNode wait = run.get("tasks").get(0);
        assertEquals(3, wait.get("size").asInt());
        assertEquals(2, wait.get("counts").get("SUCCEEDED").asInt());
        assertTrue(!wait.has("elements"), "elements go as a grid of letters");
        assertEquals("default", wait.get("site").asText(), "the site of status --json");
        assertTrue(run.get("eventCount").asInt() > 0 && run.get("events").size() > 0, run.toString());

        JsonNode e0 = JSON.readTree(get(s, "/api/element?run=" + id + "&task=wait&index=0&" + t).body());
        assertEquals("SUCCEEDED", e0.get("state").asText());
        assertEquals("element 0 <here>\n", e0.get("stdout").get("text").asText());
        assertEquals("to stderr\n", e0.get("stderr").get("text").asText());
        JsonNode after = JSON.readTree(get(s, "/api/element?run=" + id + "&task=after&index=0&" + t).body());
        assertTrue(after.get("stdout") == null, "never submitted: no logs " + after);
        assertEquals(404, get(s, "/api/element?run=" + id + "&task=wait&index=7&" + t).statusCode());
        assertEquals(404, get(s, "/api/element?run=" + id + "&task=wait&index=x&" + t).statusCode());

        String timeline = get(s, "/api/timeline?run=" + id + "&" + t).body();
        assertTrue(timeline.contains("<svg id=\"timeline\"") && timeline.contains("data-task=\"wait\" data-index=\"1\""),
                timeline);

        // the live stream: the runs and the run at once, then the run again once a poll moved it
        BlockingQueue<String> events = new ArrayBlockingQueue<>(100);
        HttpResponse<InputStream> stream = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                + s.port() + "/api/events?run=" + id + "&" + t)).build(), HttpResponse.BodyHandlers.ofInputStream());
        assertEquals(200, stream.statusCode());
        assertEquals("text/event-stream; charset=utf-8", stream.headers().firstValue("Content-Type").orElseThrow());
        Thread reader = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(stream.body(), StandardCharsets.UTF_8))) {
                String event = null;
                for (String line = in.readLine(); line != null; line = in.readLine()) {
                    if (line.startsWith("event: ")) {
                        event = line.substring(7);
                    } else if (line.startsWith("data: ")) {
                        events.offer(event + " " + line.substring(6));
                    }
                }
            } catch (IOException e) {
                // closed at the end of the test
            }
        });
        reader.setDaemon(true);
        reader.start();
        String first = events.poll(20, TimeUnit.SECONDS);
        assertTrue(first != null && first.startsWith("runs [{\"run\":\"" + id + "\""), String.valueOf(first));
        String second = events.poll(20, TimeUnit.SECONDS);
        assertTrue(second != null && second.startsWith("run {\"run\":\"" + id + "\""), String.valueOf(second));
        assertNull(events.poll(1500, TimeUnit.MILLISECONDS), "nothing more while nothing changes");

        Files.writeString(tmp.resolve("go"), "");
        long deadline = System.nanoTime() + LIMIT.toNanos();
        String state = "";
        while (!state.equals("SUCCEEDED") && System.nanoTime() < deadline) {
            CliRun.hwf(journal(), "-q", "poll");
            String next = events.poll(500, TimeUnit.MILLISECONDS);
            if (next != null && next.startsWith("run ")) {
                state = JSON.readTree(next.substring(4)).get("state").asText();
            }
        }
        assertEquals("SUCCEEDED", state, "the stream sent the run as the polls moved it to its end");
        stream.body().close();
    }

    @Test
    void aLargeArrayGoesAsOneLetterPerElementAndItsCounts() throws Exception {
        Path file = journal().toAbsolutePath();
        String id;
        try (Journal j = Journal.open(file)) {
            Workflow wf = WorkflowLoader.parse("name: big\ntasks:\n  - name: sweep\n    array: 10000\n"
                    + "    command: 'true'\n", "big.yaml", null, List.of());
            id = j.createRun(wf, SpecCodec.toJson(wf), tmp.toString(), java.time.Instant.now());
        }
        ServeServer s = serve(Duration.ZERO);
        long start = System.nanoTime();
        HttpResponse<String> r = get(s, "/api/run?run=" + id + "&token=" + s.token());
        double seconds = (System.nanoTime() - start) / 1e9;
        JsonNode sweep = JSON.readTree(r.body()).get("tasks").get(0);
        assertEquals("W".repeat(10_000), sweep.get("grid").asText());
        assertEquals(10_000, sweep.get("counts").get("WAITING").asInt());
        assertTrue(r.body().length() < 20_000, "one letter an element, not an object: " + r.body().length());
        assertTrue(seconds < 10, "read in " + seconds + " s");
    }

    @Test
    void stopsAfterItsIdleTimeButNotWhileAsked() throws Exception {
        run();
        ServeServer s = serve(Duration.ofMillis(800));
        for (int i = 0; i < 6; i++) {
            Thread.sleep(300);
            assertEquals(200, get(s, "/api/runs?token=" + s.token()).statusCode(), "kept up by requests");
        }
        assertNull(s.awaitStop(Duration.ofMillis(100)));
        assertEquals("idle", s.awaitStop(Duration.ofSeconds(10)));
        assertThrows(IOException.class, () -> get(s, "/api/runs?token=" + s.token()), "stopped: nothing listens");
    }

    @Test
    void theCommandPrintsTheAddressWithItsTokenAndTheSshLineAndStopsWhenIdle() throws Exception {
        run();
        long start = System.nanoTime();
        CliRun.Result r = CliRun.hwf(journal(), "serve", "--idle-stop", "1s");
        double seconds = (System.nanoTime() - start) / 1e9;
        assertEquals(0, r.code(), r.all());
        assertTrue(r.out().matches("(?s).*\n  http://127\\.0\\.0\\.1:\\d+/\\?token=[0-9a-f]{48}\n.*"), r.all());
        assertTrue(r.out().matches("(?s).*\n  ssh -N -L (\\d+):127\\.0\\.0\\.1:\\1 \\S+@\\S+\n.*"), r.all());
        assertTrue(r.out().contains("stopped after 1s with no request"), r.all());
        assertTrue(seconds < 10, "started and stopped in " + seconds + " s");

        assertEquals(2, CliRun.hwf(journal(), "serve", "--idle-stop", "soon").code());
        HwfException bad = assertThrows(HwfException.class, () -> ServeCommand.duration("2x"));
        assertTrue(bad.getMessage().contains("30m"), bad.getMessage());
        assertEquals(Duration.ofMinutes(90), ServeCommand.duration("1h30m"));
        assertEquals(Duration.ofHours(2), ServeCommand.duration("2h"));
        assertEquals(Duration.ZERO, ServeCommand.duration("0"));
        assertEquals(Duration.ofSeconds(45), ServeCommand.duration("45"));
    }
}
