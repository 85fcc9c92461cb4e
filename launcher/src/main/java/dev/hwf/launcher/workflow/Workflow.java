package dev.hwf.launcher.workflow;

import java.util.List;

/**
 * A validated workflow: every rule of SPEC section 1 holds (names, references, no cycles), and
 * tasks are in file order.
 *
 * @param source         the file it was read from, as given on the command line (for messages)
 * @param budgetGpuHours GPU-hours after which no new work is submitted ({@code budget.gpuHours}), or null
 */
public record Workflow(String name, String scheduler, Site site, List<Task> tasks, String source,
                       Double budgetGpuHours) {
    public Workflow {
        tasks = List.copyOf(tasks);
    }

    /** A workflow without a budget. */
    public Workflow(String name, String scheduler, Site site, List<Task> tasks, String source) {
        this(name, scheduler, site, tasks, source, null);
    }

    public Task task(String taskName) {
        for (Task t : tasks) {
            if (t.name().equals(taskName)) {
                return t;
            }
        }
        throw new IllegalArgumentException("no task " + taskName + " in workflow " + name);
    }
}
