package dev.hwf.launcher.exec;

import dev.hwf.api.Command;
import dev.hwf.api.ShellQuote;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.apache.commons.exec.CommandLine;
import org.apache.commons.exec.DefaultExecutor;
import org.apache.commons.exec.ExecuteWatchdog;
import org.apache.commons.exec.LogOutputStream;
import org.apache.commons.exec.PumpStreamHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Many commands on this machine through a few shells ({@code /bin/sh}), as a shell loop runs them:
 * each costs the shell one fork and exec, where a process started by the JVM costs about half as
 * much again (measured on the development machine: 6-7 ms a process from the JVM, 4 ms from a shell
 * loop). Submission is where it counts: hundreds of {@code sbatch} calls in one pass.
 *
 * <p>The commands are shared among {@code inFlight} shells, each given its list as a script on stdin
 * (never on a command line, so a secret variable of a command is seen by that command alone). Every
 * word is quoted for the shell ({@link ShellQuote}): no text of the user's is read by the shell as
 * code. A command's stdout and stderr go to files of a private temporary directory, which this
 * class reads once the command has ended; the shell prints each command's index and exit code as it
 * ends. A shell that prints nothing for {@code timeout} is stopped: its commands that had not ended
 * have an unknown outcome (null), as a command of {@link LocalCommandRunner} that ran past its timeout.
 * A shell whose hwf has gone (killed at any moment) starts no further command: the shell reads its
 * whole script at once, and a command started after hwf's next pass had handed its claim back,
 * past the submit grace, would be a job submitted twice.
 */
final class ShellBatch {
    private static final Logger LOG = LoggerFactory.getLogger(ShellBatch.class);
    private static final ScheduledExecutorService WATCHDOG = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "hwf-batch-watchdog");
        t.setDaemon(true);
        return t;
    });

    private ShellBatch() {
    }

    /** Runs the commands, at most {@code inFlight} at once; results in order, null where not known. */
    static List<CommandResult> run(List<Command> commands, Duration timeout, int inFlight) {
        List<CommandResult> results = new ArrayList<>(Collections.nCopies(commands.size(), null));
        if (commands.isEmpty()) {
            return results;
        }
        Path dir;
        try {
            dir = Files.createTempDirectory("hwf-batch"); // mode 0700
        } catch (IOException e) {
            LOG.warn("cannot make a temporary directory for {} commands ({}); none was run", commands.size(),
                    e.getMessage());
            return results;
        }
        List<Integer> runnable = new ArrayList<>();
        for (int i = 0; i < commands.size(); i++) {
            if (holdsNul(commands.get(i))) {
                // a shell drops a NUL and would run another argument: not run, as a process cannot be started with one
                LOG.warn("'{}' holds a NUL character, which no command line can carry; not run",
                        commands.get(i).display().replace("\0", "\\0"));
            } else {
                runnable.add(i);
            }
        }
        try {
            int shells = Math.min(Math.max(1, inFlight), runnable.size());
            List<Thread> threads = new ArrayList<>();
            for (int s = 0; s < shells; s++) {
                List<Integer> mine = new ArrayList<>();
                for (int k = s; k < runnable.size(); k += shells) {
                    mine.add(runnable.get(k));
                }
                Thread t = new Thread(() -> runShell(commands, mine, dir, timeout, results), "hwf-batch");
                t.setDaemon(true);
                t.start();
                threads.add(t);
            }
            for (Thread t : threads) {
                t.join();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            try (Stream<Path> files = Files.list(dir)) {
                files.forEach(f -> f.toFile().delete());
            } catch (IOException e) {
                LOG.debug("cannot list {}: {}", dir, e.getMessage());
            }
            dir.toFile().delete();
        }
        return results;
    }

    /** The script of one shell: each command with its variables and redirections, then its index and exit code. */
    static String script(List<Command> commands, List<Integer> indices, Path dir) {
        StringBuilder sb = new StringBuilder();
        String d = ShellQuote.quote(dir.toString());
        sb.append("d=").append(d).append('\n');
        for (int i : indices) {
            Command c = commands.get(i);
            // hwf gone (killed): submit nothing more; what it claimed is looked up by name, and
            // handed back only what never reached the scheduler
            sb.append("kill -0 \"$PPID\" 2>/dev/null || exit 1\n");
            c.env().forEach((k, v) -> sb.append(k).append('=').append(ShellQuote.quote(v)).append(' '));
            sb.append(ShellQuote.command(c.argv())).append(" <").append(c.stdinFile() == null ? "/dev/null" : ShellQuote.quote(c.stdinFile()));
            sb.append(" >\"$d/").append(i).append(".o\" 2>\"$d/").append(i).append(".e\"\n");
            sb.append("printf '%s %s\\n' ").append(i).append(" $?\n");
        }
        return sb.toString();
    }

    /** Whether a word, a variable's value or the stdin path of the command holds a NUL character. */
    private static boolean holdsNul(Command c) {
        return Stream.concat(c.argv().stream(), c.env().values().stream()).anyMatch(w -> w.indexOf('\0') >= 0)
                || (c.stdinFile() != null && c.stdinFile().indexOf('\0') >= 0);
    }

    private static void runShell(List<Command> commands, List<Integer> mine, Path dir, Duration timeout,
                                 List<CommandResult> results) {
        ExecuteWatchdog watchdog = ExecuteWatchdog.builder().setTimeout(ExecuteWatchdog.INFINITE_TIMEOUT_DURATION).get();
        AtomicLong last = new AtomicLong(System.nanoTime());
        LogOutputStream ended = new LogOutputStream() {
            @Override
            protected void processLine(String line, int level) {
                last.set(System.nanoTime());
                String[] f = line.trim().split(" ");
                if (f.length != 2) {
                    return;
                }
                try {
                    int i = Integer.parseInt(f[0]);
                    int code = Integer.parseInt(f[1]);
                    Path o = dir.resolve(i + ".o");
                    Path e = dir.resolve(i + ".e");
                    synchronized (results) {
                        results.set(i, new CommandResult(code, Files.readString(o, StandardCharsets.UTF_8),
                                Files.readString(e, StandardCharsets.UTF_8)));
                    }
                } catch (NumberFormatException | IOException | IndexOutOfBoundsException ex) {
                    LOG.warn("a batch of commands on this machine answered '{}': {}", line, ex.getMessage());
                }
            }
        };
        var check = WATCHDOG.scheduleWithFixedDelay(() -> {
            if (System.nanoTime() - last.get() > timeout.toNanos()) {
                watchdog.destroyProcess();
            }
        }, 1, 1, TimeUnit.SECONDS);
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        DefaultExecutor executor = DefaultExecutor.builder().get();
        executor.setExitValues(null);
        executor.setWatchdog(watchdog);
        executor.setStreamHandler(new PumpStreamHandler(ended, err,
                new ByteArrayInputStream(script(commands, mine, dir).getBytes(StandardCharsets.UTF_8))));
        try {
            executor.execute(new CommandLine("/bin/sh").addArgument("-s", false));
        } catch (IOException e) {
            LOG.warn("cannot run a batch of {} commands on this machine: {}", mine.size(), e.getMessage());
        } finally {
            check.cancel(false);
            try {
                ended.close();
            } catch (IOException e) {
                LOG.debug("closing a batch's output: {}", e.getMessage());
            }
        }
        if (watchdog.killedProcess()) {
            LOG.warn("a batch of commands on this machine gave no answer for {} s and was stopped; the commands "
                    + "not ended are looked up by name", timeout.toSeconds());
        }
        if (err.size() > 0) {
            LOG.warn("a batch of commands on this machine said: {}", err.toString(StandardCharsets.UTF_8).strip());
        }
    }
}
