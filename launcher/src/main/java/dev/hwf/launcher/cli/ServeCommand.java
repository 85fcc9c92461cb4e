package dev.hwf.launcher.cli;

import dev.hwf.launcher.ExitCodes;
import dev.hwf.launcher.HwfException;
import dev.hwf.launcher.journal.Journal;
import dev.hwf.launcher.serve.ServeServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/**
 * {@code hwf serve}: a live, read-only view of the journal in a browser, on 127.0.0.1 behind a token
 * printed at start ({@link ServeServer}); what it shows comes from {@link ServeData}.
 */
@Command(name = "serve", mixinStandardHelpOptions = true,
        description = {"Serve a live, read-only view of the journal to a browser.",
                "The runs; a run's tasks with a grid of their elements in state colours; the report's timeline; "
                        + "an element's stdout and stderr (their last 16 KiB, over SSH for a cluster's); events, "
                        + "placement and staging. Pages update as passes commit (Server-Sent Events); the journal "
                        + "is only read, never locked against writers.",
                "Listens on 127.0.0.1 and answers only requests that carry the random token of the address it "
                        + "prints (others get 403). From your own machine, reach a login node's with the 'ssh -L' "
                        + "line it prints. Runs until Ctrl-C or SIGTERM, or until --idle-stop passes with no "
                        + "request and no page open (exit 0 then; 2 when it cannot listen)."},
        footer = {"", "Examples:", "  hwf serve                       # a free port; open the address it prints",
                "  hwf serve --port 8765 --idle-stop 30m",
                "  ssh -N -L 8765:127.0.0.1:8765 alice@login.cluster.example.org   # on your machine"})
final class ServeCommand implements Callable<Integer> {
    private static final Logger LOG = LoggerFactory.getLogger(ServeCommand.class);
    @ParentCommand
    HwfCommand hwf;

    @Option(names = "--port", paramLabel = "N", description = "Port to listen on (default: a free one).")
    int port;

    @Option(names = "--idle-stop", paramLabel = "DURATION", defaultValue = "2h",
            description = "Stop after this long with no request and no page open, e.g. 30m, 2h, 1h30m; "
                    + "0 never (default: ${DEFAULT-VALUE}).")
    String idleStop;

    @Option(names = "--bind", paramLabel = "ADDRESS", defaultValue = "127.0.0.1", description = "Address to "
            + "listen on (default: ${DEFAULT-VALUE}, this machine only; the token guards any other).")
    String bind;

    @Override
    public Integer call() throws InterruptedException {
        long began = System.nanoTime();
        if (port < 0 || port > 65535) {
            throw new HwfException(ExitCodes.BAD_INPUT, "--port must be from 1 to 65535 (or left out): " + port);
        }
        Duration idle = duration(idleStop);
        Path file = hwf.journalPath();
        // reads once at start: a journal absent or from an older hwf is created or brought up to date here
        hwf.openJournalForReading().close();
        ServeData data = new ServeData(file.toAbsolutePath().normalize(), hwf::openJournalForReading);
        ServeServer server = ServeServer.start(data, new ServeServer.Options(bind, port, idle, Duration.ofSeconds(1)));
        Thread hook = new Thread(server::close, "hwf-serve-stop");
        Runtime.getRuntime().addShutdownHook(hook);
        int p = server.port();
        hwf.out.println("hwf serve: a read-only view of " + data.journal());
        hwf.out.println("  " + server.url());
        hwf.out.println("From your own machine, through this login node:");
        hwf.out.println("  ssh -N -L " + p + ":127.0.0.1:" + p + " " + System.getProperty("user.name") + "@"
                + hostname());
        hwf.out.println("then open the address above there. Ctrl-C stops it"
                + (idle.isZero() ? "." : "; so do " + idleStop + " with no request and no page open."));
        if (!loopback(bind)) {
            hwf.err.println("hwf: listening on " + bind + ", not only this machine: anyone who can reach it and "
                    + "has the token can read the journal");
        }
        hwf.out.flush();
        LOG.debug("serving {} ms after the command began", (System.nanoTime() - began) / 1_000_000);
        String why = server.awaitStop();
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
            // shutting down already
        }
        if (why.equals("idle")) {
            hwf.hint("hwf serve: stopped after " + idleStop + " with no request");
        }
        return ExitCodes.OK;
    }

    private static boolean loopback(String address) {
        try {
            return InetAddress.getByName(address).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }

    /** This machine's name as ssh would use it: the kernel's host name, else what Java resolves. */
    static String hostname() {
        try {
            String h = Files.readString(Path.of("/proc/sys/kernel/hostname")).strip();
            if (!h.isEmpty()) {
                return h;
            }
        } catch (IOException | RuntimeException e) {
            // not Linux
        }
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "LOGIN-NODE";
        }
    }

    private static final Pattern PART = Pattern.compile("(\\d+)(d|h|m|s)");

    /** 2h, 30m, 90s, 1h30m, 1d; a bare number is seconds; 0 is never. */
    static Duration duration(String text) {
        String t = text.strip().toLowerCase(Locale.ROOT);
        if (t.matches("\\d+")) {
            return Duration.ofSeconds(Long.parseLong(t));
        }
        Matcher m = PART.matcher(t);
        Duration d = Duration.ZERO;
        int end = 0;
        while (m.find() && m.start() == end) {
            long n = Long.parseLong(m.group(1));
            d = d.plus(switch (m.group(2)) {
                case "d" -> Duration.ofDays(n);
                case "h" -> Duration.ofHours(n);
                case "m" -> Duration.ofMinutes(n);
                default -> Duration.ofSeconds(n);
            });
            end = m.end();
        }
        if (end != t.length() || t.isEmpty()) {
            throw new HwfException(ExitCodes.BAD_INPUT, "--idle-stop takes a duration such as 30m, 2h, 1h30m or 0 "
                    + "(never): " + text);
        }
        return d;
    }
}
