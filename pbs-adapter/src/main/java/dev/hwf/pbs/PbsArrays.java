package dev.hwf.pbs;

import dev.hwf.api.AdapterSupport;
import java.util.List;
import java.util.TreeSet;

/**
 * Array index specifications: Torque's {@code -t} takes any list ({@code 0-3,7}); PBS Pro's
 * {@code -J} takes one range {@code X-Y[:Z]} with Y greater than X.
 *
 * <p>For PBS Pro a set of indices that is no such range (a single index, or failed elements 2, 5 and
 * 9 resubmitted alone) is submitted as the smallest range that holds it, stepping by the largest step
 * that fits; the job script hwf renders for it ends every other element of the range at once, before
 * it runs or writes anything ({@code HWF_ARRAY_ONLY}, in the element numbering the script uses).
 */
final class PbsArrays {

    /**
     * A PBS Pro {@code -J} range and, when it holds more than the wanted indices, the ones to run (in
     * the scheduler's numbering, runs joined by ':'), else null.
     */
    record ProRange(String range, String only) {
    }

    private PbsArrays() {
    }

    static TreeSet<Integer> sorted(List<Integer> indices) {
        TreeSet<Integer> sorted = new TreeSet<>();
        for (Integer i : indices) {
            if (i == null || i < 0) {
                throw new IllegalArgumentException("array index must be >= 0: " + i);
            }
            sorted.add(i);
        }
        if (sorted.isEmpty()) {
            throw new IllegalArgumentException("an array needs at least one index");
        }
        return sorted;
    }

    /** Torque's {@code -t} list: {@code 0-7}, {@code 2,5,9}, {@code 0-3,7}. */
    static String torque(List<Integer> indices) {
        return AdapterSupport.runs(sorted(indices), ",");
    }

    /** PBS Pro's {@code -J} range for the indices, with the indices to run when the range holds more. */
    static ProRange pbsPro(List<Integer> indices) {
        TreeSet<Integer> s = sorted(indices);
        int first = s.first();
        int last = s.last();
        if (s.size() == 1) {
            // -J needs two indices at least: the next one is submitted too and ends at once
            return new ProRange(first + "-" + (first + 1), AdapterSupport.runs(s, ":"));
        }
        int step = 0;
        for (int i : s) {
            step = gcd(step, i - first);
        }
        String range = first + "-" + last + (step > 1 ? ":" + step : "");
        long covered = ((long) last - first) / step + 1;
        return new ProRange(range, covered == s.size() ? null : AdapterSupport.runs(s, ":"));
    }

    private static int gcd(int a, int b) {
        return b == 0 ? a : gcd(b, a % b);
    }
}
