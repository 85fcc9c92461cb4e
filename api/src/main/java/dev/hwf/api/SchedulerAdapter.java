package dev.hwf.api;

import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * One scheduler's strings and parsers. Pure functions of their inputs: an adapter never runs a
 * process, touches a file or keeps state; the launcher runs the commands it builds, locally or
 * over SSH, and hands the output back to its parsers.
 */
public interface SchedulerAdapter {

    /** The scheduler's name as written in a workflow's {@code scheduler:} key. */
    String name();

    /**
     * The header lines of a job script ({@code #SBATCH ...}), one per directive, each safe to put
     * in a bash script: no value can end the line or start a new one.
     */
    List<String> directives(JobRequest request);

    /**
     * A bash expression that expands, inside a running job, to hwf's 0-based array index of the
     * element (0 for a job that is not an array).
     */
    String arrayIndexExpression();

    /** The command that submits the job script at {@code scriptPath}. */
    Command submitCommand(JobRequest request, String scriptPath);

    /** The job id in the submit command's standard output. */
    JobId parseSubmitOutput(String stdout);

    /**
     * Whether a submit command that exited non-zero may have failed for a passing reason (the
     * controller is unreachable or busy, a time-out) rather than because the job was refused. hwf
     * then neither fails the task nor submits it again blindly: it looks the job up by name
     * later, since such a submission may have been accepted after all.
     */
    default boolean isTransientSubmitFailure(int exitCode, String stdout, String stderr) {
        return false;
    }

    /** ONE command that reports on all the given jobs. */
    Command statusCommand(Collection<JobId> jobs);

    /**
     * Parses what the status command printed. Jobs the scheduler no longer knows are simply absent
     * from the result (some schedulers report them as an error: that is not a failure of the call).
     *
     * @throws SchedulerOutputException when the output cannot be understood, or the command failed
     *                                  for another reason; the launcher then treats every job as
     *                                  "unknown, keep waiting"
     */
    List<JobStatus> parseStatus(int exitCode, String stdout, String stderr);

    /** ONE command that cancels all the given jobs. */
    Command cancelCommand(Collection<JobId> jobs);

    /**
     * Checks what the cancel command printed. A job that has already ended or that the scheduler
     * has forgotten is cancelled as far as hwf is concerned; anything else that went wrong throws.
     *
     * @throws SchedulerOutputException when the jobs may still be live
     */
    default void checkCancel(int exitCode, String stdout, String stderr) {
        if (exitCode != 0) {
            throw new SchedulerOutputException("the cancel command exited " + exitCode,
                    (stdout == null ? "" : stdout) + (stderr == null ? "" : stderr));
        }
    }

    /**
     * ONE command that looks jobs up by the names hwf gave them ({@link JobRequest#jobName()}).
     * hwf records a task attempt, with its job name, before it submits it; if hwf dies before it
     * has recorded the job id, the next hwf command finds the job this way instead of submitting
     * it a second time.
     */
    Command findByNameCommand(Collection<String> jobNames);

    /**
     * Parses what {@link #findByNameCommand} printed: the job id of each name found; names the
     * scheduler does not know are absent.
     *
     * @param jobNames the names asked for (an adapter that shortens names for its scheduler maps
     *                 them back)
     * @throws SchedulerOutputException when the output cannot be understood
     */
    Map<String, JobId> parseFindByName(Collection<String> jobNames, int exitCode, String stdout, String stderr);

    /**
     * ONE command that asks the scheduler's accounting about jobs its queue has forgotten
     * ({@code sacct}, {@code qstat -x}, {@code bhist}), or null when it has none. hwf asks before it
     * gives a vanished job with no exit code file up as LOST.
     */
    default Command historyCommand(Collection<JobId> jobs) {
        return null;
    }

    /**
     * Parses {@link #historyCommand}'s output like {@link #parseStatus}. Accounting that is
     * switched off is an empty answer, not an error.
     */
    default List<JobStatus> parseHistory(int exitCode, String stdout, String stderr) {
        return List.of();
    }
}
