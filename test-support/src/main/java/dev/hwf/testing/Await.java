package dev.hwf.testing;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/**
 * Waiting for what a real process does, without a fixed sleep: the condition is looked at every
 * {@link #LOOK} until it holds, and the wait fails once {@code limit} has passed.
 */
public final class Await {
    /** The pause between two looks. */
    public static final Duration LOOK = Duration.ofMillis(20);

    private Await() {
    }

    /** Returns once {@code condition} holds; after {@code limit}, an {@link AssertionError} naming {@code what}. */
    public static void until(String what, Duration limit, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError(what + ": not within " + limit);
            }
            Thread.sleep(LOOK.toMillis());
        }
    }
}
