package dev.hwf.launcher.workflow;

import java.util.List;
import java.util.Map;

/**
 * One task with the workflow's {@code defaults} already applied and its partition resolved
 * (own partition, else {@code site.gpuPartition} for a GPU task, else the default partition).
 *
 * @param memoryMb        memory per node in MiB; 0 = scheduler default
 * @param walltimeSeconds wall time limit; 0 = scheduler default
 * @param env             environment in file order
 * @param array           number of array elements; 0 = not an array task
 * @param arrayLimit      at most this many elements at once; 0 = no limit
 * @param template        template path resolved against the workflow file's directory, or null
 *                        for the scheduler's default template
 */
public record Task(String name, String command, List<String> after, int nodes, int ntasks, int cpus,
                   long memoryMb, long walltimeSeconds, String partition, String account, String qos,
                   Map<String, String> env, int retries, List<String> directives, String template,
                   int gpus, int array, int arrayLimit) {

    public Task {
        after = List.copyOf(after);
        env = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(env));
        directives = List.copyOf(directives);
    }

    public boolean isArray() {
        return array > 0;
    }

    public boolean isGpu() {
        return gpus > 0;
    }

    /** Elements hwf tracks for this task: the array size, or 1 for a plain task. */
    public int elementCount() {
        return array > 0 ? array : 1;
    }
}
