package dev.hwf.launcher.engine.support;

import dev.hwf.launcher.engine.Follow;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A clock that stands still until the test sets or advances it. UTC, like the engine's. As a
 * {@link Follow.Ticker} it is the time a followed run keeps: a wait advances it by the wait. What
 * the test has planned {@link #at} a moment happens when the clock reaches it, as a job's file
 * appears while hwf waits.
 */
public final class TestClock extends Clock implements Follow.Ticker {
    private Instant now;
    private final TreeMap<Instant, List<Runnable>> planned = new TreeMap<>();
    private final List<Long> sleeps = new ArrayList<>();

    public TestClock(Instant start) {
        this.now = start;
    }

    public synchronized void set(Instant instant) {
        now = instant;
    }

    /** Moves the clock on by {@code d}, doing on the way whatever was planned up to the new time. */
    public Instant advance(Duration d) {
        Instant to;
        synchronized (this) {
            to = now.plus(d);
        }
        while (true) {
            Runnable due;
            synchronized (this) {
                Map.Entry<Instant, List<Runnable>> first = planned.firstEntry();
                if (first == null || first.getKey().isAfter(to)) {
                    now = to;
                    return now;
                }
                if (first.getKey().isAfter(now)) {
                    now = first.getKey();
                }
                due = first.getValue().remove(0);
                if (first.getValue().isEmpty()) {
                    planned.remove(first.getKey());
                }
            }
            due.run(); // outside the lock: what it does may read the clock
        }
    }

    /** Does {@code what} when the clock reaches {@code when} (at once on the next advance if it has). */
    public synchronized void at(Instant when, Runnable what) {
        planned.computeIfAbsent(when, k -> new ArrayList<>()).add(what);
    }

    @Override
    public synchronized Instant instant() {
        return now;
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    /** The engine reads instants only; a clock in another zone would be a detached copy, so refuse. */
    @Override
    public Clock withZone(ZoneId zone) {
        throw new UnsupportedOperationException("TestClock is UTC only");
    }

    // ------------------------------------------------------------------ as a followed run's time

    @Override
    public synchronized long nanoTime() {
        return now.getEpochSecond() * 1_000_000_000L + now.getNano();
    }

    /** A wait takes no real time: the clock moves on by it. */
    @Override
    public void sleep(long millis) {
        synchronized (this) {
            sleeps.add(millis);
        }
        advance(Duration.ofMillis(millis));
    }

    /** The waits asked for so far, in milliseconds, in order. */
    public synchronized List<Long> sleeps() {
        return List.copyOf(sleeps);
    }
}
