package dev.hwf.lsf;

import dev.hwf.api.JobState;
import dev.hwf.api.PendingReason;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * LSF job states ({@code bjobs}' STAT) as hwf's states.
 *
 * <ul>
 * <li>QUEUED: PEND, PSUSP (suspended while pending, i.e. held), WAIT (a chunk job waiting its
 * turn), PROV (waiting for its host to be provisioned).</li>
 * <li>RUNNING: RUN, USUSP and SSUSP (suspended by its owner or by LSF: it has started and goes on
 * where it stopped), UNKWN (mbatchd lost contact with the host: the job may well run on) and ZOMBI
 * (killed while its host was unreachable: LSF turns it into EXIT once it can), neither of which is
 * an end yet.</li>
 * <li>SUCCEEDED: DONE.</li>
 * <li>EXIT: the reason comes from the termination reason bjobs shows ({@code TERM_RUNLIMIT} is
 * TIMEOUT, {@code TERM_MEMLIMIT} and {@code TERM_SWAP} OUT_OF_MEMORY, {@code TERM_OWNER},
 * {@code TERM_ADMIN} and their FORCE forms CANCELLED, {@code TERM_PREEMPT} PREEMPTED,
 * {@code TERM_DEADLINE} DEADLINE, {@code TERM_CPULIMIT} CPU_TIME_LIMIT, any other TERM_ reason as
 * itself), else from the exit code ({@code exit N}, {@code signal N} above 128).</li>
 * <li>Any other upper-case token: QUEUED with no reason, never an end and never a failure.</li>
 * </ul>
 */
final class LsfStates {

    record Mapped(JobState state, String reason) {
    }

    private static final Pattern TOKEN = Pattern.compile("[A-Z][A-Z_]*");
    private static final Pattern EXIT_CODE = Pattern.compile("[0-9]{1,9}");
    private static final Pattern TERM = Pattern.compile("(TERM_[A-Z_]+)\\b.*", Pattern.DOTALL);

    private static final Map<String, JobState> TABLE = Map.ofEntries(
            Map.entry("PEND", JobState.QUEUED), Map.entry("PSUSP", JobState.QUEUED),
            Map.entry("WAIT", JobState.QUEUED), Map.entry("PROV", JobState.QUEUED),
            Map.entry("RUN", JobState.RUNNING), Map.entry("USUSP", JobState.RUNNING),
            Map.entry("SSUSP", JobState.RUNNING), Map.entry("UNKWN", JobState.RUNNING),
            Map.entry("ZOMBI", JobState.RUNNING),
            Map.entry("DONE", JobState.SUCCEEDED), Map.entry("EXIT", JobState.FAILED));

    private static final Map<String, String> TERM_REASONS = Map.ofEntries(
            Map.entry("TERM_RUNLIMIT", "TIMEOUT"), Map.entry("TERM_MEMLIMIT", "OUT_OF_MEMORY"),
            Map.entry("TERM_SWAP", "OUT_OF_MEMORY"), Map.entry("TERM_PREEMPT", "PREEMPTED"),
            Map.entry("TERM_DEADLINE", "DEADLINE"), Map.entry("TERM_CPULIMIT", "CPU_TIME_LIMIT"),
            Map.entry("TERM_OWNER", "CANCELLED"), Map.entry("TERM_ADMIN", "CANCELLED"),
            Map.entry("TERM_FORCE_OWNER", "CANCELLED"), Map.entry("TERM_FORCE_ADMIN", "CANCELLED"));

    private LsfStates() {
    }

    /**
     * Why a queued job waits, as far as the STAT field tells: PSUSP (suspended, that is held, while
     * pending, by its owner or an administrator) cannot clear by itself, {@code bresume} releases it;
     * null for every other state. bjobs' pending reasons ({@code -o pend_reason}, {@code -p}) are not
     * read: hwf asks bjobs for the fields it needs to follow jobs only.
     */
    static PendingReason pending(String stat) {
        return "PSUSP".equals(stat) ? new PendingReason("PSUSP (suspended while pending)",
                PendingReason.Block.HELD) : null;
    }

    /**
     * The STAT field with the job's exit code and termination reason (both may be empty or "-"), or
     * null when STAT holds no state token.
     */
    static Mapped map(String stat, String exitCode, String exitReason) {
        if (stat == null || !TOKEN.matcher(stat).matches()) {
            return null;
        }
        JobState state = TABLE.getOrDefault(stat, JobState.QUEUED);
        if (state != JobState.FAILED) {
            return new Mapped(state, null);
        }
        Matcher term = TERM.matcher(exitReason == null ? "" : exitReason.strip());
        if (term.matches()) {
            String reason = TERM_REASONS.getOrDefault(term.group(1), term.group(1));
            return new Mapped("CANCELLED".equals(reason) ? JobState.CANCELLED : JobState.FAILED, reason);
        }
        Integer code = exitCode == null || !EXIT_CODE.matcher(exitCode.strip()).matches() ? null
                : Integer.valueOf(exitCode.strip());
        if (code == null || code == 0) {
            return new Mapped(JobState.FAILED, "FAILED");
        }
        return new Mapped(JobState.FAILED, code > 128 && code < 128 + 65 ? "signal " + (code - 128) : "exit " + code);
    }
}
