package dev.hwf.launcher.engine.gate;

import java.time.Duration;
import java.time.Instant;

/**
 * After the scheduler refused jobs for a limit (see {@code SchedulerAdapter.limitRefusal}), hwf
 * sends nothing more to it for a while: 5 s after the first refusal, doubling with each refusal in
 * a row, at most 5 minutes; a submission that goes through ends the back-off. Kept for the life of
 * the hwf process (a cron-driven {@code hwf poll} backs off by its own interval).
 */
public final class SubmitBackoff {
    public static final Duration FIRST = Duration.ofSeconds(5);
    static final Duration MOST = Duration.ofMinutes(5);

    private int refusals;
    private Instant until = Instant.MIN;

    public synchronized void refused(Instant now) {
        refusals++;
        long seconds = Math.min(MOST.toSeconds(), FIRST.toSeconds() << Math.min(refusals - 1, 16));
        until = now.plusSeconds(seconds);
    }

    public synchronized void accepted() {
        refusals = 0;
        until = Instant.MIN;
    }

    /** The gate for a pass at {@code now}. */
    synchronized SubmitGate gate(Instant now) {
        boolean waiting = now.isBefore(until);
        String reason = "the scheduler refused jobs for a limit; sending again after " + until;
        return (task, elements) -> waiting ? SubmitGate.Verdict.hold(reason) : SubmitGate.Verdict.go();
    }
}
