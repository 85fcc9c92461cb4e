package dev.hwf.api;

/**
 * How a job script starts one copy of a program on each node of a job's allocation (one
 * {@code torchrun} per node, which then starts that node's processes). The launcher writes the
 * rendezvous variables and the launch line; the adapter says which of these its scheduler does.
 */
public sealed interface NodeLaunch {

    /** A job of this scheduler runs on one machine only: no program is started on other nodes. */
    NodeLaunch ONE_NODE_ONLY = new OneNodeOnly();

    /** See {@link #ONE_NODE_ONLY}. */
    record OneNodeOnly() implements NodeLaunch {
    }

    /**
     * A command put before the launch line that runs the line once on each node of the job, with
     * the job script's environment (Slurm's {@code srun ... --ntasks-per-node=1 }).
     *
     * @param words the words before the launch line, ending in a space
     */
    record Prefix(String words) implements NodeLaunch {
    }

    /**
     * A remote start that does not carry the job script's environment (PBS's {@code pbsdsh}, LSF's
     * {@code blaunch}): the launcher writes the job's variables and the launch line into a file in
     * the task directory, whose path is in {@code $hwf_launch}, and then runs these lines. They must
     * start {@code /bin/bash "$hwf_launch" "$PWD"} once on each distinct host of the allocation, in
     * the background, and leave the process ids to wait for in the bash array {@code hwf_pids}.
     *
     * @param startLines bash lines, each ending in a newline
     */
    record FromLaunchFile(String startLines) implements NodeLaunch {
    }
}
