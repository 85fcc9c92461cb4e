package dev.hwf.launcher.journal;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The journal's outbox of notifications (schema version 9; pending reasons, version 10). Notices are written by triggers in the
 * transaction of the change that causes them; this class gathers the open ones into messages (one per
 * run and kind, whatever their number) and keeps each message's delivery to each channel: claimed
 * before it is sent, recorded after, retried with backoff in between.
 */
public final class Outbox {
    /** A delivery's states. */
    public static final String PENDING = "PENDING";
    public static final String SENT = "SENT";
    public static final String FAILED = "FAILED";

    private final JournalDb db;

    Outbox(JournalDb db) {
        this.db = db;
    }

    /** One event as its trigger wrote it: an element failed for good ({@code task}, {@code index}), a run ended. */
    public record Notice(long seq, String runId, String kind, String task, Integer index, String state,
                         String reason, Instant at) {
    }

    /** One message to one channel (the index of its {@code notify:} entry), with its words fixed. */
    public record Message(int channel, String subject, String body) {
    }

    /** A run's open notices of one kind, and the run they belong to, for {@link Composer}. */
    public record Group(String runId, String workflow, String spec, String runState, String kind,
                       List<Notice> notices) {
    }

    /** Turns a group of notices into the messages for each channel that hears them (none: none). */
    @FunctionalInterface
    public interface Composer {
        List<Message> compose(Group group);
    }

    /** A message's delivery to one channel, as the journal keeps it. */
    public record Delivery(String messageId, int channel, String runId, String kind, String subject, String body,
                           String state, int tries, Instant nextAt, String lastError, Instant createdAt,
                           Instant sentAt) {
    }

    /**
     * How many deliveries are in each state; {@code open} counts notices not yet gathered into a message;
     * {@code lastError} is that of the latest delivery not sent, if it has one.
     */
    public record Summary(int pending, int sent, int failed, int open, String lastError) {
        public boolean isEmpty() {
            return pending + sent + failed + open == 0;
        }
    }

    /**
     * Gathers every open notice into messages, in one transaction: per run and kind one message, whose
     * id ({@code RUN.KIND.SEQ}, the first notice's number) and words stay what they are from then on,
     * however often it is sent. How many messages were made.
     */
    public int gather(Composer composer, Instant now) {
        return db.inTransaction(c -> {
            List<Notice> open = Sql.list(c, "SELECT seq, run_id, kind, task, idx, state, reason, created_at "
                    + "FROM hwf_notice WHERE message_id IS NULL ORDER BY seq", rs -> new Notice(rs.getLong(1),
                    rs.getString(2), rs.getString(3), rs.getString(4), Rows.intOrNull(rs, "idx"), rs.getString(6),
                    rs.getString(7), Rows.instant(rs, 8)));
            Map<String, List<Notice>> groups = new LinkedHashMap<>();
            for (Notice n : open) {
                groups.computeIfAbsent(n.runId() + "\n" + n.kind(), k -> new ArrayList<>()).add(n);
            }
            int made = 0;
            for (List<Notice> notices : groups.values()) {
                Notice first = notices.get(0);
                String id = first.runId() + "." + first.kind() + "." + first.seq();
                Group g = Sql.first(c, "SELECT workflow, spec, state FROM hwf_run WHERE id=?", rs -> new Group(
                        first.runId(), rs.getString(1), rs.getString(2), rs.getString(3), first.kind(), notices),
                        first.runId()).orElse(null);
                List<Message> messages = g == null ? List.of() : composer.compose(g);
                for (Message m : messages) {
                    Sql.update(c, "INSERT OR IGNORE INTO hwf_delivery(message_id, channel, run_id, kind, subject, "
                            + "body, state, tries, next_at, created_at) VALUES (?,?,?,?,?,?,?,0,?,?)", id,
                            m.channel(), first.runId(), first.kind(), m.subject(), m.body(), PENDING, now, now);
                }
                made += messages.isEmpty() ? 0 : 1;
                Sql.batch(c, "UPDATE hwf_notice SET message_id=? WHERE seq=? AND message_id IS NULL", notices,
                        n -> new Object[] {id, n.seq()});
            }
            return made;
        });
    }

    /**
     * The {@code budget} notices (SPEC section 7) a run's GPU-hour use calls for: one at 80 % and one at
     * 100 % of {@code budget}, each written once (a pass that finds it written already writes nothing),
     * and only when the run's {@code notify:} hears {@code budget}. How many were written now.
     */
    public int budget(String runId, double used, double budget, String usage, Instant now) {
        if (used < budget * 0.8) {
            return 0;
        }
        return db.inTransaction(c -> {
            int n = 0;
            for (int percent : new int[] {80, 100}) {
                if (used >= budget * percent / 100.0) {
                    n += Sql.update(c, "INSERT INTO hwf_notice(run_id, kind, state, reason, created_at) SELECT ?, "
                            + "'budget', ?, ?, ? WHERE (SELECT notify FROM hwf_run WHERE id=?) LIKE '%,budget,%' AND "
                            + "NOT EXISTS (SELECT 1 FROM hwf_notice WHERE run_id=? AND kind='budget' AND state=?)",
                            runId, percent + "%", usage, now, runId, runId, percent + "%");
                }
            }
            return n;
        });
    }

    /** The blocks of a pending reason that cannot clear by itself, as {@code hwf_element.pending_block} holds them. */
    static final String STUCK_BLOCKS = "('HELD','DOWN','BUDGET','NEVER')";

    /**
     * The {@code stuck} notices of a run whose {@code notify:} hears them (SPEC section 7), each written
     * once. One per QUEUED element, attempt and pending reason its scheduler says cannot clear by itself
     * ({@code hwf_element.pending_block}), as soon as a pass sees it: its state the block (HELD, DOWN,
     * BUDGET, NEVER), its reason "queued as job ID: REASON"; a new reason or a new attempt writes another.
     * And one per live element and attempt that has not changed state for {@code after} (QUEUED since its
     * attempt was submitted, RUNNING since it started), unless it waits on such a reason right now, which
     * has its notice already. How many were written now.
     */
    public int stuck(String runId, java.time.Duration after, Instant now) {
        Instant cutoff = now.minus(after);
        String waits = "'queued' || coalesce(' as job ' || e.job_id, '') || ': ' || e.pending";
        return db.inTransaction(c -> Sql.update(c, "INSERT INTO hwf_notice(run_id, kind, task, idx, attempt, state, "
                + "reason, created_at) SELECT e.run_id, 'stuck', e.task, e.idx, e.attempt, e.pending_block, " + waits
                + ", ? FROM hwf_element e WHERE e.run_id=? AND (SELECT notify FROM hwf_run WHERE id=?) LIKE "
                + "'%,stuck,%' AND e.state='QUEUED' AND e.pending_block IN " + STUCK_BLOCKS + " AND NOT EXISTS "
                + "(SELECT 1 FROM hwf_notice n WHERE n.run_id=e.run_id AND n.kind='stuck' AND n.task=e.task AND "
                + "n.idx=e.idx AND n.attempt=e.attempt AND n.reason=" + waits + ")", now, runId, runId)
                + Sql.update(c, "INSERT INTO hwf_notice(run_id, kind, task, idx, attempt, state, "
                + "reason, created_at) SELECT e.run_id, 'stuck', e.task, e.idx, e.attempt, e.state, CASE e.state WHEN "
                + "'RUNNING' THEN 'running since ' || e.started_at ELSE 'queued since ' || a.submitted_at || "
                + "coalesce(' as job ' || e.job_id, '') END, ? FROM hwf_element e JOIN hwf_attempt a ON "
                + "a.run_id=e.run_id AND a.task=e.task AND a.attempt=e.attempt WHERE e.run_id=? AND "
                + "(SELECT notify FROM hwf_run WHERE id=?) LIKE '%,stuck,%' AND ((e.state='RUNNING' AND "
                + "julianday(e.started_at) < julianday(?)) OR (e.state='QUEUED' AND julianday(a.submitted_at) < "
                + "julianday(?) AND coalesce(e.pending_block, '') NOT IN " + STUCK_BLOCKS + ")) AND NOT EXISTS "
                + "(SELECT 1 FROM hwf_notice n WHERE n.run_id=e.run_id AND n.kind='stuck' AND n.task=e.task AND "
                + "n.idx=e.idx AND n.attempt=e.attempt AND n.state=e.state)", now, runId, runId, cutoff, cutoff));
    }

    /** Deliveries that are PENDING and due at {@code now}, in the order they were made, at most {@code limit}. */
    public List<Delivery> due(Instant now, int limit) {
        return db.inTransaction(c -> Sql.list(c, "SELECT * FROM hwf_delivery WHERE state=? AND "
                + "julianday(next_at) <= julianday(?) ORDER BY julianday(created_at), rowid LIMIT ?",
                Outbox::delivery, PENDING, now, limit));
    }

    /**
     * Takes a due delivery for this process: counts the try and moves its next attempt to {@code until},
     * so that no other hwf process sends it meanwhile; should this one die after sending and before
     * {@link #sent}, the next process sends it again after {@code until}, with the same id. False
     * when another process took it first.
     */
    public boolean claim(Delivery d, Instant until) {
        return db.inTransaction(c -> Sql.update(c, "UPDATE hwf_delivery SET tries=tries+1, next_at=? WHERE "
                + "message_id=? AND channel=? AND state=? AND tries=? AND next_at=?", until, d.messageId(),
                d.channel(), PENDING, d.tries(), d.nextAt()) == 1);
    }

    /** Records that the receiver took the message. */
    public void sent(Delivery d, Instant now) {
        db.inTransaction(c -> Sql.update(c, "UPDATE hwf_delivery SET state=?, sent_at=?, last_error=NULL WHERE "
                + "message_id=? AND channel=?", SENT, now, d.messageId(), d.channel()));
    }

    /** Records a failed try: the error, and either the next attempt or, with {@code giveUp}, FAILED for good. */
    public void failed(Delivery d, String error, Instant next, boolean giveUp) {
        db.inTransaction(c -> Sql.update(c, "UPDATE hwf_delivery SET state=?, next_at=?, last_error=? WHERE "
                + "message_id=? AND channel=? AND state=?", giveUp ? FAILED : PENDING, next, error, d.messageId(),
                d.channel(), PENDING));
    }

    /** Every delivery of a run (all runs when null), in the order they were made. */
    public List<Delivery> deliveries(String runId) {
        return db.inTransaction(c -> Sql.list(c, "SELECT * FROM hwf_delivery WHERE ?1 IS NULL OR run_id=?1 "
                + "ORDER BY julianday(created_at), rowid", Outbox::delivery, runId));
    }

    /** The notices of a run, in the order they were written. */
    public List<Notice> notices(String runId) {
        return db.inTransaction(c -> Sql.list(c, "SELECT seq, run_id, kind, task, idx, state, reason, created_at "
                + "FROM hwf_notice WHERE run_id=? ORDER BY seq", rs -> new Notice(rs.getLong(1), rs.getString(2),
                rs.getString(3), rs.getString(4), Rows.intOrNull(rs, "idx"), rs.getString(6), rs.getString(7),
                Rows.instant(rs, 8)), runId));
    }

    /** How a run's notifications stand (on a connection of the reading path too). */
    static Summary summary(Connection c, String runId) throws SQLException {
        return new Summary(count(c, runId, PENDING), count(c, runId, SENT), count(c, runId, FAILED),
                Sql.number(c, "SELECT count(*) FROM hwf_notice WHERE run_id=? AND message_id IS NULL", runId),
                Sql.first(c, "SELECT last_error FROM hwf_delivery WHERE run_id=? AND state<>? AND last_error IS NOT "
                        + "NULL ORDER BY julianday(created_at) DESC LIMIT 1", rs -> rs.getString(1), runId, SENT)
                        .orElse(null));
    }

    /** {@link #summary(Connection, String)} in a transaction of its own. */
    public Summary summary(String runId) {
        return db.inTransaction(c -> summary(c, runId));
    }

    private static int count(Connection c, String runId, String state) throws SQLException {
        return Sql.number(c, "SELECT count(*) FROM hwf_delivery WHERE run_id=? AND state=?", runId, state);
    }

    private static Delivery delivery(java.sql.ResultSet rs) throws SQLException {
        return new Delivery(rs.getString("message_id"), rs.getInt("channel"), rs.getString("run_id"),
                rs.getString("kind"), rs.getString("subject"), rs.getString("body"), rs.getString("state"),
                rs.getInt("tries"), Rows.instant(rs, "next_at"), rs.getString("last_error"),
                Rows.instant(rs, "created_at"), Rows.instant(rs, "sent_at"));
    }
}
