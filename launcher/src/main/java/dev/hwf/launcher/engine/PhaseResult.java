package dev.hwf.launcher.engine;

import dev.hwf.launcher.journal.Journal;
import dev.hwf.launcher.journal.Journal.Change;
import java.util.ArrayList;
import java.util.List;

/**
 * What one phase of a pass wants written to the journal: job ids it learned, element changes
 * (compare-and-set against the rows it read) and service endpoints it saw. The sequencer writes
 * them in that order, then reads the run again for the next phase.
 */
record PhaseResult(List<Journal.Submitted> jobIds, List<Change> changes, List<Journal.Ready> ready) {
    static final PhaseResult NONE = new PhaseResult(List.of(), List.of(), List.of());

    PhaseResult {
        jobIds = List.copyOf(jobIds);
        changes = List.copyOf(changes);
        ready = List.copyOf(ready);
    }

    static PhaseResult of(List<Change> changes) {
        return changes.isEmpty() ? NONE : new PhaseResult(List.of(), changes, List.of());
    }

    /** The tasks whose rows the result changes. */
    java.util.Set<String> tasks() {
        java.util.Set<String> out = new java.util.LinkedHashSet<>();
        jobIds.forEach(s -> out.add(s.task()));
        changes.forEach(c -> out.add(c.after().task()));
        ready.forEach(r -> out.add(r.task()));
        return out;
    }

    boolean isEmpty() {
        return jobIds.isEmpty() && changes.isEmpty() && ready.isEmpty();
    }

    /** Both results, this one's first. */
    PhaseResult and(PhaseResult other) {
        if (other.isEmpty()) {
            return this;
        }
        if (isEmpty()) {
            return other;
        }
        List<Journal.Submitted> ids = new ArrayList<>(jobIds);
        ids.addAll(other.jobIds);
        List<Change> ch = new ArrayList<>(changes);
        ch.addAll(other.changes);
        List<Journal.Ready> rd = new ArrayList<>(ready);
        rd.addAll(other.ready);
        return new PhaseResult(ids, ch, rd);
    }
}
