package dev.hwf.launcher.engine;

import dev.hwf.launcher.journal.Change;
import dev.hwf.launcher.journal.Estimated;
import dev.hwf.launcher.journal.RanOn;
import dev.hwf.launcher.journal.Ready;
import dev.hwf.launcher.journal.Submitted;
import dev.hwf.launcher.journal.WaitingChange;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * What one phase of a pass wants written to the journal: job ids it learned, element changes
 * (compare-and-set against the rows it read), changes to a task's WAITING elements in bulk (which
 * a pass does not read one by one), service endpoints it saw, where attempts ran (pilot agents)
 * and the start a scheduler now estimates for queued attempts. The sequencer writes them in that
 * order, then reads the run again for the next phase.
 */
public record PhaseResult(List<Submitted> jobIds, List<Change> changes, List<WaitingChange> waiting,
                   List<Ready> ready, List<RanOn> ranOn, List<Estimated> estimated) {
    public static final PhaseResult NONE = new PhaseResult(List.of(), List.of(), List.of(), List.of(), List.of());

    public PhaseResult {
        jobIds = List.copyOf(jobIds);
        changes = List.copyOf(changes);
        waiting = List.copyOf(waiting);
        ready = List.copyOf(ready);
        ranOn = List.copyOf(ranOn);
        estimated = List.copyOf(estimated);
    }

    public PhaseResult(List<Submitted> jobIds, List<Change> changes, List<WaitingChange> waiting, List<Ready> ready,
                       List<RanOn> ranOn) {
        this(jobIds, changes, waiting, ready, ranOn, List.of());
    }

    /** Only the starts a scheduler estimates for queued attempts. */
    public static PhaseResult estimated(List<Estimated> estimated) {
        return estimated.isEmpty() ? NONE
                : new PhaseResult(List.of(), List.of(), List.of(), List.of(), List.of(), estimated);
    }

    public PhaseResult(List<Submitted> jobIds, List<Change> changes, List<Ready> ready) {
        this(jobIds, changes, List.of(), ready, List.of());
    }

    public static PhaseResult of(List<Change> changes) {
        return changes.isEmpty() ? NONE : new PhaseResult(List.of(), changes, List.of(), List.of(), List.of());
    }

    public static PhaseResult of(List<Change> changes, List<WaitingChange> waiting) {
        return changes.isEmpty() && waiting.isEmpty() ? NONE
                : new PhaseResult(List.of(), changes, waiting, List.of(), List.of());
    }

    /** The tasks whose rows the result changes. */
    Set<String> tasks() {
        Set<String> out = new LinkedHashSet<>();
        jobIds.forEach(s -> out.add(s.task()));
        changes.forEach(c -> out.add(c.after().task()));
        waiting.forEach(w -> out.add(w.task()));
        ready.forEach(r -> out.add(r.task()));
        ranOn.forEach(r -> out.add(r.task()));
        estimated.forEach(e -> out.add(e.task()));
        return out;
    }

    boolean isEmpty() {
        return jobIds.isEmpty() && changes.isEmpty() && waiting.isEmpty() && ready.isEmpty() && ranOn.isEmpty()
                && estimated.isEmpty();
    }

    /** Both results, this one's first. */
    public PhaseResult and(PhaseResult other) {
        if (other.isEmpty()) {
            return this;
        }
        if (isEmpty()) {
            return other;
        }
        return new PhaseResult(joined(jobIds, other.jobIds), joined(changes, other.changes),
                joined(waiting, other.waiting), joined(ready, other.ready), joined(ranOn, other.ranOn),
                joined(estimated, other.estimated));
    }

    private static <T> List<T> joined(List<T> a, List<T> b) {
        List<T> out = new ArrayList<>(a);
        out.addAll(b);
        return out;
    }
}
