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

    /**
     * At most this many packed elements are queued for or running in the pilots at once, unless
     * four per pilot core is more: the rest wait in the journal, read by no pass, and go out as
     * elements end. The agents never wait for hwf (a second's work and more stays queued), and
     * hwf's passes cost what is live, not what a campaign of a million elements holds.
     */
    public static final int WINDOW = 20_000;

    public Pilot {
        directives = List.copyOf(directives);
    }

    /** How many packed elements may be queued for or running in the pilots at once: see {@link #WINDOW}. */
    public int window() {
        return (int) Math.min(Integer.MAX_VALUE, Math.max(WINDOW, 4L * jobs * nodes * cpus));
    }
}
