package dev.hwf.lsf;

import dev.hwf.api.AdapterSupport;
import dev.hwf.api.Command;
import dev.hwf.api.Output;
import dev.hwf.api.SiteLimits;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What LSF says of a user's limits (from its documented output formats; no LSF runs where hwf is
 * tested), and which bsub refusals are limits.
 *
 * <ul>
 *   <li>{@code bparams -a}: {@code MAX_JOB_ARRAY_SIZE = N} (array indices 1..N; default 1000);</li>
 *   <li>{@code busers USER}: the table's {@code MAX} column, the user's job slot limit
 *       ({@code -} for none).</li>
 * </ul>
 */
final class LsfLimits {
    /** bsub's words when the user's or the system's pending-job threshold is reached. */
    static final List<String> REFUSALS = List.of("Pending job threshold reached", "job limit");
    private static final Pattern ARRAY = Pattern.compile("(?m)^\\s*MAX_JOB_ARRAY_SIZE\\s*=\\s*(\\d+)\\s*$");

    private LsfLimits() {
    }

    static String refusal(String text) {
        return AdapterSupport.lineWith(text, REFUSALS);
    }

    static List<Command> commands(String user) {
        return List.of(Command.of("bparams", "-a"), Command.of("busers", user));
    }

    static SiteLimits parse(List<Output> outputs, String user) {
        Integer maxArray = null;
        if (!outputs.isEmpty() && outputs.get(0).exitCode() == 0) {
            Matcher m = ARRAY.matcher(outputs.get(0).stdout());
            if (m.find()) {
                maxArray = positive(m.group(1));
            }
        }
        Integer maxJobs = null;
        if (outputs.size() > 1 && outputs.get(1).exitCode() == 0) {
            String[] lines = outputs.get(1).stdout().split("\n");
            int col = -1;
            for (String line : lines) {
                String[] f = line.strip().split("\\s+");
                if (col < 0) {
                    col = List.of(f).indexOf("MAX");
                } else if (f.length > col && f[0].equals(user)) {
                    maxJobs = positive(f[col]);
                }
            }
        }
        return new SiteLimits(maxArray, maxJobs, maxJobs == null ? null : "busers MAX");
    }

    private static Integer positive(String v) {
        return v.matches("\\d{1,9}") && Integer.parseInt(v) > 0 ? Integer.parseInt(v) : null;
    }
}
