package dev.hwf.launcher.doctor;

import dev.hwf.api.Command;
import dev.hwf.api.Output;
import dev.hwf.api.SchedulerOutputException;
import dev.hwf.launcher.exec.CommandResult;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Slurm: {@code sinfo --version} and {@code sbatch --version}; partitions, their state and their
 * nodes' GPUs from one {@code sinfo} call; accounting from the {@code sacct} call the engine makes
 * about jobs that left the queue.
 */
final class SlurmProbe implements SchedulerProbe {
    /** Partition (a trailing * marks the default), availability, node count, generic resources per node. */
    static final String PARTITION_FORMAT = "%P|%a|%D|%G";
    /** What sacct prints where the controller keeps no accounting (no slurmdbd). */
    static final String ACCOUNTING_DISABLED = "accounting storage is disabled";

    @Override
    public String partitionWord() {
        return "partition";
    }

    @Override
    public List<Command> versionCommands() {
        return List.of(Command.of("sinfo", "--version"), Command.of("sbatch", "--version"));
    }

    /** Both print "slurm 23.02.1" (or "slurm-wlm 22.05.8" from Debian's build); they should agree. */
    @Override
    public Check version(List<Output> outputs) {
        List<String> versions = new ArrayList<>();
        for (int i = 0; i < outputs.size(); i++) {
            Output o = outputs.get(i);
            String first = o.stdout().strip().lines().findFirst().orElse("");
            String cmd = versionCommands().get(i).argv().get(0);
            if (o.exitCode() != 0 || !first.matches("slurm(-wlm)? \\S+")) {
                return Check.fail("scheduler", "'" + cmd + " --version' " + (o.exitCode() == 0 ? "printed '" + first
                        + "'" : "exited " + o.exitCode() + ": " + firstLine(o)), "check that Slurm's commands are on "
                        + "the site's PATH (a module to load?) and that this is a Slurm site");
            }
            versions.add(first.substring(first.indexOf(' ') + 1));
        }
        if (versions.stream().distinct().count() > 1) {
            return Check.warn("scheduler", "Slurm: sinfo " + versions.get(0) + ", sbatch " + versions.get(1),
                    "two Slurm installations on the PATH? hwf uses whichever comes first for each command");
        }
        return Check.ok("scheduler", "Slurm " + versions.get(0) + " (sinfo, sbatch)");
    }

    @Override
    public List<Command> partitionCommands() {
        return List.of(Command.of("sinfo", "--noheader", "--format=" + PARTITION_FORMAT));
    }

    /**
     * One line per partition and kind of node in it ({@code cpu*|up|2|(null)} and {@code cpu*|up|1|gpu:2}
     * are the same partition): the GPUs are the nodes times the {@code gpu} count of each line.
     */
    @Override
    public List<Partition> partitions(List<Output> outputs) {
        Output o = outputs.get(0);
        if (o.exitCode() != 0) {
            throw new SchedulerOutputException("sinfo exited " + o.exitCode(), o.stdout() + o.stderr());
        }
        Map<String, Partition> byName = new LinkedHashMap<>();
        for (String line : o.stdout().split("\n")) {
            if (line.isBlank()) {
                continue;
            }
            String[] f = line.strip().split("\\|", -1);
            if (f.length != 4 || f[0].isEmpty() || !f[2].matches("\\d+")) {
                throw new SchedulerOutputException("sinfo printed a line hwf cannot read: " + line, o.stdout());
            }
            boolean dflt = f[0].endsWith("*");
            String name = dflt ? f[0].substring(0, f[0].length() - 1) : f[0];
            int gpus = Integer.parseInt(f[2]) * gpusPerNode(f[3]);
            Partition seen = byName.get(name);
            byName.put(name, new Partition(name, dflt, f[1].equals("up"), f[1],
                    seen == null ? gpus : seen.gpus() + gpus));
        }
        if (byName.isEmpty()) {
            throw new SchedulerOutputException("sinfo lists no partitions", o.stdout() + o.stderr());
        }
        return List.copyOf(byName.values());
    }

    /**
     * The GPUs in a node's generic resources as sinfo's {@code %G} shows them: {@code gpu:2},
     * {@code gpu:a100:4(S:0-1)}, several separated by commas, {@code (null)} for none.
     */
    static int gpusPerNode(String gres) {
        int n = 0;
        for (String g : gres.split(",(?![^(]*\\))")) {
            String[] parts = g.replaceAll("\\(.*\\)", "").split(":");
            if (parts.length >= 2 && parts[0].equals("gpu") && parts[parts.length - 1].matches("\\d+")) {
                n += Integer.parseInt(parts[parts.length - 1]);
            }
        }
        return n;
    }

    @Override
    public Check accounting(Output o) {
        if (o.exitCode() == 0) {
            return Check.ok("accounting", "sacct answers: Slurm keeps accounting, so hwf learns how jobs ended "
                    + "after they left squeue");
        }
        String text = o.stdout() + o.stderr();
        if (text.contains(ACCOUNTING_DISABLED)) {
            return Check.warn("accounting", "sacct: " + firstLine(o) + " (no slurmdbd): " + WITHOUT_ACCOUNTING,
                    "runs still work (exit code files tell how tasks ended); for a campaign, ask the site's "
                            + "administrators for accounting (slurmdbd)");
        }
        return Check.warn("accounting", "sacct exited " + o.exitCode() + ": " + firstLine(o) + ": "
                + WITHOUT_ACCOUNTING, "is slurmdbd up? 'sacct' on the site should list your recent jobs");
    }

    /** The first non-blank line of stderr, else stdout, for messages. */
    static String firstLine(Output o) {
        return new CommandResult(o.exitCode(), o.stdout(), o.stderr()).firstErrorLine();
    }
}
