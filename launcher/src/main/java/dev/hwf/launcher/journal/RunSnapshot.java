package dev.hwf.launcher.journal;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A run with its tasks (in workflow order), all their elements and attempts, read in one transaction. */
public record RunSnapshot(RunRecord run, List<TaskRecord> tasks, List<ElementRecord> elements,
                          List<AttemptRecord> attempts) {

    public RunSnapshot {
        tasks = List.copyOf(tasks);
        elements = List.copyOf(elements);
        attempts = List.copyOf(attempts);
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

    /** The attempt row of a task, if it was recorded. */
    public java.util.Optional<AttemptRecord> attempt(String task, int attempt) {
        return attempts.stream().filter(a -> a.task().equals(task) && a.attempt() == attempt).findFirst();
    }

    /** Where a service task's current attempt answers (host:port), or null until it is ready. */
    public String endpoint(String task) {
        return attempt(task, task(task).attempt()).map(AttemptRecord::endpoint).orElse(null);
    }
}
