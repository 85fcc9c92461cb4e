package dev.hwf.launcher.journal;

import java.time.Instant;
import java.util.Arrays;
import java.util.BitSet;
import java.util.List;

/**
 * One submission of a task: recorded with its job name before the scheduler is asked, and with
 * the job id once the scheduler has answered.
 *
 * @param indices  the elements it carried, as written ("[0, 1, 2]")
 * @param endpoint for a service task: host:port where this attempt answered once ready, or null
 * @param readyAt  when hwf saw it ready, or null
 * @param indexOffset the element index of the job's scheduler array index 0 (0 unless the task's
 *                 elements went out as several array jobs below the site's array size limit)
 * @param ranOn    where it ran, when hwf learns that other than from the scheduler: for an attempt
 *                 of a packed task (a bundle), the name of the pilot agent that claimed it; else null
 * @param version  the run's workflow version the attempt ran (see {@code hwf resume --file})
 * @param site     the site it was submitted to (SPEC section 7); null when recorded on a workflow's one site
 * @param placed   why hwf chose that site among the task's sites, or null
 * @param estimatedStart the start the site's scheduler estimated when hwf placed it there, or null
 * @param withdrawnAt when hwf decided to withdraw it from its site, none of its elements started, to
 *                 place them again ({@code replaceAfter}); null when it was not
 */
public record AttemptRecord(String task, int attempt, String jobName, String jobId, String indices,
                            Instant submittedAt, String endpoint, Instant readyAt, int indexOffset, String ranOn,
                            int version, String site, String placed, Instant estimatedStart, Instant withdrawnAt) {
    /** An attempt that was not withdrawn. */
    public AttemptRecord(String task, int attempt, String jobName, String jobId, String indices,
                         Instant submittedAt, String endpoint, Instant readyAt, int indexOffset, String ranOn,
                         int version, String site, String placed, Instant estimatedStart) {
        this(task, attempt, jobName, jobId, indices, submittedAt, endpoint, readyAt, indexOffset, ranOn, version, site,
                placed, estimatedStart, null);
    }

    /** An attempt recorded without a site (on the workflow's one site) or placement. */
    public AttemptRecord(String task, int attempt, String jobName, String jobId, String indices, Instant submittedAt,
                         String endpoint, Instant readyAt, int indexOffset, String ranOn, int version) {
        this(task, attempt, jobName, jobId, indices, submittedAt, endpoint, readyAt, indexOffset, ranOn, version, null,
                null, null);
    }

    /** An attempt of a run's first workflow version. */
    public AttemptRecord(String task, int attempt, String jobName, String jobId, String indices, Instant submittedAt,
                         String endpoint, Instant readyAt, int indexOffset, String ranOn) {
        this(task, attempt, jobName, jobId, indices, submittedAt, endpoint, readyAt, indexOffset, ranOn, 1);
    }

    public AttemptRecord(String task, int attempt, String jobName, String jobId, String indices, Instant submittedAt,
                         String endpoint, Instant readyAt, int indexOffset) {
        this(task, attempt, jobName, jobId, indices, submittedAt, endpoint, readyAt, indexOffset, null);
    }

    public AttemptRecord(String task, int attempt, String jobName, String jobId, String indices, Instant submittedAt,
                         String endpoint, Instant readyAt) {
        this(task, attempt, jobName, jobId, indices, submittedAt, endpoint, readyAt, 0);
    }


    /** An attempt of an ordinary task (no endpoint). */
    public AttemptRecord(String task, int attempt, String jobName, String jobId, String indices, Instant submittedAt) {
        this(task, attempt, jobName, jobId, indices, submittedAt, null, null);
    }

    /** The element indices as a set, for asking of many elements whether the attempt carried them. */
    public BitSet indexSet() {
        BitSet b = new BitSet();
        indexList().forEach(b::set);
        return b;
    }

    /** The element indices as numbers. */
    public List<Integer> indexList() {
        String body = indices.replaceAll("[\\[\\]\\s]", "");
        return body.isEmpty() ? List.of()
                : Arrays.stream(body.split(",")).map(Integer::valueOf).toList();
    }
}
