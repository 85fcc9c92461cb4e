package dev.hwf.slurm;

import dev.hwf.api.JobState;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Slurm's job states (the full names squeue's {@code %T} prints; Slurm 22.05's
 * {@code job_state_string}) as hwf's states.
 *
 * <ul>
 * <li>QUEUED: PENDING, CONFIGURING (nodes still booting), REQUEUED, REQUEUE_FED, REQUEUE_HOLD,
 * RESV_DEL_HOLD, SPECIAL_EXIT (requeued and held), REVOKED (a federation sibling; the job lives on
 * another cluster).</li>
 * <li>RUNNING: RUNNING, COMPLETING, STAGE_OUT, SIGNALING, RESIZING, and SUSPENDED and STOPPED: a
 * suspended or stopped job has started and still holds its allocation; it goes on where it stopped.
 * COMPLETING is set on a job whose script has ended while Slurm cleans up: the final state follows.</li>
 * <li>SUCCEEDED: COMPLETED.</li>
 * <li>FAILED, with the state as reason: FAILED, TIMEOUT, OUT_OF_MEMORY, NODE_FAIL, PREEMPTED,
 * BOOT_FAIL, DEADLINE.</li>
 * <li>CANCELLED (reason CANCELLED): CANCELLED, also written "CANCELLED by UID" by some tools.</li>
 * <li>Any other upper-case token ({@code ?} included), for instance a state a newer Slurm adds: QUEUED
 * with no reason, so an unknown state is never read as a failure or an end; the raw token is kept for
 * the logs. Something that is no state token at all makes the whole output unreadable.</li>
 * </ul>
 */
final class SlurmStates {

    /** A state token mapped, with the reason hwf records for it (null unless it ended badly). */
    record Mapped(String token, JobState state, String reason) {
    }

    private static final Pattern TOKEN = Pattern.compile("[A-Z][A-Z_]*|\\?");

    private static final Map<String, JobState> TABLE = Map.ofEntries(
            Map.entry("PENDING", JobState.QUEUED),
            Map.entry("CONFIGURING", JobState.QUEUED),
            Map.entry("REQUEUED", JobState.QUEUED),
            Map.entry("REQUEUE_FED", JobState.QUEUED),
            Map.entry("REQUEUE_HOLD", JobState.QUEUED),
            Map.entry("RESV_DEL_HOLD", JobState.QUEUED),
            Map.entry("SPECIAL_EXIT", JobState.QUEUED),
            Map.entry("REVOKED", JobState.QUEUED),
            Map.entry("RUNNING", JobState.RUNNING),
            Map.entry("COMPLETING", JobState.RUNNING),
            Map.entry("STAGE_OUT", JobState.RUNNING),
            Map.entry("SIGNALING", JobState.RUNNING),
            Map.entry("RESIZING", JobState.RUNNING),
            Map.entry("SUSPENDED", JobState.RUNNING),
            Map.entry("STOPPED", JobState.RUNNING),
            Map.entry("COMPLETED", JobState.SUCCEEDED),
            Map.entry("FAILED", JobState.FAILED),
            Map.entry("TIMEOUT", JobState.FAILED),
            Map.entry("OUT_OF_MEMORY", JobState.FAILED),
            Map.entry("NODE_FAIL", JobState.FAILED),
            Map.entry("PREEMPTED", JobState.FAILED),
            Map.entry("BOOT_FAIL", JobState.FAILED),
            Map.entry("DEADLINE", JobState.FAILED),
            Map.entry("CANCELLED", JobState.CANCELLED));

    private SlurmStates() {
    }

    /**
     * The state field of a squeue line ({@code RUNNING}, {@code CANCELLED by 0}, ...), or null when it
     * holds no state token.
     */
    static Mapped map(String field) {
        String f = field.strip();
        int space = f.indexOf(' ');
        String token = space < 0 ? f : f.substring(0, space);
        if (!TOKEN.matcher(token).matches()) {
            return null;
        }
        JobState state = TABLE.getOrDefault(token, JobState.QUEUED);
        boolean known = TABLE.containsKey(token);
        String reason = known && (state == JobState.FAILED || state == JobState.CANCELLED) ? token : null;
        return new Mapped(token, state, reason);
    }
}
