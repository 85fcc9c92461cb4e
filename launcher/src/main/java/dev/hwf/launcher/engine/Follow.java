package dev.hwf.launcher.engine;

import dev.hwf.launcher.journal.RunSnapshot;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;

/**
 * The pace of a followed run ({@code submit}, {@code resume}, {@code watch}): a full pass, which
 * asks the scheduler, once per interval (doubled for each pass in a row the scheduler did not
 * answer, at most 60 s); between them, a look at the live elements' exit code files
 * ({@link RunEngine#endsWritten}: one directory listing per task with live elements, locally or over
 * SFTP on the open connection), and as soon as one has appeared a pass that reads the files only
 * ({@link RunEngine#advanceFromFiles}). So an element that ended releases its dependants within
 * about a second, while the scheduler is still asked at most once per interval.
 *
 * <p>Over SSH the files are looked at every {@link #CHECK}. Locally a look is a directory listing
 * on this machine: it is made every {@link #LOCAL_CHECK}, or, where the listings grow long (tens of
 * thousands of ended elements' files), after twenty times as long as the last look took, up to
 * {@link #CHECK}; so looking never takes more than a twentieth of one core.
 *
 * <p>After each pass a {@link HeapKeeper} sees that the heap stays what the passes hold.
 */
public final class Follow {
    /** How often the exit code files are looked at between two full passes over SSH, and at the least here. */
    public static final Duration CHECK = Duration.ofMillis(500);
    /** How often they are looked at, at the most, where they are on this machine. */
    public static final Duration LOCAL_CHECK = Duration.ofMillis(100);

    /**
     * The time a followed run keeps and how it waits: this machine's monotonic clock and
     * {@link Thread#sleep} ({@link #SYSTEM}), or a test's clock, which a wait moves on.
     */
    public interface Ticker {
        /** Nanoseconds from some fixed origin, as {@link System#nanoTime}: only differences count. */
        long nanoTime();

        /** Waits {@code millis} milliseconds. */
        void sleep(long millis) throws InterruptedException;

        Ticker SYSTEM = new Ticker() {
            @Override
            public long nanoTime() {
                return System.nanoTime();
            }

            @Override
            public void sleep(long millis) throws InterruptedException {
                Thread.sleep(millis);
            }
        };
    }

    private final RunEngine engine;
    private final Duration interval;
    private final Ticker ticker;
    /** Whether the run's files are on this machine: looked at more often, as cheaply as it takes. */
    private final boolean local;
    /** The pause before the next look at the files. */
    private long checkMillis;
    private long nextFull;
    /** Whether the last files-only pass ended nothing: none is made again before the next full pass. */
    private boolean filesSaidAll;
    /** What keeps the heap from growing over hours of passes. */
    private final HeapKeeper heap = new HeapKeeper();

    /** The next full pass comes one interval from now. */
    public Follow(RunEngine engine, Duration interval) {
        this(engine, interval, Ticker.SYSTEM);
    }

    /** The next full pass comes one interval from now, as {@code ticker} keeps time. */
    public Follow(RunEngine engine, Duration interval, Ticker ticker) {
        this.engine = engine;
        this.interval = interval;
        this.ticker = ticker;
        this.nextFull = ticker.nanoTime() + interval.toNanos();
        this.local = engine.filesAreLocal();
        this.checkMillis = local ? LOCAL_CHECK.toMillis() : CHECK.toMillis();
    }

    /**
     * Waits for the next pass and makes it: a full one when it is due, else a files-only one as soon
     * as a live element of {@code last} has written its exit code file. Returns the run after it.
     */
    public RunSnapshot next(String runId, RunSnapshot last) throws InterruptedException {
        RunSnapshot after = pass(runId, last);
        heap.afterPass();
        return after;
    }

    private RunSnapshot pass(String runId, RunSnapshot last) throws InterruptedException {
        long due = nextFull + backoff(interval, engine.consecutiveStatusFailures()).minus(interval).toNanos();
        while (true) {
            long left = due - ticker.nanoTime();
            if (left <= 0) {
                nextFull = ticker.nanoTime() + interval.toNanos();
                filesSaidAll = false;
                return engine.advance(runId);
            }
            ticker.sleep(Math.max(1, Math.min(left / 1_000_000, checkMillis)));
            if (!filesSaidAll && due - ticker.nanoTime() > 0 && looked(last)) {
                RunSnapshot after = engine.advanceFromFiles(runId);
                // a file that decided nothing (a signal, whose cause the scheduler says) is not read again
                // and again: the full pass settles it
                filesSaidAll = live(after).containsAll(live(last));
                return after;
            }
        }
    }

    /** Whether a live element's exit code file has appeared; sets the pause before the next look. */
    private boolean looked(RunSnapshot last) {
        long t0 = ticker.nanoTime();
        boolean ended = engine.endsWritten(last);
        if (local) {
            checkMillis = pause((ticker.nanoTime() - t0) / 1_000_000);
        }
        return ended;
    }

    /** The pause after a local look that took {@code tookMillis}: twenty times that, within the bounds. */
    static long pause(long tookMillis) {
        return Math.max(LOCAL_CHECK.toMillis(), Math.min(CHECK.toMillis(), 20 * tookMillis));
    }

    private static Set<String> live(RunSnapshot snap) {
        Set<String> out = new HashSet<>();
        snap.elements().forEach(e -> out.add(e.task() + "/" + e.index() + "/" + e.attempt()));
        return out;
    }

    /**
     * The pause before the next full pass: the interval, doubled for each pass in a row that could
     * not read the scheduler, at most 60 s (and never less than the interval).
     */
    public static Duration backoff(Duration interval, int failures) {
        long factor = 1L << Math.min(failures, 6);
        long ms = Math.min(interval.toMillis() * factor, Math.max(60_000, interval.toMillis()));
        return Duration.ofMillis(ms);
    }
}
