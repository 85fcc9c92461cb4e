package dev.hwf.launcher.workflow;

import java.util.List;

/**
 * The workflow's {@code pilot:} block (SPEC section 6): allocations that packed tasks
 * ({@code pilot: true}) run inside. hwf keeps {@code jobs} of them alive while packed work is
 * left; each holds {@code nodes} nodes with {@code cpus} cores and {@code gpus} GPUs per node, and
 * runs hwf's agent on each node. The pilot jobs are the elements of a task hwf adds to the
 * workflow, named {@link #TASK}, so status and reports list them with their job ids.
 *
 * @param idleSeconds how long an agent waits for work before it ends
 */
public record Pilot(int jobs, int nodes, int cpus, int gpus, long memoryMb, long walltimeSeconds, String partition,
                    String account, String qos, List<String> directives, int idleSeconds) {
    /** The name of the task that holds the pilot jobs; no task of the workflow's own may take it. */
    public static final String TASK = "pilot";

    /** Elements of a packed task go to the agents in bundles of at most this many (one claim each). */
    public static final int BUNDLE = 64;

    public Pilot {
        directives = List.copyOf(directives);
    }
}
