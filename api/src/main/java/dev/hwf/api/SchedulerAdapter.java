package dev.hwf.api;

import java.util.Collection;
import java.util.List;

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
}
