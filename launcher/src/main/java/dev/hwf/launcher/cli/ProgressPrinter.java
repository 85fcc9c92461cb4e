package dev.hwf.launcher.cli;

import dev.hwf.api.JobState;
import dev.hwf.launcher.journal.ElementRecord;
import dev.hwf.launcher.journal.RunSnapshot;
import dev.hwf.launcher.journal.TaskRecord;
import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Live progress of a followed run ({@code submit}, {@code resume}, {@code watch}), called after
 * every pass with the run as it stands. One line per task: state, elements done/running/failed of
 * the total, elapsed time, job id, the try its live elements are on (from the second) and reason.
 *
 * <ul>
 *   <li>On a terminal the whole block (a header line for the run, then the tasks) is drawn again
 *       in place after every pass: the cursor goes back up over the previous block, which is
 *       overwritten line by line; lines are cut to the terminal's width so that none wraps.</li>
 *   <li>Anywhere else (a file, a pipe, cron, CI) a task's line is appended only when it changed,
 *       prefixed with the time since the run was submitted, so a log reads as a history.</li>
 * </ul>
 */
final class ProgressPrinter implements Consumer<RunSnapshot> {
    private static final String UP = "\u001b[%dA";
    private static final String CLEAR_LINE = "\u001b[2K";
    private static final String CLEAR_BELOW = "\u001b[J";

    private final PrintStream out;
    private final Terminal term;
    private final Supplier<Instant> clock;
    private final Map<String, String> last = new HashMap<>();
    private int nameWidth = 4;
    private int drawn;
    /** Column widths of the block: they only grow, so columns do not jump between redraws. */
    private int[] width = new int[0];

    ProgressPrinter(PrintStream out, Terminal term) {
        this(out, term, Instant::now);
    }

    ProgressPrinter(PrintStream out, Terminal term, Supplier<Instant> clock) {
        this.out = out;
        this.term = term;
        this.clock = clock;
    }

    @Override
    public void accept(RunSnapshot snap) {
        if (term.tty()) {
            redraw(snap);
        } else {
            append(snap);
        }
        out.flush();
    }

    /** One row of the block: the texts of its columns, the state in column 1. */
    private record Row(String[] cells) {
    }

    private List<Row> rows(RunSnapshot snap, Instant now, boolean withElapsed) {
        List<Row> rows = new ArrayList<>();
        Map<String, List<ElementRecord>> live = snap.elementsByTask();
        for (TaskRecord t : snap.tasks()) {
            // how many times its live elements have run, this one included; not the attempt number,
            // which also counts refused submissions and the chunks of a split array
            int tries = StatusView.tries(live.get(t.name()));
            String elements = t.arraySize() > 0 ? StatusView.elementSummary(snap.counts(t.name())) : "";
            String elapsed = "";
            if (withElapsed && t.submittedAt() != null) {
                Instant end = t.state().isFinal() && t.endedAt() != null ? t.endedAt() : now;
                elapsed = elapsed(t.submittedAt(), end);
            }
            rows.add(new Row(new String[] {t.name(), t.state().name(), elements, elapsed,
                    t.jobId() == null ? "" : "job " + t.jobId(), tries > 1 ? "try " + tries : "",
                    t.reason() != null ? "(" + t.reason() + ")"
                            : snap.endpoint(t.name()) != null && t.state() == JobState.RUNNING
                            ? "ready at " + snap.endpoint(t.name()) : ""}));
        }
        return rows;
    }

    /** Plain mode: a task's line when it changed (the elapsed column would change every time). */
    private void append(RunSnapshot snap) {
        for (TaskRecord t : snap.tasks()) {
            nameWidth = Math.max(nameWidth, t.name().length());
        }
        Instant at = snap.run().endedAt() != null ? snap.run().endedAt() : clock.get();
        String prefix = "[" + elapsed(snap.run().submittedAt(), at) + "] ";
        for (Row row : rows(snap, clock.get(), false)) {
            String[] c = row.cells();
            StringBuilder line = new StringBuilder(String.format("%-" + nameWidth + "s  %-9s", c[0], c[1]));
            for (int i = 2; i < c.length; i++) {
                if (!c[i].isEmpty()) {
                    line.append("  ").append(c[i]);
                }
            }
            String text = line.toString().stripTrailing();
            if (!text.equals(last.put(c[0], text))) {
                out.println(prefix + text);
            }
        }
    }

    /** Terminal mode: the whole block again, over the previous one. */
    private void redraw(RunSnapshot snap) {
        Instant now = clock.get();
        List<Row> rows = rows(snap, now, true);
        int cols = rows.isEmpty() ? 0 : rows.get(0).cells().length;
        if (width.length != cols) {
            width = new int[cols];
        }
        for (Row r : rows) {
            for (int i = 0; i < cols; i++) {
                width[i] = Math.max(width[i], r.cells()[i].length());
            }
        }
        List<String> lines = new ArrayList<>();
        long finished = snap.tasks().stream().filter(t -> t.state().isFinal()).count();
        Instant runEnd = snap.run().endedAt() != null ? snap.run().endedAt() : now;
        String header = "run " + snap.run().id() + "  ";
        lines.add(fit(header + snap.run().state() + "  " + elapsed(snap.run().submittedAt(), runEnd) + "  "
                + finished + "/" + snap.tasks().size() + " tasks finished", header.length(),
                snap.run().state().length()));
        for (Row r : rows) {
            StringBuilder line = new StringBuilder("  ");
            int stateAt = 0;
            for (int i = 0; i < cols; i++) {
                if (width[i] == 0) {
                    continue; // a column no task has anything in
                }
                if (i == 1) {
                    stateAt = line.length();
                }
                line.append(String.format("%-" + width[i] + "s", r.cells()[i])).append("  ");
            }
            lines.add(fit(line.toString().stripTrailing(), stateAt, r.cells()[1].length()));
        }
        StringBuilder sb = new StringBuilder();
        if (drawn > 0) {
            sb.append('\r').append(String.format(UP, drawn));
        }
        for (String l : lines) {
            sb.append(CLEAR_LINE).append(l).append('\n');
        }
        sb.append(CLEAR_BELOW);
        out.print(sb);
        drawn = lines.size();
    }

    /**
     * The line cut to the terminal's width (one column spare, so the cursor never wraps), with the
     * state word at {@code [at, at + len)} coloured when it is still whole.
     */
    private String fit(String plain, int at, int len) {
        String text = plain;
        if (term.width() > 1 && text.length() > term.width() - 1) {
            text = text.substring(0, term.width() - 2) + "…";
        }
        if (at + len <= text.length() && len > 0) {
            String word = text.substring(at, at + len);
            return text.substring(0, at) + term.state(word) + text.substring(at + len);
        }
        return text;
    }

    static String elapsed(Instant from, Instant to) {
        long s = Math.max(0, Duration.between(from, to).toSeconds());
        return String.format("%02d:%02d:%02d", s / 3600, (s / 60) % 60, s % 60);
    }
}
