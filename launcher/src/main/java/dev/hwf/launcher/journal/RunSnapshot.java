package dev.hwf.launcher.journal;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A run with its tasks (in workflow order), their elements and attempts, read in one transaction.
 * A complete snapshot holds every element; an open one ({@link Journal#openSnapshot}, what a
 * pass works on) only the live ones (QUEUED, RUNNING), with {@link #counts} standing for the
 * others.
 *
 * @param counts   per task, how many of its elements are in each state (all of them, read or not)
 * @param complete whether {@code elements} holds every element of the run
 */
public record RunSnapshot(RunRecord run, List<TaskRecord> tasks, List<ElementRecord> elements,
                          List<AttemptRecord> attempts, Map<String, StateCounts> counts, boolean complete) {

    public RunSnapshot {
        tasks = List.copyOf(tasks);
        elements = List.copyOf(elements);
        attempts = List.copyOf(attempts);
        counts = Map.copyOf(counts);
    }

    /** A complete snapshot: every element, the counts taken from them. */
    public RunSnapshot(RunRecord run, List<TaskRecord> tasks, List<ElementRecord> elements,
                       List<AttemptRecord> attempts) {
        this(run, tasks, elements, attempts, countsOf(tasks, elements), true);
    }

    private static Map<String, StateCounts> countsOf(List<TaskRecord> tasks, List<ElementRecord> elements) {
        Map<String, List<ElementRecord>> byTask = new LinkedHashMap<>();
        for (TaskRecord t : tasks) {
            byTask.put(t.name(), new ArrayList<>());
        }
        for (ElementRecord e : elements) {
            byTask.computeIfAbsent(e.task(), k -> new ArrayList<>()).add(e);
        }
        Map<String, StateCounts> out = new LinkedHashMap<>();
        byTask.forEach((task, list) -> out.put(task, StateCounts.of(list)));
        return out;
    }

    /** How many of a task's elements are in each state. */
    public StateCounts counts(String task) {
        return counts.getOrDefault(task, StateCounts.NONE);
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
    public Optional<AttemptRecord> attempt(String task, int attempt) {
        return attempts.stream().filter(a -> a.task().equals(task) && a.attempt() == attempt).findFirst();
    }

    /** Where a service task's current attempt answers (host:port), or null until it is ready. */
    public String endpoint(String task) {
        return attempt(task, task(task).attempt()).map(AttemptRecord::endpoint).orElse(null);
    }
}
