package dev.hwf.pbs;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The records of Torque's {@code qstat -f}: a {@code Job Id: ID} line, then one indented
 * {@code name = value} line per attribute. Long values go on in continuation lines that are indented
 * and are no {@code name = value} line; they are joined to the value before them (Torque breaks long
 * values anywhere, so the pieces are joined without a separator).
 */
final class TorqueRecords {

    /** One job: its id as printed and its attributes. */
    record Job(String id, Map<String, String> attributes) {
    }

    /** Something that is no qstat -f record. */
    static final class FormatException extends Exception {
        FormatException(String message) {
            super(message);
        }
    }

    private static final Pattern JOB_ID = Pattern.compile("Job Id:\\s*(\\S+)\\s*");
    private static final Pattern ATTRIBUTE = Pattern.compile("\\s+([A-Za-z_][A-Za-z0-9_.]*) = (.*)");

    private TorqueRecords() {
    }

    static List<Job> parse(String text) throws FormatException {
        List<Job> jobs = new ArrayList<>();
        if (text == null) {
            return jobs;
        }
        String id = null;
        Map<String, String> attrs = null;
        String last = null;
        for (String line : text.split("\\R")) {
            if (line.isBlank()) {
                continue;
            }
            Matcher m = JOB_ID.matcher(line);
            if (m.matches()) {
                if (id != null) {
                    jobs.add(new Job(id, attrs));
                }
                id = m.group(1);
                attrs = new LinkedHashMap<>();
                last = null;
                continue;
            }
            if (id == null || !Character.isWhitespace(line.charAt(0))) {
                throw new FormatException("a line that belongs to no 'Job Id:' record: '" + line.strip() + "'");
            }
            Matcher a = ATTRIBUTE.matcher(line);
            if (a.matches()) {
                last = a.group(1);
                attrs.put(last, a.group(2).strip());
            } else if (last != null) {
                attrs.put(last, attrs.get(last) + line.strip());
            } else {
                throw new FormatException("a continuation line before any attribute: '" + line.strip() + "'");
            }
        }
        if (id != null) {
            jobs.add(new Job(id, attrs));
        }
        return jobs;
    }
}
