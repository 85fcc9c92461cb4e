package dev.hwf.launcher.journal;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A run with its tasks (in workflow order) and all their elements, read in one transaction. */
public record RunSnapshot(RunRecord run, List<TaskRecord> tasks, List<ElementRecord> elements) {

    public RunSnapshot {
        tasks = List.copyOf(tasks);
        elements = List.copyOf(elements);
    }

    /** Elements grouped by task name, in index order. */
    public Map<String, List<ElementRecord>> elementsByTask() {
        Map<String, List<ElementRecord>> byTask = new LinkedHashMap<>();
        for (TaskRecord t : tasks) {
            byTask.put(t.name(), new ArrayList<>());
        }
        for (ElementRecord e : elements) {
            byTask.computeIfAbsent(e.task(), k -> new ArrayList<>()).add(e);
        }
        return byTask;
    }

    public TaskRecord task(String name) {
        for (TaskRecord t : tasks) {
            if (t.name().equals(name)) {
                return t;
            }
        }
        throw new IllegalArgumentException("no task " + name + " in run " + run.id());
    }
}
