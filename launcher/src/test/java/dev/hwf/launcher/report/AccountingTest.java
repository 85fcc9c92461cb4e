package dev.hwf.launcher.report;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.hwf.api.JobState;
import dev.hwf.launcher.journal.ElementRecord;
import dev.hwf.launcher.journal.RunRecord;
import dev.hwf.launcher.journal.RunSnapshot;
import dev.hwf.launcher.journal.SpecCodec;
import dev.hwf.launcher.journal.TaskRecord;
import dev.hwf.launcher.workflow.Site;
import dev.hwf.launcher.workflow.Task;
import dev.hwf.launcher.workflow.Workflow;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Core- and GPU-hours from element start and end times and what each task allocates. */
class AccountingTest {
    private static final Instant T0 = Instant.parse("2030-01-01T00:00:00Z");

    private static Task task(String name, int nodes, int ntasks, int cpus, int gpus, int array) {
        return new Task(name, "true", List.of(), nodes, ntasks, cpus, 0, 0, null, null, null, Map.of(), 0, List.of(),
                null, gpus, array, 0);
    }

    private static ElementRecord el(String task, int index, JobState state, Instant start, Instant end) {
        return new ElementRecord(task, index, state, 1, 1, "1", null, null, null, start, end);
    }

    @Test
    void elapsedTimesAllocation() {
        Task mpi = task("mpi", 2, 8, 4, 0, 0);      // 32 cores, no GPU
        Task train = task("train", 2, 2, 1, 4, 2);  // 2 cores, 8 GPUs per element
        Workflow wf = new Workflow("w", "slurm", Site.local(), List.of(mpi, train), "w.yaml", 10.0);
        RunRecord run = new RunRecord("r", "w", "slurm", "RUNNING", null, "w.yaml", SpecCodec.toJson(wf), "/tmp", T0,
                null);
        List<TaskRecord> tasks = List.of(
                new TaskRecord("mpi", 0, JobState.SUCCEEDED, null, 1, "1", 0, 0, T0, T0, T0),
                new TaskRecord("train", 1, JobState.RUNNING, null, 1, "2", null, 2, T0, T0, null));
        List<ElementRecord> elements = List.of(
                el("mpi", 0, JobState.SUCCEEDED, T0, T0.plusSeconds(1800)),             // 0.5 h
                el("train", 0, JobState.SUCCEEDED, T0, T0.plusSeconds(3600)),           // 1 h
                el("train", 1, JobState.RUNNING, T0.plusSeconds(3600), null));         // 1 h so far
        RunSnapshot snap = new RunSnapshot(run, tasks, elements, List.of());
        Accounting.Report r = Accounting.of(snap, T0.plusSeconds(7200));
        assertEquals(new Accounting.Usage(16, 0), r.tasks().get("mpi"));
        assertEquals(new Accounting.Usage(4, 16), r.tasks().get("train"));
        assertEquals(new Accounting.Usage(20, 16), r.total());
    }

    @Test
    void neverStartedCountsNothingAndFormatting() {
        assertEquals(0.0, Accounting.hours(el("t", 0, JobState.WAITING, null, null), T0));
        assertEquals(0.0, Accounting.hours(el("t", 0, JobState.CANCELLED, T0, null), T0.plusSeconds(60)));
        assertEquals("0.0005928", Accounting.format(0.00059281234));
        assertEquals("12.35", Accounting.format(12.3456));
        assertEquals("100", Accounting.format(100));
        assertEquals("0", Accounting.format(0));
    }
}
