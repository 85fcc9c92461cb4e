package dev.hwf.launcher.workflow;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Wall-time parsing and formatting, in the forms HPC users write for Slurm, PBS and LSF. */
public final class Durations {
    private static final String FORMS = "use [D-]HH:MM:SS (e.g. 02:00:00 or 1-12:00:00), or a number with a"
            + " unit: 45s, 90m, 2h, 1d (also combined, e.g. 1h30m); a bare number is minutes";

    // Nine digits at most per part keeps every sum far from long overflow.
    private static final Pattern CLOCK = Pattern.compile("(?:(\\d{1,9})-)?(\\d{1,9}):(\\d{2}):(\\d{2})");
    private static final Pattern UNITS = Pattern.compile(
            "(?i)(?:(\\d{1,9})d)?(?:(\\d{1,9})h)?(?:(\\d{1,9})m)?(?:(\\d{1,9})s)?");
    private static final Pattern MINUTES = Pattern.compile("\\d{1,9}");

    private Durations() {
    }

    /**
     * Parses a wall time into seconds: {@code [D-]HH:MM:SS}, {@code H:MM:SS}, {@code 45s},
     * {@code 90m}, {@code 2h}, {@code 1d}, unit combinations such as {@code 1h30m}, or a bare
     * number of minutes (as Slurm reads it).
     *
     * @throws IllegalArgumentException saying what is wrong and which forms are accepted
     */
    public static long parseSeconds(String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("no duration given; " + FORMS);
        }
        String s = text.strip();
        Matcher m = CLOCK.matcher(s);
        if (m.matches()) {
            long days = m.group(1) == null ? 0 : Long.parseLong(m.group(1));
            long hours = Long.parseLong(m.group(2));
            long minutes = Long.parseLong(m.group(3));
            long seconds = Long.parseLong(m.group(4));
            if (minutes > 59 || seconds > 59) {
                throw new IllegalArgumentException(Text.show(s) + " is not a valid time: minutes and seconds"
                        + " must be 00..59");
            }
            if (m.group(1) != null && hours > 23) {
                throw new IllegalArgumentException(Text.show(s) + " is not a valid time: with a day count,"
                        + " hours must be 00..23");
            }
            return ((days * 24 + hours) * 60 + minutes) * 60 + seconds;
        }
        if (MINUTES.matcher(s).matches()) {
            return Long.parseLong(s) * 60;
        }
        m = UNITS.matcher(s);
        if (m.matches() && !s.isEmpty()) {
            return part(m, 1) * 86400 + part(m, 2) * 3600 + part(m, 3) * 60 + part(m, 4);
        }
        if (s.matches("\\d+:\\d+")) {
            // MM:SS and HH:MM are both in use; refuse rather than guess which one was meant.
            throw new IllegalArgumentException(Text.show(s) + " is ambiguous (minutes:seconds or"
                    + " hours:minutes?); " + FORMS);
        }
        throw new IllegalArgumentException(Text.show(s) + " is not a duration; " + FORMS);
    }

    private static long part(Matcher m, int group) {
        return m.group(group) == null ? 0 : Long.parseLong(m.group(group));
    }

    /** Formats seconds as {@code HH:MM:SS}, with a {@code D-} day prefix from one day on. */
    public static String format(long seconds) {
        if (seconds < 0) {
            throw new IllegalArgumentException("negative duration: " + seconds);
        }
        long days = seconds / 86400;
        long rest = seconds % 86400;
        String clock = String.format("%02d:%02d:%02d", rest / 3600, rest % 3600 / 60, rest % 60);
        return days > 0 ? days + "-" + clock : clock;
    }
}
