package dev.hwf.launcher.engine;

import dev.hwf.api.SchedulerAdapter;
import dev.hwf.launcher.exec.CommandRunner;
import dev.hwf.launcher.exec.SiteFiles;
import java.time.Duration;

/**
 * A scheduler as the engine uses it: the adapter's strings and parsers, the runner its commands
 * go through, the files of its work directory, and how long a job may be missing from the
 * scheduler's answers, with no exit code file, before it counts as LOST.
 */
public record Scheduler(SchedulerAdapter adapter, CommandRunner runner, SiteFiles files, Duration lostAfter,
                        Duration commandTimeout) {
}
