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
 * @param scheduler      the default site's scheduler
 * @param site           the default site's connection and settings
 * @param sites          every site, in file order (SPEC section 7); a workflow without {@code sites:}
 *                       has one, {@value NamedSite#DEFAULT}, made of {@code scheduler} and {@code site}
 * @param defaultSite    where a task without {@code site:} runs; null when the file has no {@code sites:}
 * @param notifications  who hears of failures, the run's end and the like (SPEC section 7); null for nobody
 */
public record Workflow(String name, String scheduler, Site site, List<Task> tasks, String source,
                       Double budgetGpuHours, boolean budgetPerCampaign, Pilot pilot, List<NamedSite> sites,
                       String defaultSite, Notify notifications) {
    public Workflow {
        tasks = List.copyOf(tasks);
        // null when read from a journal written before several sites existed
        sites = sites == null || sites.isEmpty()
                ? List.of(new NamedSite(NamedSite.DEFAULT, scheduler, site, null, null)) : List.copyOf(sites);
    }

    /** A workflow without notifications. */
    public Workflow(String name, String scheduler, Site site, List<Task> tasks, String source,
                    Double budgetGpuHours, boolean budgetPerCampaign, Pilot pilot, List<NamedSite> sites,
                    String defaultSite) {
        this(name, scheduler, site, tasks, source, budgetGpuHours, budgetPerCampaign, pilot, sites, defaultSite, null);
    }

    /** A workflow on one site: its {@code scheduler:} and {@code site:}. */
    public Workflow(String name, String scheduler, Site site, List<Task> tasks, String source,
                    Double budgetGpuHours, boolean budgetPerCampaign, Pilot pilot) {
        this(name, scheduler, site, tasks, source, budgetGpuHours, budgetPerCampaign, pilot, null, null);
    }

    /** The same workflow with other sites (each site's work directory resolved, say). */
    public Workflow withSites(List<NamedSite> resolved) {
        return new Workflow(name, scheduler, site, tasks, source, budgetGpuHours, budgetPerCampaign, pilot, resolved,
                defaultSite, notifications);
    }

    /** The same workflow with the user's notification defaults ({@link Notify#merge}) filled in. */
    public Workflow withNotifyDefaults(Notify defaults) {
        Notify merged = Notify.merge(notifications, defaults);
        return merged == notifications ? this : new Workflow(name, scheduler, site, tasks, source, budgetGpuHours,
                budgetPerCampaign, pilot, sites, defaultSite, merged);
    }

    /** The default site: where a task without {@code site:} runs, and the pilots. */
    public NamedSite defaultNamedSite() {
        return siteNamed(defaultSite == null ? NamedSite.DEFAULT : defaultSite);
    }

    /** Whether the file names several sites ({@code sites:}), so that each task's site is worth showing. */
    public boolean hasSites() {
        return defaultSite != null;
    }

    /** The site of this name; IllegalArgumentException when there is none. */
    public NamedSite siteNamed(String siteName) {
        for (NamedSite s : sites) {
            if (s.name().equals(siteName)) {
                return s;
            }
        }
        throw new IllegalArgumentException("no site " + siteName + " in workflow " + name);
    }

    /** The sites a task may run on, in its order of preference: its {@code site:}, else the default site. */
    public List<NamedSite> sitesOf(Task t) {
        return sitesOf(t.placement());
    }

    /** The sites a placement names, else the default site. */
    public List<NamedSite> sitesOf(Placement p) {
        if (p.sites().isEmpty()) {
            return List.of(defaultNamedSite());
        }
        return p.sites().stream().map(this::siteNamed).toList();
    }

    /** The site a task runs on when it has one, or the first of its sites when hwf chooses among several. */
    public NamedSite siteOf(Task t) {
        return sitesOf(t).get(0);
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
        return find(taskName) != null;
    }

    /** The task of this name, or null when the workflow has none: one lookup where {@code has} and {@code task} take two. */
    public Task find(String taskName) {
        for (Task t : tasks) { // a loop, not a stream: a pass asks this of every task
            if (t.name().equals(taskName)) {
                return t;
            }
        }
        return null;
    }

    public Task task(String taskName) {
        Task t = find(taskName);
        if (t == null) {
            throw new IllegalArgumentException("no task " + taskName + " in workflow " + name);
        }
        return t;
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
