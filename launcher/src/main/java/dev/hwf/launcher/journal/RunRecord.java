package dev.hwf.launcher.journal;

import java.time.Instant;

/**
 * A row of the run table. {@code spec} is the validated workflow as JSON, of the run's current
 * workflow {@code version} (1 until {@code hwf resume --file/--set} adds one).
 *
 * @param state a {@link RunState}'s name, as the journal and {@code hwf status --json} hold it ({@link #runState})
 */
public record RunRecord(String id, String workflow, String scheduler, String state, String reason,
                        String source, String spec, String workdir, Instant submittedAt, Instant endedAt,
                        int version) {

    /** A run at its first workflow version. */
    public RunRecord(String id, String workflow, String scheduler, String state, String reason,
                     String source, String spec, String workdir, Instant submittedAt, Instant endedAt) {
        this(id, workflow, scheduler, state, reason, source, spec, workdir, submittedAt, endedAt, 1);
    }

    /** The run's state as the enum. */
    public RunState runState() {
        return RunState.valueOf(state);
    }

    public boolean isFinished() {
        return runState().isFinal();
    }
}
