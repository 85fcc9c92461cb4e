package dev.hwf.launcher.serve;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.hwf.launcher.ExitCodes;
import dev.hwf.launcher.HwfException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code hwf serve}'s web server: the JDK's own HTTP server ({@code jdk.httpserver}), which needs no
 * library and starts in milliseconds. Every request must carry the token made at start (192 random
 * bits), in the query ({@code ?token=}) or in the cookie the page sets, compared in constant time;
 * any other request is answered 403. Only GET is served, nothing is written anywhere, and every answer
 * says not to cache it, not to send it on as a referrer, and not to be framed.
 *
 * <p>Live updates are Server-Sent Events: {@link JournalWatch} asks the journal's change counter
 * once a tick and, when it moved, reads what the open pages show through the journal's read-only
 * path and sends whatever differs from what each page last got.
 *
 * <p>It stops when {@link #close} is called (Ctrl-C, SIGTERM) or after {@code idleStop} without a
 * request while no page is open.
 */
public final class ServeServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ServeServer.class);
    /** Bytes of each log shown for an element. */
    public static final int LOG_BYTES = 16 * 1024;
    /** Open live streams at most; more are answered 503. */
    static final int MAX_STREAMS = 32;

    /** Where to listen, and when to stop on its own. {@code port} 0: a free port the system picks. */
    public record Options(String bind, int port, Duration idleStop, Duration tick) {
        public Options {
            if (idleStop.isNegative() || tick.isZero() || tick.isNegative()) {
                throw new IllegalArgumentException("idleStop >= 0 and tick > 0");
            }
        }
    }

    private final Source source;
    private final Options options;
    private final HttpServer http;
    private final String token;
    private final byte[] tokenBytes;
    private final ExecutorService workers;
    private final ScheduledExecutorService timer;
    private final JournalWatch watch;
    private final AtomicLong lastActivity = new AtomicLong(System.nanoTime());
    private final AtomicInteger busy = new AtomicInteger();
    private final List<LiveStream> streams = new CopyOnWriteArrayList<>();
    private final CountDownLatch stopped = new CountDownLatch(1);
    private volatile String stopReason;

    private ServeServer(Source source, Options options) throws IOException {
        this.source = source;
        this.options = options;
        byte[] random = new byte[24];
        new SecureRandom().nextBytes(random);
        this.token = HexFormat.of().formatHex(random);
        this.tokenBytes = token.getBytes(StandardCharsets.US_ASCII);
        this.workers = Executors.newCachedThreadPool(daemons("hwf-serve-"));
        this.timer = Executors.newSingleThreadScheduledExecutor(daemons("hwf-serve-watch"));
        this.http = HttpServer.create(new InetSocketAddress(InetAddress.getByName(options.bind()), options.port()), 64);
        this.http.setExecutor(workers);
        this.http.createContext("/", this::handle);
        this.watch = new JournalWatch(source, streams);
    }

    /** Starts listening; the server runs until {@link #close} or its idle time. */
    public static ServeServer start(Source source, Options options) {
        ServeServer s;
        try {
            s = new ServeServer(source, options);
        } catch (java.net.BindException e) {
            throw new HwfException(ExitCodes.BAD_INPUT, "cannot listen on " + options.bind() + ":" + options.port()
                    + ": " + e.getMessage() + "; pick another port with --port N, or leave it out for a free one", e);
        } catch (IOException e) {
            throw new HwfException(ExitCodes.BAD_INPUT, "cannot listen on " + options.bind() + ":" + options.port()
                    + ": " + e, e);
        }
        s.http.start();
        long tick = options.tick().toMillis();
        s.timer.scheduleWithFixedDelay(s::tick, tick, tick, TimeUnit.MILLISECONDS);
        return s;
    }

    public int port() {
        return http.getAddress().getPort();
    }

    public String token() {
        return token;
    }

    /** The address to open, token included. */
    public String url() {
        String host = http.getAddress().getAddress().getHostAddress();
        return "http://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + port() + "/?token=" + token;
    }

    /** Waits until the server has stopped and says why ("idle" or "stopped"). */
    public String awaitStop() throws InterruptedException {
        stopped.await();
        return stopReason;
    }

    /** Waits at most {@code timeout}; null while it still runs. */
    public String awaitStop(Duration timeout) throws InterruptedException {
        return stopped.await(timeout.toMillis(), TimeUnit.MILLISECONDS) ? stopReason : null;
    }

    @Override
    public void close() {
        stop("stopped");
    }

    private synchronized void stop(String why) {
        if (stopReason != null) {
            return;
        }
        stopReason = why;
        streams.forEach(LiveStream::end);
        http.stop(0);
        workers.shutdownNow();
        timer.shutdownNow(); // last: stop() may run on its thread
        source.close();
        stopped.countDown();
    }

    private void tick() {
        try {
            if (!options.idleStop().isZero() && busy.get() == 0 && streams.isEmpty()
                    && System.nanoTime() - lastActivity.get() >= options.idleStop().toNanos()) {
                stop("idle");
                return;
            }
            watch.tick();
        } catch (RuntimeException e) {
            LOG.debug("watching the journal", e); // next tick again
        }
    }

    // ------------------------------------------------------------------ requests

    private void handle(HttpExchange ex) {
        busy.incrementAndGet();
        lastActivity.set(System.nanoTime());
        try {
            Headers h = ex.getResponseHeaders();
            h.set("Cache-Control", "no-store");
            h.set("X-Content-Type-Options", "nosniff");
            h.set("Referrer-Policy", "no-referrer");
            h.set("X-Frame-Options", "DENY");
            Map<String, String> q = query(ex.getRequestURI().getRawQuery());
            boolean byQuery = matches(q.get("token"));
            if (!byQuery && !matches(cookie(ex.getRequestHeaders(), cookieName()))) {
                send(ex, 403, "text/plain", "403 Forbidden: this hwf serve answers only with the token printed at "
                        + "its start (the whole address: http://127.0.0.1:PORT/?token=...)\n");
                return;
            }
            if (!ex.getRequestMethod().equals("GET") && !ex.getRequestMethod().equals("HEAD")) {
                h.set("Allow", "GET, HEAD");
                send(ex, 405, "text/plain", "405: hwf serve only reads\n");
                return;
            }
            String path = ex.getRequestURI().getPath();
            switch (path) {
                case "/" -> {
                    if (byQuery) {
                        h.add("Set-Cookie", cookieName() + "=" + token + "; Path=/; HttpOnly; SameSite=Strict");
                    }
                    h.set("Content-Security-Policy", "default-src 'none'; script-src 'unsafe-inline'; "
                            + "style-src 'unsafe-inline'; connect-src 'self'; img-src data:; base-uri 'none'; "
                            + "form-action 'none'; frame-ancestors 'none'");
                    send(ex, 200, "text/html", ServePage.HTML);
                }
                case "/api/runs" -> send(ex, 200, "application/json", source.runs());
                case "/api/run" -> send(ex, 200, "application/json", source.run(need(q, "run")));
                case "/api/timeline" -> send(ex, 200, "text/html", source.timeline(need(q, "run")));
                case "/api/element" -> send(ex, 200, "application/json", source.element(need(q, "run"),
                        need(q, "task"), number(q, "index", 0), q.containsKey("attempt") ? number(q, "attempt", 1)
                                : null, LOG_BYTES));
                case "/api/events" -> live(ex, q.get("run"));
                default -> send(ex, 404, "text/plain", "404: no " + path + " here\n");
            }
        } catch (HwfException e) {
            sendQuietly(ex, e.exitCode() == ExitCodes.BAD_INPUT ? 404 : 500, e.getMessage() + "\n");
        } catch (IOException e) {
            LOG.debug("request {}", ex.getRequestURI().getPath(), e); // the browser went away
        } catch (RuntimeException e) {
            LOG.warn("request {}", ex.getRequestURI().getPath(), e);
            sendQuietly(ex, 500, "500: " + e + "\n");
        } finally {
            ex.close(); // after the catch clauses, which may still answer
            lastActivity.set(System.nanoTime());
            busy.decrementAndGet();
        }
    }

    private String cookieName() {
        return "hwf-token-" + port();
    }

    /** Compares a token given with the server's in time that does not depend on where they differ. */
    boolean matches(String given) {
        return given != null && MessageDigest.isEqual(given.getBytes(StandardCharsets.US_ASCII), tokenBytes);
    }

    private static String need(Map<String, String> q, String key) {
        String v = q.get(key);
        if (v == null || v.isEmpty()) {
            throw new HwfException(ExitCodes.BAD_INPUT, "the request needs ?" + key + "=");
        }
        return v;
    }

    private static int number(Map<String, String> q, String key, int min) {
        try {
            int n = Integer.parseInt(need(q, key));
            if (n >= min) {
                return n;
            }
        } catch (NumberFormatException e) {
            // said below
        }
        throw new HwfException(ExitCodes.BAD_INPUT, key + " must be a whole number from " + min + " on");
    }

    static Map<String, String> query(String raw) {
        Map<String, String> q = new HashMap<>();
        if (raw == null || raw.isEmpty()) {
            return q;
        }
        for (String part : raw.split("&")) {
            int eq = part.indexOf('=');
            String k = eq < 0 ? part : part.substring(0, eq);
            String v = eq < 0 ? "" : part.substring(eq + 1);
            try {
                q.putIfAbsent(URLDecoder.decode(k, StandardCharsets.UTF_8), URLDecoder.decode(v, StandardCharsets.UTF_8));
            } catch (IllegalArgumentException e) {
                // a malformed escape: the key is left out
            }
        }
        return q;
    }

    static String cookie(Headers headers, String name) {
        for (String line : headers.getOrDefault("Cookie", List.of())) {
            for (String part : line.split(";")) {
                String p = part.strip();
                if (p.startsWith(name + "=")) {
                    return p.substring(name.length() + 1);
                }
            }
        }
        return null;
    }

    private static void send(HttpExchange ex, int code, String type, String body) throws IOException {
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", type + "; charset=utf-8");
        boolean head = ex.getRequestMethod().equals("HEAD");
        ex.sendResponseHeaders(code, head ? -1 : b.length);
        if (!head) {
            try (OutputStream out = ex.getResponseBody()) {
                out.write(b);
            }
        }
    }

    private static void sendQuietly(HttpExchange ex, int code, String body) {
        try {
            send(ex, code, "text/plain", body);
        } catch (IOException | RuntimeException e) {
            // headers already sent, or the browser went away
        }
    }

    // ------------------------------------------------------------------ live

    /** A page's event stream: what it was last sent, and frames waiting to go. */
    private void live(HttpExchange ex, String run) throws IOException {
        if (streams.size() >= MAX_STREAMS) {
            send(ex, 503, "text/plain", "503: " + MAX_STREAMS + " pages are open already\n");
            return;
        }
        ex.getResponseHeaders().set("Content-Type", "text/event-stream; charset=utf-8");
        ex.sendResponseHeaders(200, 0);
        LiveStream stream = new LiveStream(run == null || run.isEmpty() ? null : run);
        streams.add(stream);
        try {
            OutputStream out = ex.getResponseBody();
            out.write("retry: 2000\n\n".getBytes(StandardCharsets.UTF_8));
            watch.first(stream);
            stream.pump(out, Duration.ofSeconds(15));
        } finally {
            streams.remove(stream);
        }
    }

    private static ThreadFactory daemons(String name) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, name + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }
}
