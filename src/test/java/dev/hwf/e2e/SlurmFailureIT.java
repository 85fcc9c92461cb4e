package dev.hwf.e2e;

import java.time.Duration;

/** Failure handling on the real local Slurm. */
class SlurmFailureIT extends FailureScenarios {
    @Override
    String scheduler() {
        return "slurm";
    }

    @Override
    String pollInterval() {
        return "1";
    }

    @Override
    Duration runLimit() {
        return Duration.ofSeconds(180);
    }
}
