package dev.hwf.launcher.workflow;

import dev.hwf.api.ShellQuote;
import java.util.List;
import java.util.Map;

/**
 * The task hwf adds to a workflow with a {@code pilot:} block: an array of {@code pilot.jobs}
 * jobs with the pilot's resources, each running hwf's agent once on every node of its allocation
 * (launcher {@value #EACH_NODE}: srun, pbsdsh or blaunch as the scheduler starts programs on its
 * nodes). The agents work from the task's own directory, on the file system the nodes share.
 */
public final class PilotJobs {
    /** The internal launcher that runs a task's command once on each node of its job. */
    public static final String EACH_NODE = "each-node";

    private PilotJobs() {
    }

    /** Where a pilot job on a cluster reached over SSH finds the agent's classes: in its task directory. */
    public static final String AGENT_JARS = "agent";

    /**
     * The pilot task. An agent is named for its pilot job's element and attempt and its host
     * ({@code pELEMENT-aATTEMPT-HOST}), so hwf knows from a name alone which job a claimed bundle
     * went to, and whether that job still runs. On this machine's schedulers the agent runs on the
     * Java and class path hwf itself runs on; on a cluster reached over SSH ({@code remote}) on the
     * nodes' {@code java}, with the jars hwf copies into the pilot task's directory
     * ({@link AgentJars}). The pilot jobs carry the packed tasks' {@code secrets}: their elements
     * run in the agents' environment.
     */
    static Task task(Pilot p, boolean remote, Map<String, String> secrets) {
        String java = remote ? "java" : ProcessHandle.current().info().command()
                .orElse(System.getProperty("java.home") + "/bin/java");
        String classPath = remote ? "\"$PWD\"/" + AGENT_JARS + "/'*'"
                : ShellQuote.quote(System.getProperty("java.class.path"));
        String agent = "exec " + ShellQuote.quote(java) + " -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Xmx64m -cp "
                + classPath + " dev.hwf.launcher.cli.AgentCommand \"$PWD\""
                + " --name \"p${HWF_ARRAY_INDEX}-a${HWF_ATTEMPT}-$(hostname | tr -c 'A-Za-z0-9._\\n-' _)\""
                + " --cores " + p.cpus() + " --gpus " + p.gpus() + " --idle " + p.idleSeconds()
                + (p.walltimeSeconds() > 0 ? " --walltime " + p.walltimeSeconds() : "");
        // one line, run by bash on each node (srun starts its argv there, not a shell line)
        String command = "bash -c " + ShellQuote.quote(agent);
        return new Task(Pilot.TASK, command, List.of(), p.nodes(), p.nodes(), p.cpus(), p.memoryMb(),
                p.walltimeSeconds(), p.partition(), p.account(), p.qos(), Map.of(), 0, p.directives(), null, p.gpus(),
                p.jobs(), 0, Map.of(), p.nodes() > 1 ? EACH_NODE : null, null, false, secrets, Task.Software.NONE);
    }
}
