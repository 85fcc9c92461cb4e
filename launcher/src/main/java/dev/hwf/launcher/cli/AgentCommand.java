package dev.hwf.launcher.cli;

import dev.hwf.launcher.ExitCodes;
import dev.hwf.launcher.HwfException;
import dev.hwf.launcher.pilot.Agent;
import dev.hwf.launcher.pilot.PilotDir;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code hwf agent DIR}: what a pilot job runs on each of its nodes (see {@link Agent}). Hidden
 * from the help: users write {@code pilot:} in a workflow, and hwf writes the pilot job's script.
 */
@Command(name = "agent", hidden = true, mixinStandardHelpOptions = true,
        description = "Run packed elements from a pilot directory on this node until told to stop or idle.")
public final class AgentCommand implements Callable<Integer> {
    /**
     * What a pilot job runs: the agent alone, not as a subcommand of hwf, so that it needs only
     * hwf's launcher jar, picocli and SLF4J (see {@code AgentJars}), not the classes of every
     * other command.
     */
    public static void main(String[] args) {
        picocli.CommandLine cl = new picocli.CommandLine(new AgentCommand());
        cl.setExecutionExceptionHandler((e, line, parsed) -> {
            System.err.println("hwf agent: " + e.getMessage());
            return e instanceof HwfException h ? h.exitCode() : ExitCodes.BAD_INPUT;
        });
        System.exit(cl.execute(args));
    }

    @picocli.CommandLine.ParentCommand
    HwfCommand hwf;

    @Parameters(index = "0", paramLabel = "DIR", description = "The pilot directory on the shared file system.")
    Path dir;

    @Option(names = "--name", description = "This agent's name, unique among the pilot's agents "
            + "(default: host name and process id).")
    String name;

    @Option(names = "--cores", required = true, description = "Cores of this node the agent may fill.")
    int cores;

    @Option(names = "--gpus", defaultValue = "0", description = "GPUs of this node (0 to N-1) the agent may hand out.")
    int gpus;

    @Option(names = "--idle", defaultValue = "120", description = "Seconds without work after which the agent ends.")
    double idle;

    @Option(names = "--walltime", defaultValue = "0", description = "Seconds its pilot job may run (0: no limit):"
            + " near the end it starts no element expected to outlast it, and ends once nothing runs.")
    long walltime;

    @Override
    public Integer call() throws Exception {
        String who = name != null ? name
                : InetAddress.getLocalHost().getHostName().replaceAll("[^A-Za-z0-9._-]", "_") + "-"
                + ProcessHandle.current().pid();
        Agent.Config config;
        try {
            config = new Agent.Config(who, cores, gpus, Duration.ofMillis((long) (idle * 1000)), Duration.ofSeconds(5),
                    Duration.ofMillis(50), Duration.ofSeconds(Math.max(0, walltime)));
        } catch (IllegalArgumentException e) {
            throw new HwfException(ExitCodes.BAD_INPUT, "agent: " + e.getMessage());
        }
        // the pilot job started before this JVM did: its time is counted from the JVM's start
        Duration up = Duration.ofMillis(ManagementFactory.getRuntimeMXBean().getUptime());
        Agent.Summary s = new Agent(new PilotDir(dir), config).run(up);
        String summary = "agent " + who + ": " + s.elements() + " element(s) from " + s.bundles() + " bundle(s)"
                + (s.failedToStart() > 0 ? ", " + s.failedToStart() + " could not be started" : "")
                + (s.handedBack() > 0 ? ", " + s.handedBack() + " left for another pilot (too little time left)" : "");
        if (hwf != null) {
            hwf.hint(summary);
        } else {
            System.out.println(summary);
        }
        return ExitCodes.OK;
    }
}
