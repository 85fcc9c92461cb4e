package dev.hwf.launcher.report;

import dev.hwf.launcher.journal.SpecCodec;
import dev.hwf.launcher.journal.RunRecord;
import dev.hwf.launcher.workflow.Task;
import dev.hwf.launcher.workflow.Workflow;
import java.util.Map;

/**
 * The parameters of each sweep element of a run, read from the workflow the journal stored with
 * the run (so they match what was submitted even when the file has changed since).
 */
public final class SweepParams {
    private final Workflow spec;

    private SweepParams(Workflow spec) {
        this.spec = spec;
    }

    /** The run's sweeps; a run whose stored workflow cannot be read simply has none. */
    public static SweepParams of(RunRecord run) {
        return new SweepParams(SpecCodec.fromJsonOrNull(run.spec()));
    }

    /** The task in the stored workflow, or null when there is no such task or no readable workflow. */
    private Task task(String name) {
        if (spec == null) {
            return null;
        }
        return spec.tasks().stream().filter(t -> t.name().equals(name)).findFirst().orElse(null);
    }

    /** Element {@code index}'s parameters in matrix order, or null when the task is no sweep. */
    public Map<String, String> params(String task, int index) {
        Task t = task(task);
        return t != null && t.isSweep() && index >= 0 && index < t.array() ? t.params(index) : null;
    }

    /** The task's environment as shown ({@link Task#shownEnv}: secrets as references), or null when unknown. */
    public Map<String, String> env(String task) {
        Task t = task(task);
        return t == null ? null : t.shownEnv();
    }

    /** The task's modules, setup and container in the stored workflow; none when it cannot be read. */
    public Task.Software software(String task) {
        Task t = task(task);
        return t == null ? Task.Software.NONE : t.software();
    }

    /** Whether the task is a service in the stored workflow. */
    public boolean isService(String task) {
        Task t = task(task);
        return t != null && t.isService();
    }
}
