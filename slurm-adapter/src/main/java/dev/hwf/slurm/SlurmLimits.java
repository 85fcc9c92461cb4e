package dev.hwf.slurm;

import dev.hwf.api.Command;
import dev.hwf.api.Output;
import dev.hwf.api.SiteLimits;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What Slurm says of a user's limits, and which submit refusals are limits.
 *
 * <ul>
 *   <li>{@code scontrol show config}: {@code MaxArraySize} (array indices stay below it) and
 *       {@code MaxJobCount} (the controller's job table, all users together).</li>
 *   <li>With accounting ({@code AccountingStorageType=accounting_storage/slurmdbd} and
 *       {@code AccountingStorageEnforce} holding {@code limits} or {@code qos}):
 *       {@code sacctmgr show assoc} for the user's associations ({@code MaxSubmitJobs}, their QOS
 *       and default QOS) and {@code sacctmgr show qos} ({@code MaxSubmitJobsPerUser}). The QOS
 *       that count are those the run's tasks ask for, or the association's default (else
 *       {@code normal}).</li>
 * </ul>
 * The user's job limit is the smallest of these submit limits. A running-job limit
 * ({@code MaxJobsPerUser}) is not one: Slurm queues such jobs (reason {@code QOSMaxJobsPerUserLimit})
 * instead of refusing them.
 */
final class SlurmLimits {
    /** sbatch's words for a refusal of a job because the user (account, QOS) has too many. */
    static final List<String> SUBMIT_LIMIT_REASONS = List.of("QOSMaxSubmitJobPerUserLimit",
            "QOSMaxSubmitJobPerAccountLimit", "QOSGrpSubmitJobsLimit", "AssocMaxSubmitJobLimit",
            "AssocGrpSubmitJobsLimit");
    /** What sbatch ends with when the controller's job table is full (MaxJobCount). */
    static final String TABLE_FULL = "Resource temporarily unavailable";

    private SlurmLimits() {
    }

    static String refusal(String text) {
        for (String r : SUBMIT_LIMIT_REASONS) {
            if (text.contains(r)) {
                return r;
            }
        }
        if (text.contains(TABLE_FULL)) {
            return TABLE_FULL + " (the controller's job table is full: MaxJobCount)";
        }
        return null;
    }

    static List<Command> commands(String user, Set<String> qos) {
        return List.of(Command.of("scontrol", "show", "config"),
                Command.of("sacctmgr", "-n", "-P", "show", "assoc", "where", "user=" + user,
                        "format=Cluster,Account,User,QOS,DefaultQOS,MaxSubmitJobs,MaxJobs"),
                Command.of("sacctmgr", "-n", "-P", "show", "qos",
                        "format=Name,MaxSubmitJobsPerUser,MaxJobsPerUser,MaxSubmitJobsPerAccount,MaxJobsPerAccount"));
    }

    /**
     * @param outputs the outputs of {@link #commands}, in order
     * @param qos     the QOS the run's tasks ask for; empty when all use the default
     */
    static SiteLimits parse(List<Output> outputs, Set<String> qos) {
        Map<String, String> config = config(outputs.isEmpty() ? null : outputs.get(0));
        Integer maxArray = number(config.get("MaxArraySize"));
        Integer maxJobs = number(config.get("MaxJobCount"));
        String source = maxJobs == null ? null : "MaxJobCount";
        String storage = config.getOrDefault("AccountingStorageType", "");
        String enforce = config.getOrDefault("AccountingStorageEnforce", "");
        boolean limits = storage.endsWith("slurmdbd") && (enforce.contains("limits") || enforce.contains("qos"));
        if (limits && outputs.size() >= 3 && outputs.get(1).exitCode() == 0 && outputs.get(2).exitCode() == 0) {
            List<String> defaults = new ArrayList<>();
            for (String[] f : rows(outputs.get(1).stdout(), 7)) {
                Integer assoc = number(f[5]);
                if (assoc != null && (maxJobs == null || assoc < maxJobs)) {
                    maxJobs = assoc;
                    source = "association " + f[1];
                }
                if (!f[4].isBlank()) {
                    defaults.add(f[4]);
                }
            }
            Set<String> counted = qos.isEmpty() ? Set.copyOf(defaults.isEmpty() ? List.of("normal") : defaults) : qos;
            for (String[] f : rows(outputs.get(2).stdout(), 5)) {
                Integer perUser = number(f[1]);
                if (counted.contains(f[0]) && perUser != null && (maxJobs == null || perUser < maxJobs)) {
                    maxJobs = perUser;
                    source = "QOS " + f[0];
                }
            }
        }
        return new SiteLimits(maxArray, maxJobs, source);
    }

    /** {@code Key = value} lines of {@code scontrol show config}; empty when it failed. */
    private static Map<String, String> config(Output out) {
        Map<String, String> m = new LinkedHashMap<>();
        if (out == null || out.exitCode() != 0) {
            return m;
        }
        for (String line : out.stdout().split("\n")) {
            int eq = line.indexOf('=');
            if (eq > 0) {
                m.putIfAbsent(line.substring(0, eq).strip(), line.substring(eq + 1).strip());
            }
        }
        return m;
    }

    /** {@code --parsable2} rows with at least {@code fields} fields. */
    private static List<String[]> rows(String text, int fields) {
        List<String[]> out = new ArrayList<>();
        for (String line : text.split("\n")) {
            String[] f = line.split("\\|", -1);
            if (f.length >= fields) {
                out.add(f);
            }
        }
        return out;
    }

    /** A positive whole number, else null (empty, "UNLIMITED", garbage). */
    private static Integer number(String v) {
        if (v == null || !v.strip().matches("\\d{1,9}")) {
            return null;
        }
        int n = Integer.parseInt(v.strip());
        return n > 0 ? n : null;
    }
}
