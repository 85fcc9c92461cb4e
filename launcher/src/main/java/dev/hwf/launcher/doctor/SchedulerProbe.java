package dev.hwf.launcher.doctor;

import dev.hwf.api.Command;
import dev.hwf.api.Output;
import dev.hwf.api.SchedulerAdapter;
import dev.hwf.api.SchedulerOutputException;
import java.util.List;

/**
 * What {@code hwf doctor} asks one kind of scheduler, and how it reads the answers. Like an
 * adapter, a probe runs nothing itself: {@link SiteDoctor} runs its commands on the site (locally or
 * over SSH) and hands the outputs back, so each reading is a pure function tested on recorded output.
 */
interface SchedulerProbe {
    /** What the scheduler calls a partition, for messages: "partition" or "queue". */
    String partitionWord();

    /** The commands that tell the scheduler's version; each must be on the site's PATH. */
    List<Command> versionCommands();

    /** The {@code scheduler} check from the answers to {@link #versionCommands()}, in order (all exited 0 or not). */
    Check version(List<Output> outputs);

    /** The commands that list the partitions or queues and their GPUs. */
    List<Command> partitionCommands();

    /**
     * The partitions in the answers to {@link #partitionCommands()}, in order.
     *
     * @throws SchedulerOutputException when they cannot be read (the controller does not answer, odd output)
     */
    List<Partition> partitions(List<Output> outputs);

    /**
     * The command that tells whether the scheduler keeps accounting of ended jobs: by default the
     * adapter's own history command (the one the engine asks about vanished jobs), about a job id
     * that need not exist; null when the scheduler has none.
     */
    default Command accountingCommand(SchedulerAdapter adapter) {
        return adapter.historyCommand(List.of(new dev.hwf.api.JobId("1")));
    }

    /** The {@code accounting} check from the answer to {@link #accountingCommand}; null command: none kept. */
    Check accounting(Output output);

    /** What hwf loses on a site without accounting, for the fix of a WARN. */
    String WITHOUT_ACCOUNTING = "without it, a job that ended before it wrote its exit code file (killed while "
            + "queued, a node that failed) is marked LOST once it leaves the queue, and a kill by a signal is not told "
            + "apart as OUT_OF_MEMORY, TIMEOUT or NODE_FAIL";
}
