package dev.hwf.launcher.journal;

import dev.hwf.api.JobState;
import dev.hwf.api.PendingReason;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Writes of elements and attempts as a pass makes them: claims, job ids, compare-and-set changes,
 * changes to WAITING elements in bulk, where services answer and attempts ran, and the site limits
 * read for a run. Each is one transaction; those that move elements derive task and run states
 * again in it.
 */
final class ElementWrites {
    /**
     * The SET clause that clears an element's try for the next (claim, resume, rerun), keeping the
     * latest try's running time first: the rows hold an ended try, or none.
     */
    static final String CLEAR_TRY = "missing_since=NULL, earlier_seconds=" + banked("started_at")
            + ", started_at=NULL, ended_at=NULL, pending=NULL, pending_block=NULL";

    private final JournalDb db;
    private final RollupWrites rollup;

    ElementWrites(JournalDb db, RollupWrites rollup) {
        this.db = db;
        this.rollup = rollup;
    }

    /**
     * An element's earlier tries' running seconds plus those of its latest try, from its start to
     * its end or, when it has none yet, to {@code untilExpr}; SQL over the row's values before the
     * update.
     */
    private static String banked(String untilExpr) {
        return "earlier_seconds + CASE WHEN started_at IS NULL THEN 0 ELSE max(0, (julianday(coalesce(ended_at, "
                + untilExpr + ")) - julianday(started_at)) * 86400.0) END";
    }

    /**
     * Claims the WAITING elements of each claim's task for a new attempt, before anything is
     * submitted, in one transaction: the task's attempt counter moves from the one the claim read to
     * the next number, an attempt row records the job name, and the elements become QUEUED without a
     * job id. A task another process has claimed meanwhile is left out.
     *
     * @return the claims that were won
     */
    List<Claim> claimAll(String runId, List<Claim> claims, Instant now) {
        if (claims.isEmpty()) {
            return List.of();
        }
        return db.inTransaction(c -> {
            List<Claim> won = new ArrayList<>();
            try (PreparedStatement task = c.prepareStatement("UPDATE hwf_task SET attempt=?, submitted_at="
                    + "coalesce(submitted_at, ?) WHERE run_id=? AND name=? AND attempt=?");
                 PreparedStatement el = c.prepareStatement("UPDATE hwf_element SET state='QUEUED', attempt=?, "
                         + "tries=tries+1, job_id=NULL, exit_code=NULL, reason=NULL, " + CLEAR_TRY + " WHERE run_id=? "
                         + "AND task=? AND idx=? AND state='WAITING'");
                 PreparedStatement att = c.prepareStatement("INSERT INTO hwf_attempt(run_id, task, attempt, job_name, "
                         + "indices, submitted_at, index_offset, site, placed, site_key, estimated_start, version) "
                         + "VALUES (?,?,?,?,?,?,?,?,?,?,?,"
                         + "(SELECT version FROM hwf_run WHERE id=?))")) {
                for (Claim claim : claims) {
                    Savepoint sp = c.setSavepoint("claim");
                    Sql.bind(task, claim.attempt(), now, runId, claim.task(), claim.lastAttempt());
                    if (task.executeUpdate() != 1) {
                        c.releaseSavepoint(sp);
                        continue; // another process claimed it first
                    }
                    boolean all = true;
                    for (int idx : claim.indices()) {
                        Sql.bind(el, claim.attempt(), runId, claim.task(), idx);
                        el.addBatch();
                    }
                    for (int n : el.executeBatch()) {
                        all &= n == 1;
                    }
                    if (!all) {
                        // an element left WAITING under us: give this claim up as a whole
                        c.rollback(sp);
                        continue;
                    }
                    // the last parameter is the run's workflow version this attempt runs
                    Placed p = claim.placed();
                    Sql.bind(att, runId, claim.task(), claim.attempt(), claim.jobName(), claim.indices().toString(),
                            now, claim.indexOffset(), p == null ? null : p.site(), p == null ? null : p.why(),
                            p == null ? null : p.key(), p == null ? null : p.estimatedStart(), runId);
                    att.executeUpdate();
                    EventLog.append(c, runId, claim.task(), null, claim.attempt(), now, EventKind.SUBMITTING,
                            "job name " + claim.jobName(), null);
                    c.releaseSavepoint(sp);
                    won.add(claim);
                }
            }
            if (!won.isEmpty()) {
                rollup.refresh(c, runId, won.stream().map(Claim::task).toList(), now);
            }
            return won;
        });
    }

    /** See {@link Journal#withdraw}. */
    boolean withdraw(String runId, String task, int attempt, String jobId, String reason, Instant now) {
        return db.inTransaction(c -> {
            if (Sql.update(c, "UPDATE hwf_attempt SET withdrawn_at=? WHERE run_id=? AND task=? AND attempt=? "
                    + "AND withdrawn_at IS NULL", now, runId, task, attempt) != 1) {
                return false;
            }
            EventLog.append(c, runId, task, null, attempt, now, EventKind.WITHDRAWN, reason, jobId);
            return true;
        });
    }

    /** Records the job ids of several attempts, on the attempt, its elements and its task, in one transaction. */
    void recordJobIds(String runId, List<Submitted> submitted, Instant now) {
        if (submitted.isEmpty()) {
            return;
        }
        db.inTransaction(c -> jobIds(c, runId, submitted, now));
    }

    private static Void jobIds(Connection c, String runId, List<Submitted> submitted, Instant now)
            throws SQLException {
        {
            Sql.batch(c, "UPDATE hwf_attempt SET job_id=? WHERE run_id=? AND task=? AND attempt=?", submitted,
                    s -> new Object[] {s.jobId(), runId, s.task(), s.attempt()});
            Sql.batch(c, "UPDATE hwf_element SET job_id=? WHERE run_id=? AND task=? AND attempt=? AND job_id IS NULL"
                    + " AND idx BETWEEN ? AND ?", submitted,
                    s -> new Object[] {s.jobId(), runId, s.task(), s.attempt(), s.fromIndex(), s.toIndex()});
            Sql.batch(c, "UPDATE hwf_task SET job_id=? WHERE run_id=? AND name=? AND attempt=?", submitted,
                    s -> new Object[] {s.jobId(), runId, s.task(), s.attempt()});
            for (Submitted s : submitted) {
                EventLog.append(c, runId, s.task(), null, s.attempt(), now, EventKind.QUEUED, "submitted", s.jobId());
            }
            return null;
        }
    }

    /**
     * Records where service attempts answer, once each: an endpoint already recorded stays. A
     * READY event per attempt, with the endpoint as its reason.
     */
    void recordReady(String runId, List<Ready> ready, Instant now) {
        if (ready.isEmpty()) {
            return;
        }
        db.inTransaction(c -> ready(c, runId, ready, now));
    }

    private static Void ready(Connection c, String runId, List<Ready> ready, Instant now) throws SQLException {
        {
            for (Ready r : ready) {
                if (Sql.update(c, "UPDATE hwf_attempt SET endpoint=?, ready_at=? WHERE run_id=? AND task=? "
                        + "AND attempt=? AND endpoint IS NULL", r.endpoint(), now, runId, r.task(), r.attempt()) == 1) {
                    EventLog.append(c, runId, r.task(), null, r.attempt(), now, EventKind.READY, r.endpoint(), null);
                }
            }
            return null;
        }
    }

    /** Records where attempts ran, once each: a place already recorded stays. */
    void recordRanOn(String runId, List<RanOn> ranOn) {
        if (ranOn.isEmpty()) {
            return;
        }
        db.inTransaction(c -> ranOn(c, runId, ranOn));
    }

    private static Void ranOn(Connection c, String runId, List<RanOn> ranOn) throws SQLException {
        Sql.batch(c, "UPDATE hwf_attempt SET ran_on=? WHERE run_id=? AND task=? AND attempt=? AND ran_on IS NULL",
                ranOn, r -> new Object[] {r.where(), runId, r.task(), r.attempt()});
        return null;
    }

    /**
     * What one phase of a pass found, in ONE transaction: job ids first, then element changes and
     * changes to WAITING elements (compare-and-set, as {@link #apply}), then service endpoints and
     * where attempts ran, then the starts schedulers estimate for queued attempts. A crash leaves all
     * of it written or none of it.
     */
    void record(String runId, List<Submitted> submitted, List<Change> changes,
                List<WaitingChange> waiting, List<Ready> ready, List<RanOn> ranOn, List<Estimated> estimated,
                Instant now) {
        if (submitted.isEmpty() && changes.isEmpty() && waiting.isEmpty() && ready.isEmpty() && ranOn.isEmpty()
                && estimated.isEmpty()) {
            return;
        }
        check(runId, changes, waiting);
        db.inTransaction(c -> {
            jobIds(c, runId, submitted, now);
            Set<String> touched = new LinkedHashSet<>();
            applyChanges(c, runId, changes, touched, now);
            applyWaiting(c, runId, waiting, touched, now);
            rollup.refresh(c, runId, touched, now);
            ready(c, runId, ready, now);
            ranOn(c, runId, ranOn);
            if (!estimated.isEmpty()) {
                Sql.batch(c, "UPDATE hwf_attempt SET estimated_start=? WHERE run_id=? AND task=? AND attempt=?",
                        estimated, e -> new Object[] {e.at(), runId, e.task(), e.attempt()});
            }
            return null;
        });
    }

    /** Every change is one hwf makes (see {@link Transitions}); else nothing of them is written. */
    private static void check(String runId, List<Change> changes, List<WaitingChange> waiting) {
        for (Change ch : changes) {
            Transitions.checkElement(runId, ch.before(), ch.after().state());
        }
        for (WaitingChange w : waiting) {
            if (w.to() != JobState.WAITING && !Transitions.elementMay(JobState.WAITING, w.to())) {
                throw new IllegalStateException("run " + runId + ", task " + w.task() + ": WAITING -> " + w.to()
                        + " is not an element transition hwf makes (see Transitions)");
            }
        }
    }

    /**
     * Applies element changes as compare-and-set updates, each against the state and attempt the
     * caller read ({@code before}); a change whose row moved meanwhile is skipped. Then the changes
     * to WAITING elements in bulk, each one UPDATE over the task's elements still WAITING (what
     * another process claimed meanwhile is not touched), with an event per element that ends. Then
     * the touched tasks' states and the run's are derived again. One transaction.
     *
     * @return how many elements changed
     */
    int apply(String runId, List<Change> changes, List<WaitingChange> waiting, Instant now) {
        if (changes.isEmpty() && waiting.isEmpty()) {
            return 0;
        }
        check(runId, changes, waiting);
        return db.inTransaction(c -> {
            Set<String> touched = new LinkedHashSet<>();
            int applied = applyChanges(c, runId, changes, touched, now) + applyWaiting(c, runId, waiting, touched, now);
            rollup.refresh(c, runId, touched, now);
            return applied;
        });
    }

    /** The element changes that still match the rows as read (compare-and-set), with their events. */
    private static int applyChanges(Connection c, String runId, List<Change> changes, Set<String> touched,
                                    Instant now) throws SQLException {
        int applied = 0;
        try (PreparedStatement ps = c.prepareStatement("UPDATE hwf_element SET state=?, exit_code=?, reason=?, "
                + "missing_since=?, started_at=?, ended_at=?, tries=max(0, tries + ?), earlier_seconds=CASE WHEN ? "
                + "IS NULL THEN " + banked("?") + " ELSE earlier_seconds END, pending=?, pending_block=? WHERE run_id=? "
                + "AND task=? AND idx=? AND state=? AND attempt=?")) {
            for (Change ch : changes) {
                ElementRecord a = ch.after();
                // tries move only by what the change says (a submission given back returns one); a try
                // that ends as it is cleared (a retry) ends now
                PendingReason p = a.pending();
                Sql.bind(ps, a.state(), a.exitCode(), a.reason(), a.missingSince(), a.startedAt(), a.endedAt(),
                        a.tries() - ch.before().tries(), a.startedAt(), now, p == null ? null : p.text(),
                        p == null ? null : p.block().name(), runId, a.task(), a.index(), ch.before().state(),
                        ch.before().attempt());
                if (ps.executeUpdate() == 1) {
                    applied++;
                    touched.add(a.task());
                    if (ch.before().state() != a.state()) {
                        EventLog.append(c, runId, a.task(), a.index(), a.attempt(), now, EventKind.of(a.state()),
                                a.reason(), a.jobId());
                    }
                }
            }
        }
        return applied;
    }

    /**
     * {@link WaitingChange}s, each one UPDATE over the task's elements still WAITING (what
     * another process claimed meanwhile is not touched), with an event per element that ends.
     */
    private static int applyWaiting(Connection c, String runId, List<WaitingChange> changes,
                                    Set<String> touched, Instant now) throws SQLException {
        int changed = 0;
        for (WaitingChange w : changes) {
            int n;
            if (w.to() == JobState.WAITING) {
                if (allWaitingCarry(c, runId, w.task(), w.reason())) {
                    continue; // written in an earlier pass: a large queue is not gone over again
                }
                n = Sql.update(c, "UPDATE hwf_element SET reason=? WHERE run_id=? AND task=? AND state='WAITING' "
                        + "AND idx>=? AND reason IS NOT ?", w.reason(), runId, w.task(), w.from(), w.reason());
            } else {
                Sql.update(c, "INSERT INTO hwf_event(run_id, task, idx, attempt, at, state, reason, job_id) SELECT "
                        + "run_id, task, idx, attempt, ?, ?, ?, job_id FROM hwf_element WHERE run_id=? AND task=? "
                        + "AND state IN ('WAITING','STAGING') AND idx>=?", now, EventKind.of(w.to()), w.reason(), runId,
                        w.task(), w.from());
                // elements whose inputs are being copied end with the WAITING ones (a run cancelled)
                n = Sql.update(c, "UPDATE hwf_element SET state=?, reason=?, exit_code=NULL, missing_since=NULL, "
                        + "started_at=coalesce(started_at, ?), ended_at=coalesce(ended_at, ?) WHERE run_id=? AND task=? "
                        + "AND state IN ('WAITING','STAGING') AND idx>=?", w.to(), w.reason(), now, now, runId, w.task(),
                        w.from());
            }
            if (n > 0) {
                changed += n;
                touched.add(w.task());
            }
        }
        return changed;
    }

    /** Whether every WAITING element of a task has this reason already, as {@code hwf_count} tells. */
    private static boolean allWaitingCarry(Connection c, String runId, String task, String reason)
            throws SQLException {
        return Sql.first(c, "SELECT coalesce(sum(n), 0), coalesce(sum(CASE WHEN reason=? THEN n ELSE 0 END), 0) "
                + "FROM hwf_count WHERE run_id=? AND task=? AND state='WAITING'", rs -> rs.getInt(1) == rs.getInt(2),
                reason == null ? "" : reason, runId, task).orElse(false);
    }

    /** Keeps the site limits read for a run (replacing what was kept). */
    void recordLimits(String runId, String json, Instant now) {
        db.inTransaction(c -> Sql.update(c, "INSERT INTO hwf_site_limits(run_id, limits, read_at) VALUES (?,?,?) "
                + "ON CONFLICT(run_id) DO UPDATE SET limits=excluded.limits, read_at=excluded.read_at", runId, json, now));
    }
}
