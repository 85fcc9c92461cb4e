package dev.hwf.launcher.cli;

import dev.hwf.api.JobState;
import dev.hwf.api.PendingReason;
import dev.hwf.launcher.Json;
import dev.hwf.launcher.report.Accounting;
import dev.hwf.launcher.report.SweepParams;
import dev.hwf.launcher.journal.AttemptRecord;
import dev.hwf.launcher.journal.ElementRecord;
import dev.hwf.launcher.journal.Outbox;
import dev.hwf.launcher.journal.RunRecord;
import dev.hwf.launcher.journal.RunSnapshot;
import dev.hwf.launcher.journal.StagingLog.Staging;
import dev.hwf.launcher.journal.StateCounts;
import dev.hwf.launcher.journal.TaskRecord;
import dev.hwf.launcher.report.SoftwareJson;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/** What {@code hwf status} and {@code hwf runs} print: a table for people, JSON for tools (SPEC 4). */
final class StatusView {
    private StatusView() {
    }

    static String json(Object value) {
        return Json.write(value);
    }

    /** The status object of SPEC section 4; keys only ever get added, never renamed. */
    static Map<String, Object> statusObject(RunSnapshot snap) {
        return statusObject(snap, List.of());
    }

    /** {@link #statusObject(RunSnapshot)} with each task's staging (SPEC section 7). */
    static Map<String, Object> statusObject(RunSnapshot snap, List<Staging> staging) {
        RunRecord r = snap.run();
        TaskSites sites = TaskSites.of(snap, staging);
        Map<String, Object> run = new LinkedHashMap<>();
        run.put("run", r.id());
        run.put("workflow", r.workflow());
        run.put("scheduler", r.scheduler());
        run.put("state", r.state());
        run.put("reason", r.reason());
        run.put("submitted", time(r.submittedAt()));
        run.put("ended", time(r.endedAt()));
        run.put("version", r.version());
        List<Object> tasks = new ArrayList<>();
        Map<String, List<ElementRecord>> byTask = snap.elementsByTask();
        SweepParams sweeps = SweepParams.of(r);
        Accounting.Report usage = Accounting.of(snap, Instant.now());
        Map<String, Waiting> waiting = waiting(snap);
        for (TaskRecord t : snap.tasks()) {
            Map<String, Object> task = new LinkedHashMap<>();
            task.put("name", t.name());
            task.put("state", t.state().name());
            task.put("site", sites.site(t.name()));
            Map<String, Object> staged = sites.stagingJson(t.name());
            if (staged != null) {
                task.put("staging", staged);
            }
            task.put("jobId", t.jobId());
            task.put("attempt", t.attempt());
            task.put("tries", tries(byTask.get(t.name())));
            task.put("exitCode", t.exitCode());
            task.put("reason", t.reason());
            if (waiting.containsKey(t.name())) {
                task.put("pendingReason", pendingJson(waiting.get(t.name()).first()));
            }
            if (t.reusedFrom() != null) {
                task.put("reusedFrom", t.reusedFrom());
            }
            task.put("submitted", time(t.submittedAt()));
            task.put("started", time(t.startedAt()));
            task.put("ended", time(t.endedAt()));
            Accounting.Usage used = usage.tasks().getOrDefault(t.name(), Accounting.Usage.NONE);
            task.put("coreHours", Accounting.rounded(used.coreHours()));
            task.put("gpuHours", Accounting.rounded(used.gpuHours()));
            List<Object> attempts = new ArrayList<>();
            for (AttemptRecord a : snap.attempts()) {
                if (a.task().equals(t.name())) {
                    Map<String, Object> at = new LinkedHashMap<>();
                    at.put("attempt", a.attempt());
                    at.put("jobId", a.jobId());
                    at.put("jobName", a.jobName());
                    at.put("elements", a.indexList());
                    at.put("submitted", time(a.submittedAt()));
                    at.put("version", a.version());
                    if (a.site() != null) {
                        at.put("site", a.site());
                        at.put("placed", a.placed());
                    }
                    if (a.estimatedStart() != null) {
                        at.put("estimatedStart", time(a.estimatedStart()));
                    }
                    if (a.withdrawnAt() != null) { // replaceAfter: taken back from its site, never started
                        at.put("withdrawn", time(a.withdrawnAt()));
                    }
                    if (a.ranOn() != null) {
                        at.put("pilot", a.ranOn());
                    }
                    attempts.add(at);
                }
            }
            task.put("attempts", attempts);
            Map<String, String> env = sweeps.env(t.name());
            if (env != null && !env.isEmpty()) {
                task.put("env", env);
            }
            if (sweeps.isService(t.name())) {
                task.put("endpoint", snap.endpoint(t.name()));
            }
            task.putAll(SoftwareJson.of(sweeps.software(t.name())));
            if (t.arraySize() > 0) {
                Map<Integer, String> ranOn = pilotsOf(snap, t.name());
                List<Object> elements = new ArrayList<>();
                for (ElementRecord e : byTask.get(t.name())) {
                    Map<String, Object> el = new LinkedHashMap<>();
                    el.put("index", e.index());
                    el.put("state", e.state().name());
                    el.put("exitCode", e.exitCode());
                    el.put("attempt", e.attempt());
                    el.put("tries", e.tries());
                    el.put("jobId", e.jobId());
                    el.put("reason", e.reason());
                    if (e.pending() != null) {
                        el.put("pendingReason", pendingJson(e.pending()));
                    }
                    if (ranOn.containsKey(e.attempt())) {
                        el.put("pilot", ranOn.get(e.attempt()));
                    }
                    Map<String, String> params = sweeps.params(t.name(), e.index());
                    if (params != null) {
                        el.put("params", params);
                    }
                    elements.add(el);
                }
                task.put("elements", elements);
            }
            tasks.add(task);
        }
        run.put("tasks", tasks);
        run.put("coreHours", Accounting.rounded(usage.total().coreHours()));
        run.put("gpuHours", Accounting.rounded(usage.total().gpuHours()));
        return run;
    }

    /**
     * {@code pendingReason} in {@code status --json}: the scheduler's words ({@code text}), whether it
     * clears by itself ({@code clearsByItself}), and, when not, how it is blocked ({@code block}: HELD,
     * DOWN, BUDGET or NEVER; CLEARS otherwise).
     */
    static Map<String, Object> pendingJson(PendingReason p) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("text", p.text());
        m.put("clearsByItself", !p.isStuck());
        m.put("block", p.block().name());
        return m;
    }

    /**
     * Why a task's queued elements wait: the reason shown for the task (the first that cannot clear by
     * itself, else the first of any), and how many queued elements give that same reason.
     */
    record Waiting(PendingReason first, int alike) {
        /** The table's words: "queued: JobHeldUser, cannot clear by itself", "3 queued: Priority". */
        String words() {
            return (alike > 1 ? alike + " " : "") + "queued: " + first.text()
                    + (first.isStuck() ? ", cannot clear by itself" : "");
        }
    }

    /** {@link Waiting} of each task with a queued element whose scheduler said why it waits. */
    static Map<String, Waiting> waiting(RunSnapshot snap) {
        Map<String, PendingReason> first = new LinkedHashMap<>();
        for (ElementRecord e : snap.elements()) {
            PendingReason p = e.pending();
            if (p != null && e.state() == JobState.QUEUED) {
                first.merge(e.task(), p, (a, b) -> !a.isStuck() && b.isStuck() ? b : a);
            }
        }
        Map<String, Integer> alike = new HashMap<>();
        for (ElementRecord e : snap.elements()) {
            if (e.pending() != null && e.pending().equals(first.get(e.task()))) {
                alike.merge(e.task(), 1, Integer::sum);
            }
        }
        Map<String, Waiting> out = new LinkedHashMap<>();
        first.forEach((task, p) -> out.put(task, new Waiting(p, alike.get(task))));
        return out;
    }

    /**
     * {@code notifications} in {@code status --json}: how many messages wait to be sent (notices not yet
     * gathered into one included), were sent, or were given up, and the last error of one not sent.
     */
    static Map<String, Object> notifications(Outbox.Summary s) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("pending", s.pending() + (s.open() > 0 ? 1 : 0));
        out.put("sent", s.sent());
        out.put("failed", s.failed());
        out.put("lastError", s.lastError());
        return out;
    }

    /** A line under the table when a notification waits or was given up; nothing otherwise. */
    static String notificationsLine(Outbox.Summary s) {
        int pending = s.pending() + (s.open() > 0 ? 1 : 0);
        if (pending == 0 && s.failed() == 0) {
            return "";
        }
        return "notifications: " + pending + " pending, " + s.sent() + " sent, " + s.failed() + " given up"
                + (s.lastError() == null ? "" : " (last error: " + s.lastError() + ")") + "\n";
    }

    /**
     * How many times a task's elements ran: the most tries of any of its elements (a try is a job that
     * reached the scheduler; a submission refused for a limit, the chunks of a split array, and a job
     * that ran nothing because its upstream had not succeeded are none). Not the attempt number, which
     * counts hwf's submissions of the task.
     */
    static int tries(List<ElementRecord> elements) {
        int most = 0;
        for (ElementRecord e : elements == null ? List.<ElementRecord>of() : elements) {
            most = Math.max(most, e.tries());
        }
        return most;
    }

    /** A packed task's attempts by number, each the pilot agent that ran it; none for other tasks. */
    private static Map<Integer, String> pilotsOf(RunSnapshot snap, String task) {
        Map<Integer, String> out = new HashMap<>();
        for (AttemptRecord a : snap.attempts()) {
            if (a.task().equals(task) && a.ranOn() != null) {
                out.put(a.attempt(), a.ranOn());
            }
        }
        return out;
    }

    /**
     * For each packed task, one line: the pilot agents that took its attempts, each with how many
     * elements ("score in pilots: p0-a1-n1 took 10,012 elements, p1-a1-n2 took 9,988 elements").
     */
    static String pilotLines(RunSnapshot snap) {
        Map<String, Map<String, Integer>> byTask = new LinkedHashMap<>();
        for (AttemptRecord a : snap.attempts()) {
            if (a.ranOn() != null) {
                byTask.computeIfAbsent(a.task(), t -> new TreeMap<>()).merge(a.ranOn(),
                        a.indexList().size(), Integer::sum);
            }
        }
        StringBuilder sb = new StringBuilder();
        byTask.forEach((task, agents) -> {
            StringBuilder line = new StringBuilder(task).append(" in pilots:");
            String sep = " ";
            for (Map.Entry<String, Integer> e : agents.entrySet()) {
                line.append(sep).append(e.getKey()).append(" took ")
                        .append(String.format(Locale.ROOT, "%,d", e.getValue()))
                        .append(e.getValue() == 1 ? " element" : " elements");
                sep = ", ";
            }
            sb.append(line).append('\n');
        });
        return sb.toString();
    }

    static Map<String, Object> runObject(RunRecord r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("run", r.id());
        m.put("workflow", r.workflow());
        m.put("state", r.state());
        m.put("submitted", time(r.submittedAt()));
        return m;
    }

    static String time(Instant i) {
        return i == null ? null : i.toString();
    }

    /** Elements of a task by state, e.g. "3/8 done, 4 running, 1 failed". */
    static String elementSummary(StateCounts counts) {
        int running = counts.of(JobState.RUNNING);
        int queued = counts.of(JobState.QUEUED);
        int failed = counts.of(JobState.FAILED);
        int cancelled = counts.of(JobState.CANCELLED);
        StringBuilder sb = new StringBuilder(counts.of(JobState.SUCCEEDED) + "/" + counts.total() + " done");
        if (running > 0) {
            sb.append(", ").append(running).append(" running");
        }
        if (queued > 0) {
            sb.append(", ").append(queued).append(" queued");
        }
        if (failed > 0) {
            sb.append(", ").append(failed).append(" failed");
        }
        if (cancelled > 0) {
            sb.append(", ").append(cancelled).append(" cancelled");
        }
        return sb.toString();
    }

    /** The table {@code hwf status} prints, without colours. */
    static String table(RunSnapshot snap) {
        return table(snap, Terminal.PLAIN, null);
    }

    /**
     * The table {@code hwf status} prints; state words coloured where the terminal allows.
     *
     * @param mostTries each task's most tries of an element ({@link dev.hwf.launcher.journal.Journal#mostTries}),
     *                  or null to count them from the snapshot's elements (a complete snapshot)
     */
    static String table(RunSnapshot snap, Terminal term, Map<String, Integer> mostTries) {
        return table(snap, term, mostTries, List.of());
    }

    /** The table, with a SITE column when the workflow names several sites, and each task's staging. */
    static String table(RunSnapshot snap, Terminal term, Map<String, Integer> mostTries, List<Staging> staging) {
        TaskSites sites = TaskSites.of(snap, staging);
        RunRecord r = snap.run();
        StringBuilder sb = new StringBuilder();
        sb.append("run ").append(r.id()).append("  workflow ").append(r.workflow()).append("  scheduler ")
                .append(r.scheduler()).append("  state ").append(term.state(r.state())).append('\n');
        sb.append("submitted ").append(r.submittedAt());
        if (r.endedAt() != null) {
            sb.append("  ended ").append(r.endedAt());
        }
        if (r.reason() != null) {
            sb.append("  (").append(r.reason()).append(')');
        }
        if (r.version() > 1) {
            sb.append("  workflow version ").append(r.version());
        }
        sb.append("\n\n");
        List<String[]> rows = new ArrayList<>();
        rows.add(sites.shown() ? new String[] {"TASK", "STATE", "SITE", "TRIES", "JOB", "EXIT", "ELEMENTS", "REASON"}
                : new String[] {"TASK", "STATE", "TRIES", "JOB", "EXIT", "ELEMENTS", "REASON"});
        Map<String, List<ElementRecord>> byTask = mostTries == null ? snap.elementsByTask() : Map.of();
        Map<String, Waiting> waiting = waiting(snap);
        for (TaskRecord t : snap.tasks()) {
            int tries = mostTries == null ? tries(byTask.get(t.name())) : mostTries.getOrDefault(t.name(), 0);
            String siteReason = joined(waiting.containsKey(t.name()) ? waiting.get(t.name()).words() : null,
                    sites.reason(t));
            List<String> row = new ArrayList<>(List.of(t.name(), t.state().name(), Integer.toString(tries),
                    t.jobId() == null ? "-" : t.jobId(), t.exitCode() == null ? "-" : t.exitCode().toString(),
                    t.arraySize() > 0 ? elementSummary(snap.counts(t.name())) : "-",
                    t.reusedFrom() != null ? "reused from " + t.reusedFrom() : siteReason != null ? siteReason
                            : t.reason() == null
                            ? (snap.endpoint(t.name()) == null ? "" : "ready at " + snap.endpoint(t.name()))
                            : t.reason()));
            if (sites.shown()) {
                row.add(2, String.valueOf(sites.site(t.name())));
            }
            rows.add(row.toArray(String[]::new));
        }
        int[] width = new int[rows.get(0).length];
        for (String[] row : rows) {
            for (int i = 0; i < row.length; i++) {
                width[i] = Math.max(width[i], row[i].length());
            }
        }
        for (String[] row : rows) {
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < row.length; i++) {
                String cell = String.format("%-" + (width[i] + 2) + "s", row[i]);
                if (i == 1 && row != rows.get(0)) {
                    cell = term.state(row[i]) + cell.substring(row[i].length());
                }
                line.append(cell);
            }
            sb.append(line.toString().stripTrailing()).append('\n');
        }
        String pilots = pilotLines(snap);
        if (!pilots.isEmpty()) {
            sb.append('\n').append(pilots);
        }
        return sb.toString();
    }

    /** Two parts of a REASON cell, "; " between them; null when both are. */
    private static String joined(String a, String b) {
        return a == null ? b : b == null ? a : a + "; " + b;
    }

    static boolean isFinal(JobState s) {
        return s.isFinal();
    }
}
