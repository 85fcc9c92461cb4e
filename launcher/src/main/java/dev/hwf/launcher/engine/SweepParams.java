package dev.hwf.launcher.engine;

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

    /** Element {@code index}'s parameters in matrix order, or null when the task is no sweep. */
    public Map<String, String> params(String task, int index) {
        if (spec == null) {
            return null;
        }
        for (Task t : spec.tasks()) {
            if (t.name().equals(task)) {
                return t.isSweep() && index >= 0 && index < t.array() ? t.params(index) : null;
            }
        }
        return null;
    }

    /** The task's modules, setup and container in the stored workflow; none when it cannot be read. */
    public Task.Software software(String task) {
        if (spec != null) {
            for (Task t : spec.tasks()) {
                if (t.name().equals(task)) {
                    return t.software();
                }
            }
        }
        return Task.Software.NONE;
    }

    /** Whether the task is a service in the stored workflow. */
    public boolean isService(String task) {
        return spec != null && spec.tasks().stream().anyMatch(t -> t.name().equals(task) && t.isService());
    }
}
