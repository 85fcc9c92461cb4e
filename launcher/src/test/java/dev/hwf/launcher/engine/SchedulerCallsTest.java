package dev.hwf.launcher.engine;

import static dev.hwf.launcher.engine.support.FixtureRunner.fixture;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.hwf.api.JobId;
import dev.hwf.api.JobState;
import dev.hwf.api.JobStatus;
import dev.hwf.launcher.engine.support.FakeSiteFiles;
import dev.hwf.launcher.engine.support.FixtureRunner;
import dev.hwf.launcher.site.Scheduler;
import dev.hwf.slurm.SlurmAdapter;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The scheduler's answers as a pass reads them, on output captured from the realistic test cluster. */
class SchedulerCallsTest {
    private final FixtureRunner runner = new FixtureRunner();
    private final Scheduler slurm = new Scheduler(new SlurmAdapter(), runner, new FakeSiteFiles(),
            Duration.ofSeconds(120), Duration.ofSeconds(60), Duration.ofSeconds(90));

    private Map<String, JobStatus> history(String fixture) {
        runner.on("sacct", fixture(fixture));
        return SchedulerCalls.readStatus(slurm, slurm.adapter().historyCommand(List.of(new JobId("39"))), true);
    }

    @Test
    void anElementSacctListsTwiceIsAsFarAlongAsItsFurthestLine() {
        // 39_2 RUNNING beside the stale pending range 39_[2-3%1]
        Map<String, JobStatus> running = history("slurm/sacct-array-overlap-running");
        assertEquals(JobState.RUNNING, running.get("39_2").state());
        assertEquals(JobState.QUEUED, running.get("39_3").state());
        Map<String, JobStatus> done = history("slurm/sacct-array-overlap-completed");
        assertEquals(JobState.SUCCEEDED, done.get("39_2").state());
        assertEquals(JobState.SUCCEEDED, done.get("39_0").state());
    }
}
