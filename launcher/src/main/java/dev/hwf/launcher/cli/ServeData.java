package dev.hwf.launcher.cli;

import dev.hwf.api.JobState;
import dev.hwf.launcher.ExitCodes;
import dev.hwf.launcher.HwfException;
import dev.hwf.launcher.exec.SiteFiles;
import dev.hwf.launcher.journal.AttemptRecord;
import dev.hwf.launcher.journal.ElementRecord;
import dev.hwf.launcher.journal.Event;
import dev.hwf.launcher.journal.Journal;
import dev.hwf.launcher.journal.RunRecord;
import dev.hwf.launcher.journal.RunSnapshot;
import dev.hwf.launcher.journal.TaskRecord;
import dev.hwf.launcher.report.ReportHtml;
import dev.hwf.launcher.serve.Source;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * What {@code hwf serve} shows, made from the same code as {@code status --json}, {@code report}
 * and {@code logs}: each read opens the journal through its read-only path ({@link
 * Journal#openForReading}) and closes it again; one more connection stays open, idle, for the
 * change counter the server asks once a tick.
 */
final class ServeData implements Source {
    /** The newest events of a run sent with it. */
    static final int EVENTS = 200;
    /** The letter of an element's state in a task's grid (the page has the same key). */
    static char letter(JobState s) {
        return switch (s) {
            case WAITING -> 'W';
            case STAGING -> 'T';
            case QUEUED -> 'Q';
            case RUNNING -> 'R';
            case SUCCEEDED -> 'S';
            case FAILED -> 'F';
            case CANCELLED -> 'C';
        };
    }

    private final Supplier<Journal> journals;
    private final Path file;
    /** The one connection held open, for {@link #changes}; null until asked, and after a failure. */
    private Journal watching;
    private Connection counter;
    private long generation;
    /**
     * The site files each run's logs are read through, by run and site (an element's logs are on the
     * site its attempt ran on): one connection to a cluster per run and site.
     */
    private final Map<String, SiteFiles> files = new ConcurrentHashMap<>();

    ServeData(Path file, Supplier<Journal> journals) {
        this.file = file;
        this.journals = journals;
    }

    @Override
    public Path journal() {
        return file;
    }

    /**
     * SQLite's {@code data_version} on one connection kept open for it (the number moves when another
     * connection commits; asking takes no lock in WAL mode), with a generation above it that moves when
     * the connection had to be opened again.
     */
    @Override
    public synchronized long changes() {
        try {
            if (counter == null) {
                generation++;
                watching = journals.get();
                counter = watching.dataSource().getConnection();
            }
            try (Statement s = counter.createStatement(); ResultSet rs = s.executeQuery("PRAGMA data_version")) {
                rs.next();
                return (generation << 40) + rs.getLong(1);
            }
        } catch (SQLException e) {
            close();
            throw new HwfException(ExitCodes.BAD_INPUT, "cannot read the change counter of journal " + file + ": "
                    + e.getMessage(), e);
        }
    }

    @Override
    public synchronized void close() {
        try {
            if (counter != null) {
                counter.close();
            }
        } catch (SQLException e) {
            // going anyway
        } finally {
            counter = null;
            if (watching != null) {
                watching.close();
                watching = null;
            }
        }
    }

    @Override
    public String runs() {
        try (Journal j = journals.get()) {
            List<Object> out = new ArrayList<>();
            for (RunRecord r : j.runs()) {
                Map<String, Object> m = StatusView.runObject(r);
                m.put("reason", r.reason());
                m.put("ended", StatusView.time(r.endedAt()));
                out.add(m);
            }
            return StatusView.json(out);
        }
    }

    @Override
    public String run(String run) {
        try (Journal j = journals.get()) {
            RunSnapshot snap = j.snapshot(run);
            Map<String, Object> status = StatusView.statusObject(snap, j.staging().staging(run));
            Map<String, List<ElementRecord>> byTask = snap.elementsByTask();
            @SuppressWarnings("unchecked")
            List<Map<String, Object>> tasks = (List<Map<String, Object>>) status.get("tasks");
            for (Map<String, Object> t : tasks) {
                List<ElementRecord> elements = byTask.getOrDefault((String) t.get("name"), List.of());
                t.remove("elements"); // one letter each instead: a grid of 10,000 stays small
                StringBuilder grid = new StringBuilder(elements.size());
                Map<String, Integer> counts = new LinkedHashMap<>();
                for (ElementRecord e : elements) {
                    grid.append(letter(e.state()));
                    counts.merge(e.state().name(), 1, Integer::sum);
                }
                t.put("size", elements.size());
                t.put("grid", grid.toString());
                t.put("counts", counts);
            }
            List<Event> events = j.events(run);
            List<Object> last = new ArrayList<>();
            for (Event e : events.subList(Math.max(0, events.size() - EVENTS), events.size())) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("at", StatusView.time(e.at()));
                m.put("task", e.task());
                m.put("index", e.index());
                m.put("attempt", e.attempt());
                m.put("state", e.state());
                m.put("reason", e.reason());
                m.put("jobId", e.jobId());
                last.add(m);
            }
            status.put("workdir", snap.run().workdir());
            status.put("eventCount", events.size());
            status.put("events", last);
            return StatusView.json(status);
        }
    }

    @Override
    public String timeline(String run) {
        try (Journal j = journals.get()) {
            return ReportHtml.timeline(ReportCommand.build(j, run, false));
        }
    }

    @Override
    public String element(String run, String task, int index, Integer attempt, int bytes) {
        RunSnapshot snap;
        try (Journal j = journals.get()) {
            snap = j.snapshot(run);
        }
        TaskRecord t = snap.tasks().stream().filter(x -> x.name().equals(task)).findFirst().orElseThrow(() ->
                new HwfException(ExitCodes.BAD_INPUT, "run " + run + " has no task '" + task + "'"));
        List<ElementRecord> elements = snap.elementsByTask().get(t.name());
        if (index >= elements.size()) {
            throw new HwfException(ExitCodes.BAD_INPUT, "task " + task + " has no element " + index);
        }
        ElementRecord e = elements.get(index);
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("task", task);
        m.put("index", index);
        m.put("state", e.state().name());
        m.put("attempt", e.attempt());
        m.put("tries", e.tries());
        m.put("jobId", e.jobId());
        m.put("exitCode", e.exitCode());
        m.put("reason", e.reason());
        m.put("started", StatusView.time(e.startedAt()));
        m.put("ended", StatusView.time(e.endedAt()));
        List<Integer> attempts = snap.attempts().stream().filter(a -> a.task().equals(task)
                && a.indexList().contains(index)).map(AttemptRecord::attempt).toList();
        m.put("attempts", attempts);
        if (e.attempt() > 0 || attempt != null) {
            LogsCommand.Target out = LogsCommand.locate(snap, task, index, attempt, false);
            LogsCommand.Target err = LogsCommand.locate(snap, task, index, attempt, true);
            m.put("logAttempt", out.attempt());
            SiteFiles site = files.computeIfAbsent(run + "\n" + (out.site() == null ? "" : out.site().name()),
                    k -> out.scheduler(snap).files());
            m.put("stdout", tail(site, out.path(), bytes));
            m.put("stderr", tail(site, err.path(), bytes));
        }
        return StatusView.json(m);
    }

    /** The last {@code bytes} of a log, its path and size; {@code text} null when there is no such file. */
    private static Map<String, Object> tail(SiteFiles site, String path, int bytes) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("path", path);
        byte[] b;
        synchronized (site) { // one request at a time on a connection to a cluster
            b = site.read(path, -bytes - 1, bytes + 1);
        }
        if (b != null && b.length > bytes) {
            m.put("cut", true); // more before it: the first line shown may be a part
            b = java.util.Arrays.copyOfRange(b, b.length - bytes, b.length);
        }
        m.put("text", b == null ? null : new String(b, StandardCharsets.UTF_8));
        return m;
    }
}
