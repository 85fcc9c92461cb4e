package dev.hwf.slurm;

import dev.hwf.api.AdapterSupport;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Slurm's array index lists: {@code 0-7}, {@code 2,5,9}, {@code 0-3,7}, and squeue's {@code ID_[1,3,5-7%2]}. */
final class ArrayIndices {

    /** More elements than any Slurm allows (MaxArraySize is at most 4000001): a line claiming more is garbage. */
    static final int MAX_ELEMENTS = 4_000_001;

    /** A job id field of squeue: the job, and the element indices it covers (null: not an element). */
    record Parsed(String jobId, List<Integer> indices) {
    }

    private static final Pattern PLAIN = Pattern.compile("([0-9]+)");
    private static final Pattern ELEMENT = Pattern.compile("([0-9]+)_([0-9]+)");
    private static final Pattern RANGE = Pattern.compile("([0-9]+)_\\[([0-9,:-]+)(?:%[0-9]+)?\\]");
    private static final Pattern PART = Pattern.compile("([0-9]+)(?:-([0-9]+)(?::([0-9]+))?)?");

    private ArrayIndices() {
    }

    /**
     * The indices as Slurm's {@code --array} value: sorted, runs of consecutive indices as {@code a-b}.
     * [0..7] gives {@code 0-7}, [2, 5, 9] gives {@code 2,5,9}, [0, 1, 2, 3, 7] gives {@code 0-3,7}.
     */
    static String format(List<Integer> indices) {
        TreeSet<Integer> sorted = new TreeSet<>();
        for (Integer i : indices) {
            if (i == null || i < 0) {
                throw new IllegalArgumentException("array index must be >= 0: " + i);
            }
            sorted.add(i);
        }
        return AdapterSupport.runs(sorted, ",");
    }

    /**
     * Reads squeue's {@code %i}: {@code 123}, {@code 123_4}, or a line for pending (or cancelled
     * pending) elements {@code 123_[2-7%2]}, {@code 123_[1,3,5-7]}. Null when it is none of these.
     */
    static Parsed parseJobField(String field) {
        try {
            Matcher m = PLAIN.matcher(field);
            if (m.matches()) {
                return new Parsed(m.group(1), null);
            }
            m = ELEMENT.matcher(field);
            if (m.matches()) {
                return new Parsed(m.group(1), List.of(Integer.parseInt(m.group(2))));
            }
            m = RANGE.matcher(field);
            if (m.matches()) {
                List<Integer> indices = expand(m.group(2));
                return indices == null ? null : new Parsed(m.group(1), indices);
            }
            return null;
        } catch (NumberFormatException e) {
            return null; // an index beyond int: not a Slurm index
        }
    }

    /** {@code 1,3,5-7} (and Slurm's step form {@code 0-15:4}) as a list; null when malformed. */
    private static List<Integer> expand(String spec) {
        List<Integer> out = new ArrayList<>();
        for (String part : spec.split(",", -1)) {
            Matcher m = PART.matcher(part);
            if (!m.matches()) {
                return null;
            }
            int from = Integer.parseInt(m.group(1));
            int to = m.group(2) == null ? from : Integer.parseInt(m.group(2));
            int step = m.group(3) == null ? 1 : Integer.parseInt(m.group(3));
            if (to < from || step < 1) {
                return null;
            }
            if ((long) out.size() + ((long) to - from) / step + 1 > MAX_ELEMENTS) {
                return null;
            }
            for (long i = from; i <= to; i += step) {
                out.add((int) i);
            }
        }
        return out;
    }
}
