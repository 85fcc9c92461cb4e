package dev.hwf.launcher.report;

import dev.hwf.launcher.journal.ElementRecord;
import dev.hwf.launcher.journal.RunSnapshot;
import dev.hwf.launcher.journal.SpecCodec;
import dev.hwf.launcher.workflow.Task;
import dev.hwf.launcher.workflow.Workflow;
import java.math.BigDecimal;
import java.math.MathContext;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Core-hours and GPU-hours a run has used, from the journal: for every element, the running time
 * of each of its tries (start to end; to now while it runs) times what its task allocates: cores =
 * processes (ntasks, at least one per node) × cpus, GPUs = nodes × gpus (gpus is per node). Earlier
 * tries (retries, resumes) count too: the journal adds up their time when the next try starts. An
 * element that never started counts 0; one that started and ended between two passes of hwf is
 * never seen running and counts 0 here (the report bounds such runs from above).
 */
public final class Accounting {
    private Accounting() {
    }

    /** What one task, or the whole run, used. */
    public record Usage(double coreHours, double gpuHours) {
        public static final Usage NONE = new Usage(0, 0);

        public Usage plus(Usage o) {
            return new Usage(coreHours + o.coreHours, gpuHours + o.gpuHours);
        }
    }

    /** Usage per task in workflow order, and the run's total. */
    public record Report(Map<String, Usage> tasks, Usage total) {
    }

    /** Usage of a run read from the journal, with its tasks' sizes from the workflow stored with it. */
    public static Report of(RunSnapshot snap, Instant now) {
        return of(List.of(snap), now).get(0);
    }

    /**
     * Usage of several runs, in their order, each as {@link #of(RunSnapshot, Instant)}; a workflow
     * stored with several runs (a campaign's runs mostly share theirs) is read once.
     */
    public static List<Report> of(List<RunSnapshot> snaps, Instant now) {
        Map<String, Optional<Workflow>> read = new HashMap<>();
        List<Report> out = new ArrayList<>(snaps.size());
        for (RunSnapshot snap : snaps) {
            Workflow wf = read.computeIfAbsent(snap.run().spec(),
                    spec -> Optional.ofNullable(SpecCodec.fromJsonOrNull(spec))).orElse(null);
            out.add(wf == null ? new Report(Map.of(), Usage.NONE) : of(snap, wf, now));
        }
        return out;
    }

    public static Report of(RunSnapshot snap, Workflow wf, Instant now) {
        Map<String, Usage> tasks = new LinkedHashMap<>();
        Usage total = Usage.NONE;
        Map<String, List<ElementRecord>> byTask = snap.elementsByTask();
        for (Task t : wf.tasks()) {
            // an open snapshot holds the live elements; the others' seconds were added up by the journal
            double hours = snap.complete() ? 0 : snap.counts(t.name()).settledSeconds() / 3600.0;
            for (ElementRecord e : byTask.getOrDefault(t.name(), List.of())) {
                hours += hours(e, now);
            }
            Usage u = new Usage(hours * cores(t), hours * Math.max(1, t.nodes()) * t.gpus());
            tasks.put(t.name(), u);
            total = total.plus(u);
        }
        return new Report(tasks, total);
    }

    /** Cores one job of a task holds: processes (at least one per node) × cores per process. */
    public static int cores(Task t) {
        return Math.max(Math.max(1, t.ntasks()), Math.max(1, t.nodes())) * Math.max(1, t.cpus());
    }

    /** Wall-clock hours of an element's tries: the earlier ones, and the latest to its end (to now while it runs). */
    public static double hours(ElementRecord e, Instant now) {
        double earlier = e.earlierSeconds() / 3600.0;
        if (e.startedAt() == null) {
            return earlier;
        }
        Instant end = e.endedAt() != null ? e.endedAt() : e.state().isLive() ? now : e.startedAt();
        long millis = Math.max(0, Duration.between(e.startedAt(), end).toMillis());
        return earlier + millis / 3_600_000.0;
    }

    /** Hours as shown in status and messages: four significant digits, no exponent (0.0123, 12.35, 100). */
    public static String format(double hours) {
        if (hours == 0) {
            return "0";
        }
        return new BigDecimal(hours).round(new MathContext(4)).stripTrailingZeros().toPlainString();
    }

    /** Hours as a JSON number rounded like {@link #format}. */
    public static double rounded(double hours) {
        return Double.parseDouble(format(hours));
    }
}
