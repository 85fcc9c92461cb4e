package dev.hwf.launcher.journal;

import dev.hwf.api.JobState;
import dev.hwf.api.PendingReason;
import java.time.Instant;

/**
 * One unit of work: an array element, or element 0 of a plain task.
 *
 * @param attempt      the task attempt (submission) this element was last part of; 0 = never
 * @param tries        how many times this element was submitted
 * @param missingSince when the scheduler stopped reporting a live element that has no exit code
 *                     file yet, or null
 * @param startedAt    when the latest try was first seen running (or ended, if never seen running)
 * @param earlierSeconds running seconds of the element's earlier tries, added up by the journal
 *                     when a retry or resume starts a new one
 * @param pending      why a QUEUED element's job waits, as its scheduler said when last read, and
 *                     whether that can clear by itself; null when it said nothing, and for any element
 *                     not QUEUED
 */
public record ElementRecord(String task, int index, JobState state, int attempt, int tries, String jobId,
                            Integer exitCode, String reason, Instant missingSince, Instant startedAt,
                            Instant endedAt, double earlierSeconds, PendingReason pending) {

    public ElementRecord {
        if (state != JobState.QUEUED) {
            pending = null; // only a queued job waits on something
        }
    }

    /** An element whose job's pending reason is not known. */
    public ElementRecord(String task, int index, JobState state, int attempt, int tries, String jobId,
                         Integer exitCode, String reason, Instant missingSince, Instant startedAt, Instant endedAt,
                         double earlierSeconds) {
        this(task, index, state, attempt, tries, jobId, exitCode, reason, missingSince, startedAt, endedAt,
                earlierSeconds, null);
    }

    /** An element with no earlier tries. */
    public ElementRecord(String task, int index, JobState state, int attempt, int tries, String jobId,
                         Integer exitCode, String reason, Instant missingSince, Instant startedAt, Instant endedAt) {
        this(task, index, state, attempt, tries, jobId, exitCode, reason, missingSince, startedAt, endedAt, 0);
    }

    /** A copy with a new state and outcome; times and bookkeeping follow the state. */
    public ElementRecord with(JobState newState, Integer newExitCode, String newReason, Instant now) {
        Instant started = startedAt;
        if (started == null && (newState == JobState.RUNNING || newState.isFinal())) {
            started = now;
        }
        Instant ended = newState.isFinal() ? (endedAt != null ? endedAt : now) : null;
        return new ElementRecord(task, index, newState, attempt, tries, jobId, newExitCode, newReason,
                newState.isLive() ? missingSince : null, started, ended, earlierSeconds,
                newState == state ? pending : null);
    }

    public ElementRecord withMissingSince(Instant since) {
        return new ElementRecord(task, index, state, attempt, tries, jobId, exitCode, reason, since, startedAt,
                endedAt, earlierSeconds, pending);
    }

    /** A copy with why its job waits, as the scheduler says now (kept only while it is QUEUED). */
    public ElementRecord withPending(PendingReason why) {
        return new ElementRecord(task, index, state, attempt, tries, jobId, exitCode, reason, missingSince,
                startedAt, endedAt, earlierSeconds, why);
    }

    /**
     * Back to WAITING without having run: the submission never reached the scheduler, or the
     * scheduler refused it for a limit. The claim counted a try; this gives it back, so a
     * submission that did not happen never uses up a retry.
     */
    public ElementRecord notSubmitted(String why) {
        return new ElementRecord(task, index, JobState.WAITING, attempt, Math.max(0, tries - 1), jobId, null, why,
                null, null, null, earlierSeconds);
    }

    /**
     * Back to WAITING for another try; the last failure stays visible as the reason. The journal
     * adds this try's running time to {@code earlierSeconds} when it records the change.
     */
    public ElementRecord retry(String why) {
        return new ElementRecord(task, index, JobState.WAITING, attempt, tries, jobId, exitCode, why, null, null,
                null, earlierSeconds);
    }
}
