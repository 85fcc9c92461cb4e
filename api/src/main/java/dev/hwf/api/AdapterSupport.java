package dev.hwf.api;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.SortedSet;
import java.util.regex.Pattern;

/** Small pieces every adapter needs the same way. */
public final class AdapterSupport {
    private AdapterSupport() {
    }

    /**
     * The job ids for one command line, each checked against the scheduler's id form and given
     * once, in order.
     *
     * @param notAnId the message start for an id of the wrong form, e.g. "not a Slurm job id"
     */
    public static List<String> ids(Collection<JobId> jobs, Pattern form, String notAnId) {
        if (jobs == null || jobs.isEmpty()) {
            throw new IllegalArgumentException("no job ids given");
        }
        Set<String> ids = new LinkedHashSet<>();
        for (JobId j : jobs) {
            if (!form.matcher(j.value()).matches()) {
                throw new IllegalArgumentException(notAnId + ": " + j.value());
            }
            ids.add(j.value());
        }
        return List.copyOf(ids);
    }

    /** The first line of {@code text} that holds one of the phrases, stripped; null when none does. */
    public static String lineWith(String text, List<String> phrases) {
        for (String line : text.split("\n")) {
            for (String p : phrases) {
                if (line.contains(p)) {
                    return line.strip();
                }
            }
        }
        return null;
    }

    /** A command's stderr and stdout as one text for messages: stderr first, blanks left out. */
    public static String joined(String stdout, String stderr) {
        String out = stdout == null ? "" : stdout.strip();
        String err = stderr == null ? "" : stderr.strip();
        if (out.isEmpty()) {
            return err;
        }
        return err.isEmpty() ? out : err + "\n" + out;
    }

    /**
     * Indices as runs: consecutive ones as {@code a-b}, single ones as {@code a}, in ascending order,
     * joined by the separator ({@code 0-3,7} with ",").
     */
    public static String runs(SortedSet<Integer> sorted, String separator) {
        List<String> parts = new ArrayList<>();
        Integer start = null;
        Integer prev = null;
        for (int i : sorted) {
            if (prev != null && i == prev + 1) {
                prev = i;
                continue;
            }
            if (start != null) {
                parts.add(start.equals(prev) ? start.toString() : start + "-" + prev);
            }
            start = i;
            prev = i;
        }
        if (start != null) {
            parts.add(start.equals(prev) ? start.toString() : start + "-" + prev);
        }
        return String.join(separator, parts);
    }
}
