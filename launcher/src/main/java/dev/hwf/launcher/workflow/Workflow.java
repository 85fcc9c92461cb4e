package dev.hwf.launcher.workflow;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A validated workflow: every rule of SPEC section 1 holds (names, references, no cycles), and
 * tasks are in file order.
 *
 * @param source         the file it was read from, as given on the command line (for messages)
 * @param budgetGpuHours GPU-hours after which no new work is submitted ({@code budget.gpuHours}), or null
 * @param budgetPerCampaign whether the budget counts every run of this workflow in the journal
 *                       ({@code budget.per: campaign}) rather than this run alone
 */
public record Workflow(String name, String scheduler, Site site, List<Task> tasks, String source,
                       Double budgetGpuHours, boolean budgetPerCampaign, Pilot pilot) {
    public Workflow {
        tasks = List.copyOf(tasks);
    }

    /** A workflow without pilots. */
    public Workflow(String name, String scheduler, Site site, List<Task> tasks, String source, Double budgetGpuHours,
                    boolean budgetPerCampaign) {
        this(name, scheduler, site, tasks, source, budgetGpuHours, budgetPerCampaign, null);
    }

    /** The task that holds the pilot jobs, when the workflow has pilots; null otherwise. */
    public Task pilotTask() {
        return pilot == null ? null : task(Pilot.TASK);
    }

    /** A workflow whose budget, if any, is per run. */
    public Workflow(String name, String scheduler, Site site, List<Task> tasks, String source, Double budgetGpuHours) {
        this(name, scheduler, site, tasks, source, budgetGpuHours, false);
    }

    /** A workflow without a budget. */
    public Workflow(String name, String scheduler, Site site, List<Task> tasks, String source) {
        this(name, scheduler, site, tasks, source, null);
    }

    /** Whether the workflow has a task of this name. */
    public boolean has(String taskName) {
        return tasks.stream().anyMatch(t -> t.name().equals(taskName));
    }

    public Task task(String taskName) {
        for (Task t : tasks) {
            if (t.name().equals(taskName)) {
                return t;
            }
        }
        throw new IllegalArgumentException("no task " + taskName + " in workflow " + name);
    }

    /** Each service task and the tasks that name it in after, in file order. */
    public Map<String, List<String>> serviceDependants() {
        Map<String, List<String>> out = new LinkedHashMap<>();
        for (Task s : tasks) {
            if (s.isService()) {
                out.put(s.name(), tasks.stream().filter(t -> t.after().contains(s.name())).map(Task::name).toList());
            }
        }
        return out;
    }
}
