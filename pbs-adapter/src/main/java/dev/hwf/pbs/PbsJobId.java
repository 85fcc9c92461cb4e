package dev.hwf.pbs;

import dev.hwf.api.JobId;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A PBS job identifier as qsub and qstat print it: {@code SEQ[.SERVER]} for a job,
 * {@code SEQ[].SERVER} for an array, {@code SEQ[INDEX].SERVER} for one of its elements.
 *
 * <p>hwf keeps {@code SEQ} or {@code SEQ[]} and drops the server name: qsub puts every job on the
 * default server, and qstat and qdel look a bare sequence number up there. A status line then matches
 * its job whether the server prints its short or its full host name.
 */
record PbsJobId(String sequence, boolean array, Integer index) {

    private static final Pattern ID = Pattern.compile("([0-9]+)(?:\\[([0-9]*)])?(?:\\.[^\\s\\[\\]]+)?");

    /** Reads one identifier; null when it is none. */
    static PbsJobId parse(String raw) {
        if (raw == null) {
            return null;
        }
        Matcher m = ID.matcher(raw.strip());
        if (!m.matches()) {
            return null;
        }
        String idx = m.group(2);
        try {
            return new PbsJobId(m.group(1), idx != null, idx == null || idx.isEmpty() ? null : Integer.valueOf(idx));
        } catch (NumberFormatException e) {
            return null; // an index beyond int
        }
    }

    /** The id hwf records: {@code SEQ}, or {@code SEQ[]} for an array and its elements. */
    JobId jobId() {
        return new JobId(array ? sequence + "[]" : sequence);
    }

    /** Whether this names the array as a whole (not one element, not a plain job). */
    boolean isArrayItself() {
        return array && index == null;
    }
}
