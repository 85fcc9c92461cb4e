package dev.hwf.launcher.doctor;

import dev.hwf.api.Command;
import dev.hwf.api.Output;
import dev.hwf.api.SchedulerAdapter;
import dev.hwf.api.SchedulerOutputException;
import java.util.ArrayList;
import java.util.List;

/**
 * LSF: {@code lsid} for the version and cluster, {@code bqueues -w} for the queues (LSF names no
 * GPUs per queue there), and {@code bhist} for its job history. No LSF could be run for hwf's tests:
 * the formats read here are the ones IBM documents for LSF 10.1.
 */
final class LsfProbe implements SchedulerProbe {
    @Override
    public String partitionWord() {
        return "queue";
    }

    @Override
    public List<Command> versionCommands() {
        return List.of(Command.of("lsid"));
    }

    /** {@code IBM Spectrum LSF Standard 10.1.0.13, Apr 14 2022}, then {@code My cluster name is X}. */
    @Override
    public Check version(List<Output> outputs) {
        Output o = outputs.get(0);
        String first = o.stdout().strip().lines().findFirst().orElse("");
        if (o.exitCode() != 0 || !first.contains("LSF")) {
            return Check.fail("scheduler", "'lsid' " + (o.exitCode() == 0 ? "printed '" + first + "'"
                    : "exited " + o.exitCode() + ": " + SlurmProbe.firstLine(o)),
                    "check that LSF's commands are on the site's PATH (source its profile.lsf) and that LIM runs");
        }
        String cluster = o.stdout().lines().filter(l -> l.startsWith("My cluster name is "))
                .map(l -> l.substring("My cluster name is ".length()).strip()).findFirst().orElse(null);
        return Check.ok("scheduler", first.replaceFirst(",.*", "") + (cluster == null ? "" : ", cluster " + cluster)
                + " (lsid)");
    }

    @Override
    public List<Command> partitionCommands() {
        return List.of(Command.of("bqueues", "-w"));
    }

    /** {@code QUEUE_NAME PRIO STATUS MAX JL/U ...}; a queue takes and starts jobs when {@code Open:Active}. */
    @Override
    public List<Partition> partitions(List<Output> outputs) {
        Output o = outputs.get(0);
        if (o.exitCode() != 0) {
            throw new SchedulerOutputException("bqueues exited " + o.exitCode(), o.stdout() + o.stderr());
        }
        List<Partition> list = new ArrayList<>();
        for (String line : o.stdout().split("\n")) {
            String[] f = line.strip().split("\\s+");
            if (line.isBlank() || f[0].equals("QUEUE_NAME")) {
                continue;
            }
            if (f.length < 3 || !f[2].contains(":")) {
                throw new SchedulerOutputException("bqueues printed a line hwf cannot read: " + line, o.stdout());
            }
            list.add(new Partition(f[0], false, f[2].equals("Open:Active"), f[2], null));
        }
        if (list.isEmpty()) {
            throw new SchedulerOutputException("bqueues lists no queues", o.stdout() + o.stderr());
        }
        return list;
    }

    @Override
    public Command accountingCommand(SchedulerAdapter adapter) {
        return Command.of("bhist", "-n", "1", "1");
    }

    /** bhist answers about job 1 whether it exists ({@code No matching job found}) as long as mbatchd keeps its event log. */
    @Override
    public Check accounting(Output o) {
        String text = o.stdout() + o.stderr();
        if (o.exitCode() == 0 || text.contains("No matching job found")) {
            return Check.ok("accounting", "bhist answers: LSF keeps its job history (lsb.events)");
        }
        return Check.warn("accounting", "'bhist' exited " + o.exitCode() + ": " + SlurmProbe.firstLine(o),
                "hwf reads ended jobs with bjobs -a, which keeps them for CLEAN_PERIOD only; " + WITHOUT_ACCOUNTING);
    }
}
