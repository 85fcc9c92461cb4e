package dev.hwf.launcher.place;

import dev.hwf.launcher.workflow.Task;

/**
 * What makes two tasks' jobs wait alike on one site: the partition and the resources they ask for.
 * hwf's record of the waits on a site ({@code soonest}) is kept per shape, so a one-core job's
 * quick starts never vouch for a sixteen-GPU job.
 */
public record Shape(String partition, int nodes, int ntasks, int cpus, int gpus, long memoryMb, long walltimeSeconds) {
    public static Shape of(Task t) {
        return new Shape(t.partition(), t.nodes(), t.ntasks(), t.cpus(), t.gpus(), t.memoryMb(), t.walltimeSeconds());
    }
}
