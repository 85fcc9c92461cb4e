package dev.hwf.launcher.engine.support;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/** A clock that stands still until the test sets or advances it. UTC, like the engine's. */
public final class TestClock extends Clock {
    private Instant now;

    public TestClock(Instant start) {
        this.now = start;
    }

    public synchronized void set(Instant instant) {
        now = instant;
    }

    public synchronized Instant advance(Duration d) {
        now = now.plus(d);
        return now;
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
}
