package dev.hwf.launcher.report;

import dev.hwf.api.JobState;
import dev.hwf.launcher.journal.AttemptRecord;
import dev.hwf.launcher.journal.ElementRecord;
import dev.hwf.launcher.journal.Event;
import dev.hwf.launcher.journal.RunRecord;
import dev.hwf.launcher.journal.RunSnapshot;
import dev.hwf.launcher.journal.TaskRecord;
import dev.hwf.launcher.workflow.Site;
import dev.hwf.launcher.workflow.Task;
import dev.hwf.launcher.workflow.Workflow;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * A finished run with round, known times, as the journal would hold it:
 * <ul>
 *   <li>{@code sim}: 2 nodes × 8 processes × 4 cores (32 cores), queued at 0, running at 10 min,
 *       done at 70 min: one hour, 32 core-hours;</li>
 *   <li>{@code train}: an array of 2 with 1 GPU and 2 cores per element, one retry allowed;
 *       element 0 runs 80–110 min; element 1 runs 80–90 min and fails (exit 3), is submitted again
 *       alone at 95 min, runs 100–130 min. 70 running minutes: 7/3 core-hours, 7/6 GPU-hours;</li>
 *   <li>{@code post}: 1 core; its job id is recorded at 131 min, a pass records a change at 133 min
 *       (the run's own event there), and it is seen SUCCEEDED at 135 min without ever being seen
 *       running: counted from 133 min, 2 minutes.</li>
 * </ul>
 */
final class ReportFixture {
    static final Instant T0 = Instant.parse("2026-01-05T08:00:00Z");
    static final String RUN = "demo-20260105-080000-abcd";
    static final String WORKDIR = "/scratch/u/hwf";

    private ReportFixture() {
    }

    static Instant min(double minutes) {
        return T0.plus(Duration.ofMillis((long) (minutes * 60_000)));
    }

    static Task task(String name, List<String> after, int nodes, int ntasks, int cpus, int gpus, int array, int retries) {
        return new Task(name, "true", after, nodes, ntasks, cpus, 4096, 7200, gpus > 0 ? "gpu" : "cpu", null, null,
                Map.of(), retries, List.of(), null, gpus, array, 0);
    }

    static Workflow workflow(Site site) {
        return new Workflow("demo", "slurm", site, List.of(
                task("sim", List.of(), 2, 8, 4, 0, 0, 0),
                task("train", List.of("sim"), 1, 1, 2, 1, 2, 1),
                task("post", List.of("train"), 1, 1, 1, 0, 0, 0)), "demo.yaml");
    }

    static RunSnapshot snapshot() {
        RunRecord run = new RunRecord(RUN, "demo", "slurm", "SUCCEEDED", null, "demo.yaml", "{}", WORKDIR, T0,
                min(135));
        List<TaskRecord> tasks = List.of(
                new TaskRecord("sim", 0, JobState.SUCCEEDED, null, 1, "100", 0, 0, min(0), min(10), min(70)),
                new TaskRecord("train", 1, JobState.SUCCEEDED, null, 2, "102", 0, 2, min(75), min(80), min(130)),
                new TaskRecord("post", 2, JobState.SUCCEEDED, null, 1, "103", 0, 0, min(131), min(135), min(135)));
        List<ElementRecord> elements = List.of(
                new ElementRecord("sim", 0, JobState.SUCCEEDED, 1, 1, "100", 0, null, null, min(10), min(70)),
                new ElementRecord("train", 0, JobState.SUCCEEDED, 1, 1, "101", 0, null, null, min(80), min(110)),
                new ElementRecord("train", 1, JobState.SUCCEEDED, 2, 2, "102", 0, null, null, min(100), min(130)),
                new ElementRecord("post", 0, JobState.SUCCEEDED, 1, 1, "103", 0, null, null, min(135), min(135)));
        List<AttemptRecord> attempts = List.of(
                new AttemptRecord("sim", 1, "hwf-" + RUN + "-sim-1", "100", "[0]", min(0)),
                new AttemptRecord("train", 1, "hwf-" + RUN + "-train-1", "101", "[0, 1]", min(75)),
                new AttemptRecord("train", 2, "hwf-" + RUN + "-train-2", "102", "[1]", min(95)),
                new AttemptRecord("post", 1, "hwf-" + RUN + "-post-1", "103", "[0]", min(130.5)));
        return new RunSnapshot(run, tasks, elements, attempts);
    }

    static List<Event> events() {
        return List.of(
                new Event(null, null, null, T0, "RUNNING", "submitted", null),
                new Event("sim", null, 1, min(0), "SUBMITTING", "job name x", null),
                new Event("sim", null, 1, min(0.1), "QUEUED", "submitted", "100"),
                new Event("sim", 0, 1, min(10), "RUNNING", null, "100"),
                new Event("sim", 0, 1, min(70), "SUCCEEDED", null, "100"),
                new Event("train", null, 1, min(75), "SUBMITTING", "job name y", null),
                new Event("train", null, 1, min(75.1), "QUEUED", "submitted", "101"),
                new Event("train", 0, 1, min(80), "RUNNING", null, "101"),
                new Event("train", 1, 1, min(80), "RUNNING", null, "101"),
                new Event("train", 1, 1, min(90), "WAITING", "exit 3; retry 1 of 1", "101"),
                new Event("train", null, 2, min(95), "SUBMITTING", "job name z", null),
                new Event("train", null, 2, min(95.1), "QUEUED", "submitted", "102"),
                new Event("train", 1, 2, min(100), "RUNNING", null, "102"),
                new Event("train", 0, 1, min(110), "SUCCEEDED", null, "101"),
                new Event("train", 1, 2, min(130), "SUCCEEDED", null, "102"),
                new Event("post", null, 1, min(130.5), "SUBMITTING", "job name w", null),
                new Event("post", null, 1, min(131), "QUEUED", "submitted", "103"),
                new Event(null, null, null, min(133), "RESUMED", "0 element(s) to run again", null),
                new Event("post", 0, 1, min(135), "SUCCEEDED", null, "103"),
                new Event(null, null, null, min(135), "SUCCEEDED", null, null));
    }
}
