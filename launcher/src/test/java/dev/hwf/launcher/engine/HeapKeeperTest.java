package dev.hwf.launcher.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.junit.jupiter.api.Test;

class HeapKeeperTest {
    private static final long MIB = 1L << 20;

    @Test
    void collectsOnlyOnceTheHeapHasGrownBySlackSinceTheLastCollection() {
        AtomicLong heap = new AtomicLong(30 * MIB);
        AtomicInteger collections = new AtomicInteger();
        // a collection leaves 14 MiB: what the passes hold
        HeapKeeper keeper = new HeapKeeper(heap::get, () -> {
            collections.incrementAndGet();
            heap.set(14 * MIB);
        });

        keeper.afterPass(); // the submission's garbage: collected after the first pass
        assertEquals(1, collections.get());
        heap.set(14 * MIB + HeapKeeper.SLACK);
        keeper.afterPass(); // grown by exactly the slack: left
        assertEquals(1, collections.get());
        heap.set(14 * MIB + HeapKeeper.SLACK + 1);
        keeper.afterPass();
        assertEquals(2, collections.get());
        keeper.afterPass(); // settled again at 14 MiB
        assertEquals(2, collections.get());
    }

    @Test
    void whatStaysWhereItSettledIsCollectedOnce() {
        AtomicInteger collections = new AtomicInteger();
        HeapKeeper keeper = new HeapKeeper(() -> 6 * MIB, collections::incrementAndGet);
        for (int i = 0; i < 100; i++) {
            keeper.afterPass();
        }
        assertEquals(1, collections.get(), "the first pass finds it, no later one");
    }

    @Test
    void theOldGenerationIsWhatIsMeasuredAndAFullCollectionEmptiesIt() {
        assertNotNull(HeapKeeper.oldGeneration(), "this JVM names an old generation");
        LongSupplier old = HeapKeeper.measure();
        List<byte[]> kept = new ArrayList<>();
        for (int i = 0; i < 64; i++) { // 8 MiB that survives young collections, then is let go
            kept.add(new byte[128 * 1024]);
            System.gc();
        }
        long full = old.getAsLong();
        assertTrue(full >= 8 * MIB, "the old generation holds what survived: " + full);
        kept.clear();
        System.gc();
        assertTrue(old.getAsLong() < full - 4 * MIB, "emptied: " + old.getAsLong() + " after " + full);
    }
}
