package dev.hwf.launcher.engine.depend;

import java.util.ArrayList;
import java.util.List;

/**
 * How a task's elements go out as array jobs under the site's array size limit: one job when
 * every index is below the limit (the scheduler's indices are the element indices); otherwise
 * several, each carrying the elements from its first one on whose index is less than the limit
 * away, with that first index as its offset (the job's scheduler index i is element offset + i).
 */
public final class ArrayChunks {
    private ArrayChunks() {
    }

    /** One array job's elements and offset. */
    public record Chunk(List<Integer> indices, int offset) {
    }

    /**
     * @param indices      the elements to send, in increasing order
     * @param maxArraySize the site's limit (indices stay below it), or null for none
     */
    public static List<Chunk> split(List<Integer> indices, Integer maxArraySize) {
        if (indices.isEmpty()) {
            return List.of();
        }
        if (maxArraySize == null || indices.get(indices.size() - 1) < maxArraySize) {
            return List.of(new Chunk(indices, 0));
        }
        List<Chunk> out = new ArrayList<>();
        int from = 0;
        while (from < indices.size()) {
            int offset = indices.get(from);
            int to = from;
            while (to < indices.size() && indices.get(to) - offset < maxArraySize) {
                to++;
            }
            out.add(new Chunk(List.copyOf(indices.subList(from, to)), offset));
            from = to;
        }
        return out;
    }
}
