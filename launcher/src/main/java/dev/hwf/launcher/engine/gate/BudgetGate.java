package dev.hwf.launcher.engine.gate;

import dev.hwf.launcher.engine.Pass;
import dev.hwf.launcher.journal.Journal;
import dev.hwf.launcher.journal.RunRecord;
import dev.hwf.launcher.report.Accounting;
import dev.hwf.launcher.workflow.Task;
import dev.hwf.launcher.workflow.Workflow;
import java.util.List;

/**
 * {@code budget.gpuHours}: once the run (with {@code per: campaign}, every run of the workflow in
 * the journal, this one included) has used that many GPU-hours (see {@link Accounting}), every
 * element not yet submitted ends CANCELLED with the reason, and nothing new is submitted. Jobs
 * already queued or running go on. The usage is added up at most once a pass, and only in a pass
 * that has something waiting; that pass also writes the {@code budget} notices at 80 % and 100 %
 * (SPEC section 7) for a run whose {@code notify:} hears them.
 */
final class BudgetGate implements SubmitGate {
    private final Pass pass;
    private final Journal journal;
    /** The verdict for this pass, once computed. */
    private Verdict verdict;

    BudgetGate(Pass pass, Journal journal) {
        this.pass = pass;
        this.journal = journal;
    }

    @Override
    public Verdict check(Task task, int waiting) {
        if (verdict == null) {
            verdict = decide();
        }
        return verdict;
    }

    private Verdict decide() {
        Workflow wf = pass.wf();
        if (wf.budgetGpuHours() == null) {
            return Verdict.go();
        }
        double used = Accounting.of(pass.snap(), wf, pass.now()).total().gpuHours();
        String label = "budget reached: ";
        if (wf.budgetPerCampaign()) {
            List<String> others = journal.runs().stream()
                    .filter(r -> r.workflow().equals(wf.name()) && !r.id().equals(pass.runId()))
                    .map(RunRecord::id).toList();
            for (Accounting.Report r : Accounting.of(journal.snapshots(others), pass.now())) {
                used += r.total().gpuHours();
            }
            label = "campaign budget reached (" + (others.size() + 1) + " runs of " + wf.name() + "): ";
        }
        String usage = Accounting.format(used) + " of " + Accounting.format(wf.budgetGpuHours()) + " GPU-hours"
                + (wf.budgetPerCampaign() ? " (campaign)" : "");
        journal.outbox().budget(pass.runId(), used, wf.budgetGpuHours(), usage, pass.now()); // notify: budget
        if (used < wf.budgetGpuHours()) {
            return Verdict.go();
        }
        return Verdict.stop(label + Accounting.format(used) + " of " + Accounting.format(wf.budgetGpuHours())
                + " GPU-hours");
    }
}
