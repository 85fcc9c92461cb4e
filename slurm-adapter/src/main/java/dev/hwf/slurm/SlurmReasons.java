package dev.hwf.slurm;

import dev.hwf.api.PendingReason;
import dev.hwf.api.PendingReason.Block;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The reason squeue's {@code %r} gives for a pending job, and whether it clears by itself. The names
 * are those of Slurm's "JOB REASON CODES" (squeue(1), and the Job Reason Codes page of Slurm's
 * documentation; Slurm 22.05's {@code job_reason_string}). squeue prints a job's own description
 * instead where Slurm has set one: {@code ReqNodeNotAvail, UnavailableNodes:n[1-3]}, {@code job requeued
 * in held state}; the first word decides.
 *
 * <p>Cannot clear by itself (SPEC section 7, {@code stuck}):
 * <ul>
 * <li>HELD: {@code JobHeldUser}, {@code JobHeldAdmin}, {@code JobHoldMaxRequeue}, and the states
 * REQUEUE_HOLD and SPECIAL_EXIT whatever the reason says ({@code job requeued in held state}), and a
 * description Slurm set that says {@code held} ({@code launch failed requeued held}); a person
 * releases it ({@code scontrol release ID}).</li>
 * <li>DOWN: {@code ReqNodeNotAvail} (the nodes it may run on are down, drained or reserved),
 * {@code PartitionDown}, {@code PartitionInactive}, {@code NodeDown}, {@code FrontEndDown}.</li>
 * <li>BUDGET: the minutes limits of an association or QOS, {@code AssocGrp*Minutes*} and
 * {@code QOSGrp*Minutes*} ({@code AssocGrpCPUMinutesLimit}, {@code AssocGrpGRESMinutes},
 * {@code AssocGrpGRESRunMinutes}, {@code AssocGrpBillingMinutes}, {@code QOSGrpCPURunMinutesLimit}, ...).
 * SPEC names the run-minutes ones too: they recede as the running jobs of the association end, but a
 * job held back by them usually waits for the account's allocation, which only the administrators
 * change.</li>
 * <li>NEVER: {@code BadConstraints}, {@code InvalidAccount}, {@code InvalidQOS},
 * {@code AccountNotAllowed}, {@code QOSNotAllowed}, {@code DependencyNeverSatisfied},
 * {@code PartitionConfig}, {@code PartitionNodeLimit}, {@code PartitionTimeLimit},
 * {@code ReservationDeleted}, and the per-job maxima and minima of an association or QOS
 * ({@code AssocMax*PerJob*}, {@code QOSMax*PerJob*}, {@code QOSMin*}): the job as submitted does not fit
 * them, and waits until someone changes the limit or the job.</li>
 * </ul>
 *
 * <p>Every other reason clears by itself: {@code None}, {@code Priority}, {@code Resources},
 * {@code BeginTime}, {@code Dependency}, {@code JobArrayTaskLimit}, {@code Reservation}, and the limits on
 * what runs at once ({@code QOSMaxJobsPerUserLimit}, {@code AssocGrpJobsLimit}, {@code AssocGrpCpuLimit},
 * {@code AssocGrpGRES}, ...), which free up as the jobs running under them end. {@code None} (a job not
 * yet looked at) is no reason at all.
 */
final class SlurmReasons {

    private static final Map<String, Block> NAMED = Map.ofEntries(
            Map.entry("JobHeldUser", Block.HELD), Map.entry("JobHeldAdmin", Block.HELD),
            Map.entry("JobHoldMaxRequeue", Block.HELD),
            Map.entry("ReqNodeNotAvail", Block.DOWN), Map.entry("PartitionDown", Block.DOWN),
            Map.entry("PartitionInactive", Block.DOWN), Map.entry("NodeDown", Block.DOWN),
            Map.entry("FrontEndDown", Block.DOWN),
            Map.entry("BadConstraints", Block.NEVER), Map.entry("InvalidAccount", Block.NEVER),
            Map.entry("InvalidQOS", Block.NEVER), Map.entry("AccountNotAllowed", Block.NEVER),
            Map.entry("QOSNotAllowed", Block.NEVER), Map.entry("DependencyNeverSatisfied", Block.NEVER),
            Map.entry("PartitionConfig", Block.NEVER), Map.entry("PartitionNodeLimit", Block.NEVER),
            Map.entry("PartitionTimeLimit", Block.NEVER), Map.entry("ReservationDeleted", Block.NEVER));

    /** The states that are a hold whatever the reason: requeued held, requeued for a special exit code. */
    private static final Set<String> HELD_STATES = Set.of("REQUEUE_HOLD", "SPECIAL_EXIT");

    private static final Pattern BUDGET = Pattern.compile("(Assoc|QOS)Grp[A-Za-z]*Minutes[A-Za-z]*");
    private static final Pattern PER_JOB = Pattern.compile("(Assoc|QOS)Max[A-Za-z]*PerJob[A-Za-z]*|QOSMin[A-Za-z]*");
    /** The reason's first word: up to a comma, a space or an opening parenthesis. */
    private static final Pattern WORD_END = Pattern.compile("[,\\s(]");

    private SlurmReasons() {
    }

    /**
     * The pending reason of a queued job as squeue printed it ({@code %r}), with its state token; null
     * when it gives none ({@code None}, empty).
     */
    static PendingReason of(String stateToken, String field) {
        String text = field == null ? "" : field.strip();
        if (HELD_STATES.contains(stateToken)) {
            return new PendingReason(text.isEmpty() || "None".equals(text) ? stateToken : text, Block.HELD);
        }
        if (text.isEmpty() || "None".equals(text)) {
            return null;
        }
        String[] parts = WORD_END.split(text, 2);
        String word = parts.length == 0 ? text : parts[0];
        Block block = NAMED.get(word);
        if (block == null && BUDGET.matcher(word).matches()) {
            block = Block.BUDGET;
        } else if (block == null && PER_JOB.matcher(word).matches()) {
            block = Block.NEVER;
        } else if (block == null && text.toLowerCase(Locale.ROOT).contains("held")) {
            block = Block.HELD; // a description Slurm set on a hold ("launch failed requeued held")
        }
        return new PendingReason(text, block == null ? Block.CLEARS : block);
    }
}
