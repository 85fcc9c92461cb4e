package dev.hwf.launcher.cli;

import dev.hwf.launcher.journal.ElementRecord;
import dev.hwf.launcher.journal.RunSnapshot;
import dev.hwf.launcher.journal.TaskRecord;
import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Live progress of a followed run: one line per task whenever its state or its element counts
 * change, with the time since the run was submitted. Plain appended lines, so it reads the same
 * in a terminal, a log file or CI.
 */
final class ProgressPrinter implements java.util.function.Consumer<RunSnapshot> {
    private final PrintStream out;
    private final Map<String, String> last = new HashMap<>();
    private int nameWidth = 4;

    ProgressPrinter(PrintStream out) {
        this.out = out;
    }

    @Override
    public void accept(RunSnapshot snap) {
        Map<String, List<ElementRecord>> byTask = snap.elementsByTask();
        for (TaskRecord t : snap.tasks()) {
            nameWidth = Math.max(nameWidth, t.name().length());
        }
        String elapsed = elapsed(snap.run().submittedAt(), Instant.now());
        for (TaskRecord t : snap.tasks()) {
            StringBuilder line = new StringBuilder();
            line.append(String.format("%-" + nameWidth + "s  %-9s", t.name(), t.state()));
            if (t.arraySize() > 0) {
                line.append("  ").append(StatusView.elementSummary(byTask.get(t.name())));
            }
            if (t.jobId() != null) {
                line.append("  job ").append(t.jobId());
            }
            if (t.attempt() > 1) {
                line.append("  attempt ").append(t.attempt());
            }
            if (t.reason() != null) {
                line.append("  (").append(t.reason()).append(')');
            }
            String text = line.toString();
            if (!text.equals(last.put(t.name(), text))) {
                out.println("[" + elapsed + "] " + text);
            }
        }
        out.flush();
    }

    static String elapsed(Instant from, Instant to) {
        long s = Math.max(0, Duration.between(from, to).toSeconds());
        return String.format("%02d:%02d:%02d", s / 3600, (s / 60) % 60, s % 60);
    }
}
