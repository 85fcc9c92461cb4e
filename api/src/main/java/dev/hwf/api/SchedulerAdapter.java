package dev.hwf.api;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One scheduler's strings and parsers. Pure functions of their inputs: an adapter never runs a
 * process, touches a file or keeps state; the launcher runs the commands it builds, locally or
 * over SSH, and hands the output back to its parsers.
 *
 * <p>An adapter also states what the launcher needs to know about its scheduler besides its
 * commands (the last section below: probing, timings, flavors, what a job script can do on it), so
 * the launcher never tells schedulers apart by name. Adding a scheduler is a module with its
 * adapter and one line in the launcher's scheduler registry.
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

    /**
     * The command that submits the job script at {@code scriptPath} and hands the job the named
     * variables from the submit command's own environment (secrets: the launcher adds their values
     * to that environment, so they are written into no file and onto no command line). Only the
     * names may appear in the command. The default suits a scheduler that copies the whole submit
     * environment into the job (LSF's bsub, the local scheduler).
     */
    default Command submitCommand(JobRequest request, String scriptPath, Collection<String> fromEnvironment) {
        return submitCommand(request, scriptPath);
    }

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

    /**
     * Whether a submit command that exited non-zero was refused for a limit that lets the job in
     * later: a per-user, per-account, per-QOS or per-queue cap on jobs, or the system's job table
     * being full. hwf then leaves the elements WAITING with the returned reason and submits them
     * again later, with back-off; such a refusal never fails a task. Null (the default) when the
     * refusal is anything else: a request that can never be accepted (no such partition, a job
     * larger than any limit) fails the task.
     */
    default String limitRefusal(int exitCode, String stdout, String stderr) {
        return null;
    }

    /**
     * The commands that tell this site's limits for {@code user} (see {@link SiteLimits}), asked
     * once per run and now and then after; their outputs go to {@link #parseLimits} in the same
     * order. None (the default) when the scheduler cannot tell.
     *
     * @param user       whose limits: the user the commands run as
     * @param partitions the partitions (queues) the run's tasks name; empty when all use the default
     * @param qos        the QOS names the run's tasks name; empty when all use the default
     */
    default List<Command> limitsCommands(String user, Set<String> partitions, Set<String> qos) {
        return List.of();
    }

    /**
     * The limits in the outputs of {@link #limitsCommands} (asked with the same user, partitions
     * and QOS); a command that failed (no accounting, no rights) leaves its limits unknown rather than
     * failing the whole reading.
     */
    default SiteLimits parseLimits(List<Output> outputs, String user, Set<String> partitions,
                                   Set<String> qos) {
        return SiteLimits.NONE;
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

    // ------------------------------------------------------------------ secrets

    /**
     * The commands whose answers tell whether other users can read the variables a job is given at
     * submission ({@link #submitCommand(JobRequest, String, java.util.Collection)}); none (the default)
     * where the scheduler shows them to the job's owner and administrators only.
     */
    default List<Command> variableExposureCommands() {
        return List.of();
    }

    /**
     * From those commands' answers: null when other users cannot read a job's variables; else the
     * setting that lets them, with what an administrator can change, in words a user can act on
     * (PBS Pro: {@code query_other_jobs = True}). An answer that cannot be read counts as exposed.
     */
    default String variableExposure(List<Output> outputs) {
        return null;
    }

    // ------------------------------------------------------------------ dependencies

    /**
     * Whether this scheduler keeps dependencies between jobs: a job submitted with
     * {@link #afterSuccess} waits in its queue until its upstream jobs have succeeded. False (the
     * default) for a scheduler without them (the local one): hwf then submits a dependant only once
     * its upstream has ended, whatever {@code site.dependencies} says.
     */
    default boolean offersDependencies() {
        return false;
    }

    /**
     * Whether a dependency on a whole array job ({@link #afterSuccess}) is met only once EVERY element
     * of the array has succeeded. True by default (Slurm's {@code afterok}, Torque's
     * {@code afterokarray}, LSF's {@code done()} on an array). False where the scheduler can release
     * the dependant although an element failed: hwf then hands a dependant of an array to the
     * scheduler only once the array has SUCCEEDED, that is, it releases it itself.
     */
    default boolean offersArrayDependencies() {
        return true;
    }

    /**
     * Whether an array job of these scheduler array indices starts those elements only. False where
     * the scheduler's array form must cover more (PBS Pro's one {@code X-Y[:Z]} range for a sparse
     * set, or two indices at least): the job script then ends every element hwf did not ask for at
     * once, before it runs or writes anything (see the {@code HWF_ARRAY_ONLY} lines hwf renders).
     */
    default boolean startsOnly(List<Integer> arrayIndices) {
        return true;
    }

    /**
     * Whether a dependency may name one element of an array job ({@link Upstream#arrayIndex()}), not
     * only whole jobs. False by default.
     */
    default boolean offersElementDependencies() {
        return false;
    }

    /**
     * The submit command {@code submit} (built by {@link #submitCommand}) made to wait until every
     * one of {@code upstream} has succeeded ({@code afterok}). Null when the scheduler cannot say
     * that (the default; or, say, a dependency on one element of an array where the scheduler
     * knows only whole arrays): hwf then releases the dependant itself once its upstream ended.
     */
    default Command afterSuccess(Command submit, List<Upstream> upstream) {
        return null;
    }

    /**
     * Whether a dependency may pair the elements of two array jobs ({@link #afterEachSuccess}).
     * False by default: hwf then releases element-wise dependants ({@code afterEach}) itself.
     */
    default boolean offersElementWiseDependencies() {
        return false;
    }

    /**
     * The submit command {@code submit} made to wait, element by element, for the element with the
     * same scheduler array index of each of the array jobs {@code upstream} to succeed (Slurm's
     * {@code aftercorr}). Null when the scheduler has no such dependency (the default).
     */
    default Command afterEachSuccess(Command submit, List<JobId> upstream) {
        return null;
    }

    /**
     * Whether a submit command with a dependency was refused because of the dependency itself (an
     * upstream job the scheduler has already forgotten): nothing was submitted, and hwf submits
     * the dependant again once it has seen how its upstream ended.
     */
    default boolean isDependencyRefusal(int exitCode, String stdout, String stderr) {
        return false;
    }

    // ------------------------------------------------------------------ facts about the scheduler

    /**
     * A harmless command that asks the scheduler's controller for something (its queues or
     * partitions), run before anything of a run is recorded so that an unreachable scheduler is
     * reported with nothing half-written. It must exit 0 when the controller answers. Null (the
     * default) when there is nothing to ask.
     */
    default Command probeCommand() {
        return null;
    }

    /**
     * A command that asks, without submitting anything, when the job {@code submit} would submit
     * would start; null (the default) when the scheduler cannot say before a job is submitted.
     */
    default Command startEstimateCommand(Command submit) {
        return null;
    }

    /** Whether {@link #startEstimateCommand} gives a command (false by default). */
    default boolean offersStartEstimate() {
        return false;
    }

    /** The answer to {@link #startEstimateCommand}; {@link StartEstimate#UNKNOWN} when it says nothing usable. */
    default StartEstimate parseStartEstimate(int exitCode, String stdout, String stderr) {
        return StartEstimate.UNKNOWN;
    }

    /** The default times hwf waits on this scheduler; see {@link Timings}. Default: a cluster's. */
    default Timings timings() {
        return Timings.CLUSTER;
    }

    /**
     * The {@code site.flavor} values this scheduler knows, its default first; empty (the default)
     * for a scheduler of one kind only, whose workflows keep no flavor. An adapter with flavors is
     * built for the flavor a workflow chose (see the launcher's scheduler registry).
     */
    default List<String> flavors() {
        return List.of();
    }

    /**
     * Entries this adapter wants in {@link JobRequest#extra()} of every request it gets, worked out
     * by the launcher's process (e.g. the local scheduler's slots: the processors of this machine).
     * None by default.
     */
    default Map<String, String> requestExtra() {
        return Map.of();
    }

    /**
     * Bash lines, each ending in a newline, that set inside a running job {@code MASTER_ADDR} to the
     * first host of the job's allocation and {@code hwf_job_number} to the job's number (digits, or
     * empty), for the rendezvous of a distributed launch. Written into the job script verbatim.
     */
    String rendezvousLines();

    /**
     * How a job script starts one copy of a program on each of the {@code nodes} (> 1) nodes of a
     * job, or {@link NodeLaunch#ONE_NODE_ONLY} when this scheduler's jobs cannot span nodes.
     */
    NodeLaunch nodeLaunch(int nodes);

    /**
     * Whether a task may use {@code launcher: srun}: Slurm's {@code srun}, which exists only in a
     * Slurm job. False by default.
     */
    default boolean offersSrun() {
        return false;
    }

    /**
     * A bash expression, written inside double quotes in the job script, that expands inside a
     * running job to the host where the run's other jobs reach a service on the job's node. Default:
     * the node's host name.
     */
    default String serviceHostExpression() {
        return "$(hostname)";
    }
}
