package dev.hwf.e2e;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;

/**
 * Failure handling on the PBS adapter's Torque flavour, through Slurm's Torque wrappers: retries of
 * only the failed elements ({@code #PBS -t 2,5}), hwf killed at any instant (jobs found again by name
 * with the wrappers' {@code qstat -f}), resume, cancel ({@code qdel}) and reasons.
 */
class TorqueFailureIT extends FailureScenarios {
    @Override
    String scheduler() {
        return "pbs";
    }

    @Override
    String pollInterval() {
        return "1";
    }

    @Override
    Duration runLimit() {
        return Duration.ofSeconds(180);
    }

    @Override
    String[] submitArgs(Path file, String... more) {
        String[] args = super.submitArgs(file, more);
        String[] withFlavor = Arrays.copyOf(args, args.length + 2);
        withFlavor[args.length] = "--set";
        withFlavor[args.length + 1] = "site.flavor=torque";
        return withFlavor;
    }
}
