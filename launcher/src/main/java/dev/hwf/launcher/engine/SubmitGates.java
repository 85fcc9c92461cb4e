package dev.hwf.launcher.engine;

import dev.hwf.launcher.journal.ElementRecord;
import dev.hwf.launcher.journal.Journal;
import dev.hwf.launcher.workflow.Task;
import java.util.List;

/**
 * Every reason hwf holds work back, as one chain of gates asked in order; the first that does not
 * say go decides. The order matters: a STOP (the budget) ends elements however long they would
 * otherwise have waited, so it comes before the HOLDs.
 *
 * <ol>
 *   <li>{@link BudgetGate}: the run's (or campaign's) GPU-hour budget is spent: STOP.</li>
 *   <li>{@link UpstreamGate}: a task named in {@code after} has not SUCCEEDED (a service: is not
 *       ready): HOLD.</li>
 *   <li>{@link ArrayLimitGate}: an array with {@code arrayLimit} still has a live job: HOLD.</li>
 * </ol>
 * A new reason to hold work back (a site limit, a dependency the scheduler keeps, a pilot's
 * capacity) is a new gate and one line here.
 */
final class SubmitGates implements SubmitGate {
    private final List<SubmitGate> chain;

    private SubmitGates(List<SubmitGate> chain) {
        this.chain = List.copyOf(chain);
    }

    /** The gates for one pass. */
    static SubmitGates forPass(Pass pass, Journal journal) {
        return new SubmitGates(List.of(new BudgetGate(pass, journal), new UpstreamGate(pass),
                new ArrayLimitGate(pass)));
    }

    @Override
    public Verdict check(Task task, List<ElementRecord> waiting) {
        for (SubmitGate gate : chain) {
            Verdict v = gate.check(task, waiting);
            if (!v.isGo()) {
                return v;
            }
        }
        return Verdict.go();
    }
}
