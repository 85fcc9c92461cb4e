package dev.hwf.pbs;

import dev.hwf.api.AdapterSupport;
import dev.hwf.api.Command;
import dev.hwf.api.Output;
import dev.hwf.api.SiteLimits;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What PBS Pro says of a user's limits, and which qsub refusals are limits.
 *
 * <ul>
 *   <li>{@code qstat -Bf -F json}: the server's {@code max_array_size} and {@code max_queued};</li>
 *   <li>{@code qstat -Qf -F json}: each queue's {@code max_queued}.</li>
 * </ul>
 * {@code max_queued} holds entries such as {@code [u:PBS_GENERIC=3]} (every user), {@code [u:alice=5]}
 * (one user, which wins over the generic one) and {@code [o:PBS_ALL=100]} (everyone together). The
 * user's job limit is the smallest of the server's and those of the queues the run uses (the
 * server's default queue when a task names none). Torque prints none of this as JSON: hwf learns
 * its limits from qsub's refusals only.
 */
final class PbsLimits {
    /** qsub's words for a refusal because the user (or everyone) has too many jobs queued. */
    static final List<String> REFUSALS = List.of("would exceed", "Maximum number of jobs already in queue");
    private static final Pattern ENTRY = Pattern.compile("\\[([uo]):([^=\\]]+)=(\\d+)\\]");

    private PbsLimits() {
    }

    static String refusal(String text) {
        return AdapterSupport.lineWith(text, REFUSALS);
    }

    static List<Command> commands() {
        return List.of(Command.of("qstat", "-Bf", "-F", "json"), Command.of("qstat", "-Qf", "-F", "json"));
    }

    static SiteLimits parse(List<Output> outputs, String user, Set<String> queues) {
        Map<String, Object> server = first(section(outputs, 0, "Server"));
        Integer maxArray = null;
        Integer maxJobs = null;
        String source = null;
        String defaultQueue = null;
        if (server != null) {
            maxArray = number(server.get("max_array_size"));
            maxJobs = queued(server.get("max_queued"), user);
            source = maxJobs == null ? null : "server max_queued";
            defaultQueue = server.get("default_queue") instanceof String q ? q : null;
        }
        Map<String, Object> all = section(outputs, 1, "Queue");
        if (all != null) {
            Set<String> used = queues.isEmpty() && defaultQueue != null ? Set.of(defaultQueue) : queues;
            for (String q : used) {
                if (all.get(q) instanceof Map<?, ?> attrs) {
                    // a queue may set its own, smaller array size limit (qsub: "exceeds server or queue size limit")
                    maxArray = SiteLimits.min(maxArray, number(attrs.get("max_array_size")));
                    Integer n = queued(attrs.get("max_queued"), user);
                    if (n != null && (maxJobs == null || n < maxJobs)) {
                        maxJobs = n;
                        source = "queue " + q + " max_queued";
                    }
                }
            }
        }
        return new SiteLimits(maxArray, maxJobs, source);
    }

    /**
     * Null when the server keeps jobs from other users' {@code qstat} ({@code query_other_jobs} False);
     * else why a job's variables are readable by every user, with what an administrator can change.
     */
    static String exposure(List<Output> outputs) {
        Map<String, Object> server = first(section(outputs, 0, "Server"));
        if (server == null) {
            return "the server's attributes could not be read ('qstat -Bf -F json' "
                    + (outputs.isEmpty() ? "was not run" : "exited " + outputs.get(0).exitCode())
                    + "), so hwf cannot tell whether other users can read a job's variables";
        }
        Object q = server.get("query_other_jobs");
        // absent: the server's own default, True
        if (q != null && "false".equalsIgnoreCase(q.toString().strip())) {
            return null;
        }
        return "the PBS server has query_other_jobs = " + (q == null ? "True (its default)" : q)
                + ": any user can read a job's variables, and so the value of a secret, with 'qstat -f'. An "
                + "administrator can close this with: qmgr -c \"set server query_other_jobs = False\"";
    }

    /** The user's cap in a max_queued value: their own entry, else the generic one; the overall one bounds both. */
    static Integer queued(Object value, String user) {
        if (!(value instanceof String text)) {
            return null;
        }
        Integer own = null;
        Integer generic = null;
        Integer overall = null;
        Matcher m = ENTRY.matcher(text);
        while (m.find()) {
            int n = Integer.parseInt(m.group(3));
            if (m.group(1).equals("o")) {
                overall = n;
            } else if (m.group(2).equals(user)) {
                own = n;
            } else if (m.group(2).equals("PBS_GENERIC")) {
                generic = n;
            }
        }
        return SiteLimits.min(own != null ? own : generic, overall);
    }

    /** {@code doc[key]} of the i-th output, when it exited 0 and holds JSON with that object. */
    @SuppressWarnings("unchecked")
    private static Map<String, Object> section(List<Output> outputs, int i, String key) {
        if (outputs.size() <= i || outputs.get(i).exitCode() != 0) {
            return null;
        }
        try {
            Object v = LenientJson.parseObject(outputs.get(i).stdout()).get(key);
            return v instanceof Map<?, ?> m ? (Map<String, Object>) m : null;
        } catch (LenientJson.ParseException e) {
            return null;
        }
    }

    /** The one server's attributes in {@code Server: {name: {...}}}. */
    @SuppressWarnings("unchecked")
    private static Map<String, Object> first(Map<String, Object> servers) {
        if (servers == null) {
            return null;
        }
        for (Object v : servers.values()) {
            if (v instanceof Map<?, ?> m) {
                return (Map<String, Object>) m;
            }
        }
        return null;
    }

    private static Integer number(Object v) {
        if (v instanceof Number n && n.longValue() > 0 && n.longValue() <= Integer.MAX_VALUE) {
            return n.intValue();
        }
        if (v instanceof String s && s.strip().matches("\\d{1,9}") && Integer.parseInt(s.strip()) > 0) {
            return Integer.parseInt(s.strip());
        }
        return null;
    }
}
