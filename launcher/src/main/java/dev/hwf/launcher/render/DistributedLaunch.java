package dev.hwf.launcher.render;

import dev.hwf.api.NodeLaunch;
import dev.hwf.api.SchedulerAdapter;
import dev.hwf.api.ShellQuote;
import dev.hwf.launcher.exec.TaskDir;
import dev.hwf.launcher.workflow.PilotJobs;
import dev.hwf.launcher.workflow.Task;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;

/**
 * The lines that replace {@code {{command}}} for a task with a {@code launcher}: the rendezvous
 * environment (head node of the allocation, a port, sizes) and one launch line with the task's
 * command appended. Only numbers computed from validated settings and fixed shell code are written
 * here; the command is the task's own shell code, as everywhere. What differs between schedulers
 * (the head node, how a program starts on every node) comes from the scheduler's adapter.
 *
 * <p>The port is {@value #PORT_BASE} + (job number + array index) mod {@value #PORT_SPAN}: two jobs
 * that share a head node differ in job number, two elements of one array in index.
 */
public final class DistributedLaunch {
    public static final int PORT_BASE = 29500;
    public static final int PORT_SPAN = 500;

    private DistributedLaunch() {
    }

    /** The command as the job script runs it: unchanged without a launcher. */
    public static String command(Task task, SchedulerAdapter adapter) {
        return command(task, adapter, null);
    }

    /**
     * The same, with the task's container (if any) inside each rank: the launcher starts the
     * container, which runs the command.
     *
     * @param taskDir the task directory, bound into the container; null when there is no container
     */
    public static String command(Task task, SchedulerAdapter adapter, String taskDir) {
        if (task.launcher() == null) {
            return task.software().container() == null ? task.command()
                    : "exec " + SoftwareEnv.inContainer(task, taskDir, task.command());
        }
        if (PilotJobs.EACH_NODE.equals(task.launcher())) { // hwf's pilot jobs: the agent once on each node
            return perNode(task, adapter, task.command().strip());
        }
        int nodes = task.nodes();
        int perNode = task.procsPerNode();
        int world = nodes * perNode;
        StringBuilder sb = new StringBuilder();
        sb.append("# distributed launch (launcher: ").append(task.launcher())
                .append("): rendezvous on the first host of the allocation\n");
        sb.append(adapter.rendezvousLines());
        sb.append("MASTER_PORT=$((").append(PORT_BASE).append(" + (10#${hwf_job_number:-0} + HWF_ARRAY_INDEX) % ")
                .append(PORT_SPAN).append("))\n");
        sb.append("export MASTER_ADDR MASTER_PORT\n");
        sb.append("export HWF_NNODES=").append(nodes).append(" HWF_NPROC_PER_NODE=").append(perNode)
                .append(" WORLD_SIZE=").append(world).append('\n');
        String cmd = task.command().strip();
        List<String> image = SoftwareEnv.containerWords(task, taskDir);
        String inRank = SoftwareEnv.inContainer(task, taskDir, cmd);
        switch (task.launcher()) {
            case "torchrun" -> {
                // underscore spellings: PyTorch before 2.0 knows only these, and every later version
                // still accepts them (sites keep old PyTorch modules for years)
                // with a container, each worker torchrun starts is the container running python on the script
                String torchrun = "torchrun --nnodes=" + nodes + " --nproc_per_node=" + perNode
                        + " --rdzv_backend=c10d --rdzv_endpoint=\"$MASTER_ADDR:$MASTER_PORT\" "
                        + (image.isEmpty() ? cmd : "--no_python " + String.join(" ", image) + " python3 " + cmd);
                // more than one node: one torchrun per node; each starts its processes and they meet
                // at the endpoint
                sb.append(nodes == 1 ? torchrun : perNode(task, adapter, torchrun));
            }
            case "mpirun" -> sb.append("mpirun -np ").append(world).append(' ').append(inRank);
            case "srun" -> sb.append("srun --nodes=").append(nodes).append(" --ntasks=").append(world)
                    .append(" --ntasks-per-node=").append(perNode).append(' ').append(inRank);
            default -> throw new IllegalArgumentException("unknown launcher " + task.launcher());
        }
        return sb.toString();
    }

    /** Variables every node needs besides hwf's own: where programs and libraries are found. */
    private static final List<String> CARRIED = List.of("PATH", "LD_LIBRARY_PATH", "PYTHONPATH", "VIRTUAL_ENV",
            "CONDA_PREFIX");

    /** The launch line run once on each node of the task's job, as the scheduler starts programs there. */
    static String perNode(Task task, SchedulerAdapter adapter, String line) {
        NodeLaunch how = adapter.nodeLaunch(task.nodes());
        if (how instanceof NodeLaunch.Prefix p) {
            return p.words() + line;
        }
        if (how instanceof NodeLaunch.FromLaunchFile f) {
            return fromLaunchFile(task, f.startLines(), line);
        }
        throw new IllegalArgumentException("scheduler " + adapter.name() + " cannot start a program on "
                + task.nodes() + " nodes");
    }

    /**
     * One torchrun per node where the scheduler starts a program on another node of the job
     * without the job script's environment (PBS's pbsdsh, LSF's blaunch): the job writes a launch
     * file into the task directory (shared by the nodes) holding the variables hwf exported and the
     * launch line, and the scheduler's start lines run {@code bash FILE DIR} once on each distinct
     * host of the allocation. The job waits for all of them and fails if any fails.
     */
    static String fromLaunchFile(Task task, String startLines, String line) {
        List<String> names = new ArrayList<>(List.of("HWF_RUN", "HWF_TASK", "HWF_ATTEMPT", "HWF_ARRAY_INDEX",
                "HWF_ARRAY_SIZE", "MASTER_ADDR", "MASTER_PORT", "HWF_NNODES", "HWF_NPROC_PER_NODE", "WORLD_SIZE"));
        names.addAll(task.env().keySet());
        if (task.isSweep()) {
            names.addAll(task.matrix().keySet());
            names.add("HWF_PARAMS");
        }
        task.after().forEach(up -> names.add(Task.serviceUrlVariable(up)));
        names.addAll(CARRIED);
        for (String n : names) {
            if (!ShellQuote.isVariableName(n)) {
                throw new IllegalArgumentException("not a variable name: " + n);
            }
        }
        StringBuilder sb = new StringBuilder();
        sb.append("# one torchrun per node: the nodes read this job's variables and the launch line from a file\n");
        sb.append("hwf_launch=\"$PWD/").append(TaskDir.launch(TaskDir.SCRIPT_TAG)).append("\"\n");
        sb.append("{ declare -p ").append(String.join(" ", new LinkedHashSet<>(names)))
                .append(" 2>/dev/null; printf '%s\\n' 'cd \"$1\" || exit 1' ")
                .append(ShellQuote.quote("exec " + line)).append("; } >\"$hwf_launch\"\n");
        sb.append(startLines);
        sb.append("hwf_launch_code=0\n");
        sb.append("for hwf_pid in \"${hwf_pids[@]}\"; do wait \"$hwf_pid\" || hwf_launch_code=$?; done\n");
        sb.append("exit \"$hwf_launch_code\"");
        return sb.toString();
    }
}
