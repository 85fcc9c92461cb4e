package dev.hwf.launcher.notify;

import dev.hwf.launcher.engine.CrashHook;
import dev.hwf.launcher.journal.Journal;
import dev.hwf.launcher.journal.Outbox;
import dev.hwf.launcher.journal.SpecCodec;
import dev.hwf.launcher.workflow.Notify;
import dev.hwf.launcher.workflow.Workflow;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends what the outbox holds, from whichever hwf process gets there (a pass of {@code submit},
 * {@code watch} or {@code poll}): gathers open notices into messages, then takes each due delivery
 * ({@link Outbox#claim}), sends it, and records it; a failure is kept with its error and tried again
 * later, each wait twice the one before. hwf killed between sending and recording sends it again
 * once the claim has lapsed, with the same id, so a receiver that honours the id sees it once.
 * Nothing here ever fails a pass: what went wrong is in the journal and in {@code hwf status}.
 */
public final class Notifier {
    private static final Logger LOG = LoggerFactory.getLogger(Notifier.class);
    /** Where hwf may be stopped dead between sending a message and recording it (tests). */
    public static final String CRASH_POINT = "after-notify-send";
    /** Deliveries tried in one call at most: a pass never spends long on them. */
    static final int PER_CALL = 50;
    /** No new send is started this long after a call began; the rest wait for the next pass. */
    static final Duration BUDGET = Duration.ofSeconds(30);

    /**
     * How long a claim holds, the first wait after a failure and the longest, and after how long a
     * message is given up (FAILED). {@code HWF_NOTIFY_LEASE} and {@code HWF_NOTIFY_BACKOFF} (seconds)
     * shorten the first two for tests.
     */
    public record Timing(Duration lease, Duration firstWait, Duration longestWait, Duration giveUpAfter) {
        public static final Timing DEFAULT = new Timing(Duration.ofMinutes(2), Duration.ofSeconds(30),
                Duration.ofHours(1), Duration.ofDays(3));

        static Timing from(Map<String, String> env) {
            return new Timing(seconds(env, "HWF_NOTIFY_LEASE", DEFAULT.lease),
                    seconds(env, "HWF_NOTIFY_BACKOFF", DEFAULT.firstWait), DEFAULT.longestWait, DEFAULT.giveUpAfter);
        }

        private static Duration seconds(Map<String, String> env, String name, Duration dflt) {
            try {
                String v = env.get(name);
                return v == null || v.isBlank() ? dflt : Duration.ofMillis((long) (Double.parseDouble(v) * 1000));
            } catch (NumberFormatException e) {
                return dflt;
            }
        }

        /** The wait after the {@code tries}-th failed try: the first wait, doubled each time, at most the longest. */
        Duration after(int tries) {
            Duration d = firstWait;
            for (int i = 1; i < tries && d.compareTo(longestWait) < 0; i++) {
                d = d.multipliedBy(2);
            }
            return d.compareTo(longestWait) > 0 ? longestWait : d;
        }
    }

    private final Journal journal;
    private final Clock clock;
    private final CrashHook crash;
    private final Channels channels;
    private final Timing timing;

    public Notifier(Journal journal, Clock clock, CrashHook crash) {
        this(journal, clock, crash, System.getenv(), Timing.from(System.getenv()));
    }

    public Notifier(Journal journal, Clock clock, CrashHook crash, Map<String, String> env, Timing timing) {
        this.journal = journal;
        this.clock = clock;
        this.crash = crash;
        this.channels = new Channels(env);
        this.timing = timing;
    }

    /** Gathers and sends what is due; how many deliveries were recorded sent. Never throws. */
    public int deliver() {
        try {
            return deliverDue();
        } catch (RuntimeException e) {
            LOG.warn("notifications: {}", e.getMessage());
            LOG.debug("notifications", e);
            return 0;
        }
    }

    private int deliverDue() {
        Outbox outbox = journal.outbox();
        outbox.gather(Messages::compose, clock.instant());
        List<Outbox.Delivery> due = outbox.due(clock.instant(), PER_CALL);
        Map<String, Notify> notifyOf = new HashMap<>();
        Set<String> down = new HashSet<>(); // channels that failed in this call: their other messages wait
        long started = System.nanoTime();
        int sent = 0;
        for (Outbox.Delivery d : due) {
            Instant now = clock.instant();
            if (System.nanoTime() - started > BUDGET.toNanos() || down.contains(d.runId() + "\n" + d.channel())) {
                continue;
            }
            if (!outbox.claim(d, now.plus(timing.lease()))) {
                continue; // another hwf process took it
            }
            Notify notify = notifyOf.computeIfAbsent(d.runId(), this::notifyOf);
            try {
                if (notify == null) {
                    throw new Channels.SendException("the run's workflow names no notify entries");
                }
                channels.send(notify, d);
            } catch (Channels.SendException e) {
                int tries = d.tries() + 1;
                Instant at = clock.instant();
                boolean giveUp = d.createdAt() != null && at.isAfter(d.createdAt().plus(timing.giveUpAfter()));
                LOG.warn("notification {} to {}: {}{}", d.messageId(), describe(notify, d), e.getMessage(),
                        giveUp ? "; given up" : "; tried again later");
                outbox.failed(d, e.getMessage(), at.plus(timing.after(tries)), giveUp);
                down.add(d.runId() + "\n" + d.channel());
                continue;
            }
            crash.reach(CRASH_POINT);
            outbox.sent(d, clock.instant());
            sent++;
        }
        return sent;
    }

    private Notify notifyOf(String runId) {
        Workflow wf = SpecCodec.fromJsonOrNull(journal.run(runId).spec());
        return wf == null ? null : wf.notifications();
    }

    private static String describe(Notify notify, Outbox.Delivery d) {
        return notify != null && d.channel() < notify.rules().size() ? notify.rules().get(d.channel()).describe()
                : "channel " + d.channel();
    }
}
