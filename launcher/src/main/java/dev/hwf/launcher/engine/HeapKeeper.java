package dev.hwf.launcher.engine;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.util.function.LongSupplier;

/**
 * Keeps a followed run's heap to what its passes hold. Passes make short-lived garbage (the
 * scheduler's answer, the run's snapshot), and with hwf's serial collector and small young
 * generation part of it survives one young collection and is moved to the old generation. That
 * generation is grown rather than collected while it can grow, so over hours of passes the heap,
 * and the process with it, grows by what the passes once held: a run of 300 tasks on Slurm grew
 * by about 0.7 MiB a second, to 229 MiB after 400 s.
 *
 * <p>After a pass, once the old generation holds {@link #SLACK} more than after the last full
 * collection, one is asked for; the JVM then gives back what the heap no longer needs
 * ({@code -XX:MaxHeapFreeRatio}, set by {@code bin/hwf}). What is measured is the old generation,
 * not the heap's size: a heap that has grown once keeps its size while its old generation fills
 * with what the passes moved there, so watching its size let that garbage stay (a 300-task run on
 * JDK 25 kept 6 MiB of it for minutes). A full collection of what a followed run holds (about
 * 7 MiB) takes 15 to 30 ms on a small VM; with 1 MiB of slack it comes every 2 to 3 s at a 1 s
 * poll interval (56 in a 300-task run of 146 s, against 33 with 2 MiB, for 1 MiB less at the
 * peak), less often at the 5 s a cluster is polled at by default; a JVM without an old
 * generation to read falls back to the heap's size.
 */
final class HeapKeeper {
    /** How much the measure may grow between two full collections. */
    static final long SLACK = 1L << 20;

    private final LongSupplier heap;
    private final Runnable collect;
    /** The measure after the last full collection (0 before the first). */
    private long settled;

    /** The JVM's old generation (else its heap, {@link Runtime#totalMemory}) and {@link System#gc}. */
    HeapKeeper() {
        this(measure(), System::gc);
    }

    HeapKeeper(LongSupplier heap, Runnable collect) {
        this.heap = heap;
        this.collect = collect;
    }

    /** After a pass: a full collection when the measure has grown by more than {@link #SLACK}. */
    void afterPass() {
        if (heap.getAsLong() > settled + SLACK) {
            collect.run();
            settled = heap.getAsLong();
        }
    }

    /** What is in use in the old generation, or the heap's size when the JVM names no old generation. */
    static LongSupplier measure() {
        MemoryPoolMXBean old = oldGeneration();
        if (old == null) {
            return () -> Runtime.getRuntime().totalMemory();
        }
        return () -> old.getUsage().getUsed();
    }

    /** The heap pool that holds what survived young collections ("Tenured Gen", "G1 Old Gen", ...), if any. */
    static MemoryPoolMXBean oldGeneration() {
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            String name = pool.getName();
            if (pool.getType() == MemoryType.HEAP && pool.isValid()
                    && (name.contains("Old") || name.contains("Tenured"))) {
                return pool;
            }
        }
        return null;
    }
}
