package dev.hwf.launcher.render;

import dev.hwf.launcher.workflow.Task;

/**
 * The lines that replace {@code {{command}}} for a task with a {@code launcher}: the rendezvous
 * environment (head node of the allocation, a port, sizes) and one launch line with the task's
 * command appended. Only numbers computed from validated settings and fixed shell code are written
 * here; the command is the task's own shell code, as everywhere.
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
    public static String command(Task task, String scheduler) {
        if (task.launcher() == null) {
            return task.command();
        }
        int nodes = task.nodes();
        int perNode = task.procsPerNode();
        int world = nodes * perNode;
        StringBuilder sb = new StringBuilder();
        sb.append("# distributed launch (launcher: ").append(task.launcher())
                .append("): rendezvous on the first host of the allocation\n");
        sb.append(headAndJob(scheduler));
        sb.append("MASTER_PORT=$((").append(PORT_BASE).append(" + (10#${hwf_job_number:-0} + HWF_ARRAY_INDEX) % ")
                .append(PORT_SPAN).append("))\n");
        sb.append("export MASTER_ADDR MASTER_PORT\n");
        sb.append("export HWF_NNODES=").append(nodes).append(" HWF_NPROC_PER_NODE=").append(perNode)
                .append(" WORLD_SIZE=").append(world).append('\n');
        String cmd = task.command().strip();
        switch (task.launcher()) {
            case "torchrun" -> {
                if (nodes > 1) {
                    // one torchrun per node; each starts its processes and they meet at the endpoint
                    sb.append("srun --nodes=").append(nodes).append(" --ntasks=").append(nodes)
                            .append(" --ntasks-per-node=1 ");
                }
                sb.append("torchrun --nnodes=").append(nodes).append(" --nproc-per-node=").append(perNode)
                        .append(" --rdzv-backend=c10d --rdzv-endpoint=\"$MASTER_ADDR:$MASTER_PORT\" ").append(cmd);
            }
            case "mpirun" -> sb.append("mpirun -np ").append(world).append(' ').append(cmd);
            case "srun" -> sb.append("srun --nodes=").append(nodes).append(" --ntasks=").append(world)
                    .append(" --ntasks-per-node=").append(perNode).append(' ').append(cmd);
            default -> throw new IllegalArgumentException("unknown launcher " + task.launcher());
        }
        return sb.toString();
    }

    /** Sets MASTER_ADDR to the allocation's first host and hwf_job_number to the job's number. */
    static String headAndJob(String scheduler) {
        return switch (scheduler) {
            case "slurm" -> "MASTER_ADDR=$(scontrol show hostnames \"$SLURM_JOB_NODELIST\" | head -n 1)\n"
                    + "hwf_job_number=${SLURM_JOB_ID%%[!0-9]*}\n";
            case "pbs" -> "MASTER_ADDR=$(head -n 1 \"$PBS_NODEFILE\")\n"
                    + "hwf_job_number=${PBS_JOBID%%[!0-9]*}\n";
            case "lsf" -> "hwf_hosts=${LSB_MCPU_HOSTS:-$LSB_HOSTS}\n"
                    + "MASTER_ADDR=${hwf_hosts%% *}\n"
                    + "hwf_job_number=${LSB_JOBID%%[!0-9]*}\n";
            case "local" -> "MASTER_ADDR=127.0.0.1\n"
                    + "hwf_job_number=$$\n";
            default -> throw new IllegalArgumentException("no launch support for scheduler " + scheduler);
        };
    }
}
