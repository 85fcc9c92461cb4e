package dev.hwf.launcher.engine;

import java.util.function.LongSupplier;

/**
 * Keeps a followed run's heap to what its passes hold. Passes make short-lived garbage (the
 * scheduler's answer, the run's snapshot), and with hwf's serial collector and small young
 * generation part of it survives one young collection and is moved to the old generation. That
 * generation is grown rather than collected while it can grow, so over hours of passes the heap,
 * and the process with it, grows by what the passes once held: a run of 300 tasks on Slurm grew
 * by about 0.7 MiB a second, to 229 MiB after 400 s.
 *
 * <p>After a pass, once the heap has grown by {@link #SLACK} since the last full collection, one is
 * asked for; the JVM then gives back what the heap no longer needs ({@code -XX:MaxHeapFreeRatio}, set
 * by {@code bin/hwf}). A full collection of what a followed run holds (about 12 MiB) takes a few
 * milliseconds, and at that rate of growth comes about once in ten seconds.
 */
final class HeapKeeper {
    /** How much the heap may grow between two full collections. */
    static final long SLACK = 8L << 20;

    private final LongSupplier heap;
    private final Runnable collect;
    /** The heap's size after the last full collection (0 before the first). */
    private long settled;

    /** The JVM's heap ({@link Runtime#totalMemory}) and {@link System#gc}. */
    HeapKeeper() {
        this(() -> Runtime.getRuntime().totalMemory(), System::gc);
    }

    HeapKeeper(LongSupplier heap, Runnable collect) {
        this.heap = heap;
        this.collect = collect;
    }

    /** After a pass: a full collection when the heap has grown by more than {@link #SLACK}. */
    void afterPass() {
        if (heap.getAsLong() > settled + SLACK) {
            collect.run();
            settled = heap.getAsLong();
        }
    }
}
