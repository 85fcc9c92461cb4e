package dev.hwf.e2e;

import java.time.Duration;

/** Failure handling on the {@code local} scheduler. */
class LocalFailureIT extends FailureScenarios {
    @Override
    String scheduler() {
        return "local";
    }

    @Override
    String pollInterval() {
        return "0.3";
    }

    @Override
    Duration runLimit() {
        return Duration.ofSeconds(60);
    }
}
