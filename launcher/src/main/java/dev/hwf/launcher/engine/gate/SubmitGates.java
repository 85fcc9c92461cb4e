package dev.hwf.launcher.engine.gate;

import dev.hwf.api.SiteLimits;
import dev.hwf.launcher.engine.Pass;
import dev.hwf.launcher.journal.Journal;
import dev.hwf.launcher.workflow.NamedSite;
import dev.hwf.launcher.workflow.Task;
import java.util.List;

/**
 * Every reason hwf holds work back, as one chain of gates asked in order; a STOP or HOLD decides
 * at once, and the smallest "up to N" of the others bounds what goes. The order matters: a STOP
 * (the budget) ends elements however long they would otherwise have waited, so it comes first.
 *
 * <ol>
 *   <li>{@link BudgetGate}: the run's (or campaign's) GPU-hour budget is spent: STOP.</li>
 *   <li>{@link UpstreamGate}: a task named in {@code after} has not SUCCEEDED (a service: is not
 *       ready): HOLD.</li>
 *   <li>{@link Secrets#gate}: a secret the task reads from the environment is not set here (cron's
 *       environment, say): held with the reason, shown.</li>
 *   <li>{@link ArrayLimitGate}: an array with {@code arrayLimit} still has a live job: HOLD.</li>
 *   <li>{@link SubmitBackoff}: the scheduler refused jobs for a limit a moment ago: HOLD for a
 *       while.</li>
 *   <li>{@link SiteLimitGate}: the site's job limit: up to the jobs still allowed, the rest held
 *       with a reason that names the limit.</li>
 * </ol>
 * What goes out goes in workflow order, and within a task in index order. A new reason to hold
 * work back (a dependency the scheduler keeps, a pilot's capacity) is a new gate and one line here.
 */
public final class SubmitGates implements SubmitGate {
    private final List<SubmitGate> chain;

    private SubmitGates(List<SubmitGate> chain) {
        this.chain = List.copyOf(chain);
    }

    /** The gates for one pass, for work going to {@code site}. */
    public static SubmitGates forPass(Pass pass, NamedSite site, Journal journal, SubmitBackoff backoff,
                                      SiteLimits limits) {
        SubmitGate refused = backoff.gate(pass.now());
        // packed elements are no jobs: the scheduler's refusals do not hold them back
        SubmitGate backoffForJobs = (task, n) -> task.pilot() ? Verdict.go() : refused.check(task, n);
        return new SubmitGates(List.of(new BudgetGate(pass, journal), new UpstreamGate(pass),
                Secrets.gate(System::getenv), new PilotGate(pass), new ArrayLimitGate(pass), backoffForJobs,
                new SiteLimitGate(pass, site, journal, limits)));
    }

    @Override
    public Verdict check(Task task, int waiting) {
        Verdict bound = Verdict.go();
        for (SubmitGate gate : chain) {
            Verdict v = gate.check(task, waiting);
            if (!v.isGo()) {
                return v;
            }
            if (v.max() < bound.max()) {
                bound = v;
            }
        }
        return bound;
    }

    @Override
    public void released(Task task, int elements) {
        chain.forEach(g -> g.released(task, elements));
    }
}
