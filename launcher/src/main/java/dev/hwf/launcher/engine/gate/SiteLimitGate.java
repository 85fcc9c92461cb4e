package dev.hwf.launcher.engine.gate;

import dev.hwf.api.SiteLimits;
import dev.hwf.launcher.engine.Pass;
import dev.hwf.launcher.journal.Journal;
import dev.hwf.launcher.workflow.NamedSite;
import dev.hwf.launcher.workflow.Task;

/**
 * The site's job limit ({@link SiteLimits#maxJobs()}: discovered, or {@code site.maxJobs}): hwf
 * never has more live jobs on the site than that, counted as the scheduler counts them (an array
 * element is one) over every running run of the journal on that site (scheduler, host and user). What does not fit
 * stays WAITING with a reason such as {@code held: 20 of 20 jobs allowed (QOS normal)} and goes
 * out as earlier work ends. Jobs of the user's that hwf does not know of are not counted: when
 * they fill the limit, the scheduler's refusal holds the work back instead ({@link SubmitBackoff}).
 */
final class SiteLimitGate implements SubmitGate {
    private final Integer max;
    private final String source;
    private int live;

    SiteLimitGate(Pass pass, NamedSite site, Journal journal, SiteLimits limits) {
        this.max = limits.maxJobs();
        this.source = limits.maxJobsSource() == null ? "site limit" : limits.maxJobsSource();
        this.live = max == null ? 0 : journal.liveElements(site.scheduler(), site.site().host(), site.site().user());
    }

    @Override
    public Verdict check(Task task, int waiting) {
        if (max == null || task.pilot()) { // packed elements are no jobs of the site's
            return Verdict.go();
        }
        int free = max - live;
        if (free >= waiting) {
            return Verdict.go();
        }
        // once the first free elements go, the site is full: the reason says so, and stays the
        // same from pass to pass while it is (so it is written once, not every pass)
        return Verdict.upTo(free, "held: " + max + " of " + max + " jobs allowed (" + source + ")");
    }

    @Override
    public void released(Task task, int elements) {
        live += elements;
    }
}
