package dev.hwf.api;

/**
 * Why a queued job waits, in its scheduler's words, and whether that clears by itself (SPEC section
 * 7, notification event {@code stuck}: a live element that waits on a reason the scheduler says cannot
 * clear by itself). Each adapter documents which of its reasons are which.
 *
 * @param text  the scheduler's reason as it printed it ({@code ReqNodeNotAvail, UnavailableNodes:n3},
 *              {@code JobHeldUser}, {@code held (Hold_Types u)}, ...); never blank
 * @param block whether, and how, the job is blocked
 */
public record PendingReason(String text, Block block) {

    /** What it takes for the job to leave the queue. */
    public enum Block {
        /** Nothing: it waits for something that comes by itself (resources, priority, a start time, a job it depends on, a limit on jobs at once). */
        CLEARS,
        /** A hold: someone has to release it (its owner, or an administrator). */
        HELD,
        /** What it needs is down or closed (a node, a partition or queue): the site's administrators. */
        DOWN,
        /** A budget of its account or QOS is spent (CPU, GPU or billing minutes): the administrators raise or renew it. */
        BUDGET,
        /** It can never run as submitted (an account, QOS, constraint or per-job limit it does not meet, a dependency that failed). */
        NEVER
    }

    public PendingReason {
        if (text == null || text.isBlank() || block == null) {
            throw new IllegalArgumentException("a pending reason needs its text and its block");
        }
        text = text.strip();
    }

    /** Whether the job waits on something that cannot clear by itself. */
    public boolean isStuck() {
        return block != Block.CLEARS;
    }

    /** A reason that clears by itself; null for no text (or a blank one). */
    public static PendingReason clears(String text) {
        return text == null || text.isBlank() ? null : new PendingReason(text, Block.CLEARS);
    }
}
