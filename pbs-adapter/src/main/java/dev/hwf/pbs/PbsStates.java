package dev.hwf.pbs;

import dev.hwf.api.JobState;
import dev.hwf.api.PendingReason;
import java.util.Map;

/**
 * PBS job states as hwf's states, for both flavours, and what an exit status says about an end.
 *
 * <p>PBS Pro ({@code job_state} of {@code qstat -f}): Q queued, H held, W waiting for its start time,
 * T in transit, M moved to another server: QUEUED. R running, E exiting, S suspended, U suspended
 * while its workstation is busy, B an array that has begun: RUNNING. F finished (history, with
 * {@code qstat -x}) and X a finished array element: ended, see {@link #ended}.
 *
 * <p>Torque: Q, H, W, T: QUEUED. R, E, S: RUNNING. C completed: ended.
 *
 * <p>Any other letter is read as QUEUED with no reason: an unknown state is never an end and never a
 * failure.
 */
final class PbsStates {

    /** A state mapped; {@code state} is null for an end whose outcome the output does not tell. */
    record Mapped(JobState state, String reason) {
    }

    /** PBS Pro's substate of a history job deleted with qdel. */
    static final int SUBSTATE_TERMINATED = 91;

    private static final Map<String, JobState> PBSPRO = Map.ofEntries(
            Map.entry("Q", JobState.QUEUED), Map.entry("H", JobState.QUEUED), Map.entry("W", JobState.QUEUED),
            Map.entry("T", JobState.QUEUED), Map.entry("M", JobState.QUEUED),
            Map.entry("R", JobState.RUNNING), Map.entry("E", JobState.RUNNING), Map.entry("S", JobState.RUNNING),
            Map.entry("U", JobState.RUNNING), Map.entry("B", JobState.RUNNING));

    private static final Map<String, JobState> TORQUE = Map.ofEntries(
            Map.entry("Q", JobState.QUEUED), Map.entry("H", JobState.QUEUED), Map.entry("W", JobState.QUEUED),
            Map.entry("T", JobState.QUEUED),
            Map.entry("R", JobState.RUNNING), Map.entry("E", JobState.RUNNING), Map.entry("S", JobState.RUNNING));

    private PbsStates() {
    }

    /**
     * Why a queued job waits, from its state letter, its {@code Hold_Types} and the {@code comment} the
     * scheduler writes (both flavours print them in {@code qstat -f}). H (held, on both flavours) cannot
     * clear by itself: someone releases it with {@code qrls} ({@code held (Hold_Types u)}: u the owner's
     * hold, o an operator's, s the system's, p a bad password). A comment starting "Can Never Run"
     * (PBS Pro's scheduler, for a job no node or queue limit will ever fit) cannot clear either. Any other
     * comment of a queued job ({@code Not Running: Insufficient amount of resource: ncpus}) is a reason
     * that clears by itself. Null when there is neither.
     */
    static PendingReason pending(String letter, String holdTypes, String comment) {
        if ("H".equals(letter)) {
            boolean typed = holdTypes != null && !holdTypes.isBlank() && !"n".equals(holdTypes.strip());
            return new PendingReason(typed ? "held (Hold_Types " + holdTypes.strip() + ")" : "held",
                    PendingReason.Block.HELD);
        }
        if (comment != null && comment.strip().startsWith("Can Never Run")) {
            return new PendingReason(comment, PendingReason.Block.NEVER);
        }
        return PendingReason.clears(comment);
    }

    /** Whether the letter is an end on this flavour: F and X on PBS Pro, C on Torque. */
    static boolean isEnd(boolean torque, String letter) {
        return torque ? "C".equals(letter) : "F".equals(letter) || "X".equals(letter);
    }

    /** A state letter that is not an end; null when the field holds no state letter at all. */
    static JobState live(boolean torque, String letter) {
        if (letter == null || letter.length() != 1 || letter.charAt(0) < 'A' || letter.charAt(0) > 'Z') {
            return null;
        }
        return (torque ? TORQUE : PBSPRO).getOrDefault(letter, JobState.QUEUED);
    }

    /**
     * How an ended job ended. PBS Pro: substate 91 is a job deleted with qdel (CANCELLED). Then the exit
     * status: 0 SUCCEEDED; 1-128 {@code exit N}; 129-255 and 256+N (the job's shell killed by signal N)
     * {@code signal N}; the negative values PBS sets itself when it ended the job: on PBS Pro -29
     * walltime (TIMEOUT), -27 and -26 memory (OUT_OF_MEMORY), -28 CPU time, -25 and -24 CPUs; on Torque
     * -11 walltime (TIMEOUT), -10 memory (OUT_OF_MEMORY), -12 CPU time; any other negative value is a
     * failure to start or run the job ({@code pbs exec N}). No exit status and no substate: null, the
     * end's outcome is unknown (Slurm's Torque wrappers never print one).
     */
    static Mapped ended(boolean torque, Integer exitStatus, Integer substate) {
        if (!torque && substate != null && substate == SUBSTATE_TERMINATED) {
            return new Mapped(JobState.CANCELLED, "CANCELLED");
        }
        if (exitStatus == null) {
            return new Mapped(null, null);
        }
        int x = exitStatus;
        if (x == 0) {
            return new Mapped(JobState.SUCCEEDED, null);
        }
        if (x > 0) {
            return new Mapped(JobState.FAILED, x > 256 ? "signal " + (x - 256)
                    : x > 128 && x < 128 + 65 ? "signal " + (x - 128) : "exit " + x);
        }
        String reason = torque ? switch (x) {
            case -11 -> "TIMEOUT";
            case -10 -> "OUT_OF_MEMORY";
            case -12 -> "CPU_TIME_LIMIT";
            default -> "pbs exec " + x;
        } : switch (x) {
            case -29 -> "TIMEOUT";
            case -27, -26 -> "OUT_OF_MEMORY";
            case -28 -> "CPU_TIME_LIMIT";
            case -25, -24 -> "CPU_LIMIT";
            default -> "pbs exec " + x;
        };
        return new Mapped(JobState.FAILED, reason);
    }
}
