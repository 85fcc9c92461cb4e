package dev.hwf.launcher.workflow;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Memory sizes as HPC users write them; binary units, as Slurm, PBS and LSF read them. */
public final class Sizes {
    private static final String FORMS = "use a number with an optional K, M, G or T suffix"
            + " (e.g. 512M, 16G, 1.5T; a trailing B or iB is allowed; a bare number is MiB)";
    private static final Pattern SIZE = Pattern.compile(
            "(?i)(\\d{1,15}(?:\\.\\d{1,6})?)\\s*(?:([kmgt])(?:ib|i|b)?)?");
    private static final BigDecimal MAX = BigDecimal.valueOf(Long.MAX_VALUE);

    private Sizes() {
    }

    /**
     * Parses a size into MiB, rounding up to a whole MiB (so {@code 1K} is 1 MiB): {@code 512},
     * {@code 512M}, {@code 16G}, {@code 16GB}, {@code 16GiB}, {@code 1.5T}, {@code 800k}.
     *
     * @throws IllegalArgumentException saying what is wrong and which forms are accepted
     */
    public static long parseMegabytes(String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("no size given; " + FORMS);
        }
        String s = text.strip();
        Matcher m = SIZE.matcher(s);
        if (!m.matches()) {
            throw new IllegalArgumentException(Text.show(s) + " is not a size; " + FORMS);
        }
        BigDecimal number = new BigDecimal(m.group(1));
        String unit = m.group(2) == null ? "M" : m.group(2).toUpperCase(Locale.ROOT);
        BigDecimal mib = switch (unit) {
            case "K" -> number.divide(BigDecimal.valueOf(1024));
            case "M" -> number;
            case "G" -> number.multiply(BigDecimal.valueOf(1024));
            default -> number.multiply(BigDecimal.valueOf(1024L * 1024));
        };
        mib = mib.setScale(0, RoundingMode.CEILING);
        if (mib.compareTo(MAX) > 0) {
            throw new IllegalArgumentException(Text.show(s) + " is too large");
        }
        return mib.longValueExact();
    }
}
