package dev.hwf.api;

import java.util.List;
import java.util.Map;

/**
 * Everything an adapter needs to write the scheduler header of one job script and the command that
 * submits it. Values are already validated by the launcher; an adapter only formats them.
 *
 * @param jobName        the scheduler job name; unique per run, task and attempt, so a job can be
 *                       found again by name after a crash
 * @param taskDir        absolute directory of the task on the machine that runs the job
 * @param nodes          nodes (>= 1)
 * @param ntasks         processes in total (>= 1)
 * @param cpusPerTask    cores per process (>= 1)
 * @param memoryMb       memory per node in MiB, or 0 for the scheduler's default
 * @param walltimeSeconds wall time limit in seconds, or 0 for the scheduler's default
 * @param partition      partition / queue, or null
 * @param account        account / project, or null
 * @param qos            quality of service, or null
 * @param gpus           GPUs per node (per array element), 0 for none
 * @param arrayIndices   the 0-based element indices to run, or an empty list for a job that is not
 *                       an array; usually 0..n-1, a subset when only some elements are resubmitted
 * @param arrayLimit     at most this many elements at once, 0 for no limit
 * @param directives     pass-through directives, written verbatim after the header token
 * @param extra          adapter-specific settings, as the adapter asks for them
 *                       ({@link SchedulerAdapter#requestExtra()}); never null
 */
public record JobRequest(
        String jobName,
        String taskDir,
        int nodes,
        int ntasks,
        int cpusPerTask,
        long memoryMb,
        long walltimeSeconds,
        String partition,
        String account,
        String qos,
        int gpus,
        List<Integer> arrayIndices,
        int arrayLimit,
        List<String> directives,
        Map<String, String> extra) {

    public JobRequest {
        if (jobName == null || jobName.isBlank() || taskDir == null || taskDir.isBlank()) {
            throw new IllegalArgumentException("jobName and taskDir are required");
        }
        if (nodes < 1 || ntasks < 1 || cpusPerTask < 1 || memoryMb < 0 || walltimeSeconds < 0 || gpus < 0
                || arrayLimit < 0) {
            throw new IllegalArgumentException("resource values out of range for job " + jobName);
        }
        arrayIndices = List.copyOf(arrayIndices);
        directives = List.copyOf(directives);
        extra = Map.copyOf(extra);
    }

    public boolean isArray() {
        return !arrayIndices.isEmpty();
    }
}
