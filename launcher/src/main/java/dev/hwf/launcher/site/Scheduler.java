package dev.hwf.launcher.site;

import dev.hwf.api.SchedulerAdapter;
import dev.hwf.launcher.exec.CommandRunner;
import dev.hwf.launcher.exec.SiteFiles;
import java.time.Duration;

/**
 * A scheduler as the engine uses it: the adapter's strings and parsers, the runner its commands
 * go through, the files of its work directory, and its timings.
 *
 * @param lostAfter      how long a job may be missing from the scheduler's answers, with no exit
 *                       code file, before it counts as LOST
 * @param commandTimeout how long one scheduler command may take
 * @param submitGrace    how long after a claim an attempt with no job id that the scheduler does
 *                       not know by name counts as never submitted (a submit command of a dead
 *                       hwf process may still be on its way for a while)
 */
public record Scheduler(SchedulerAdapter adapter, CommandRunner runner, SiteFiles files, Duration lostAfter,
                        Duration commandTimeout, Duration submitGrace) {
}
