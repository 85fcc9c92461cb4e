package dev.hwf.launcher.workflow;

import static dev.hwf.launcher.workflow.rules.FieldReader.absent;

import dev.hwf.api.SchedulerAdapter;
import dev.hwf.launcher.sched.SchedulerRegistry;
import dev.hwf.launcher.workflow.YamlTree.MapNode;
import dev.hwf.launcher.workflow.YamlTree.Node;
import dev.hwf.launcher.workflow.rules.FieldReader;
import dev.hwf.launcher.workflow.rules.GraphRules;
import dev.hwf.launcher.workflow.rules.KeyTable;
import dev.hwf.launcher.workflow.rules.Names;
import dev.hwf.launcher.workflow.rules.NotifyRules;
import dev.hwf.launcher.workflow.rules.ParsedTask;
import dev.hwf.launcher.workflow.rules.PilotRules;
import dev.hwf.launcher.workflow.rules.PlacementRules;
import dev.hwf.launcher.workflow.rules.Settings;
import dev.hwf.launcher.workflow.rules.SiteRules;
import dev.hwf.launcher.workflow.rules.TaskRules;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Checks a workflow tree against SPEC section 1 and builds the records; collects every problem.
 * The rules live in {@code workflow.rules}; this class runs them in the order their problems
 * have always been reported in (problems at one position, such as every {@code --set}'s, keep it).
 */
final class Validator {
    private final String source;
    private final Path baseDir;
    private final List<Problem> problems;
    private final FieldReader read;

    Validator(String source, Path baseDir, List<Problem> problems) {
        this.source = source;
        this.baseDir = baseDir;
        this.problems = problems;
        this.read = new FieldReader(problems);
    }

    Workflow validate(MapNode root) {
        read.checkKeys(root, "", KeyTable.TOP);

        String name = null;
        Node nameNode = root.value("name");
        if (absent(nameNode)) {
            read.at(root, "name", "missing; every workflow needs a name (" + Names.NAME_RULE + ")");
        } else {
            name = read.matching(nameNode, "name", Names.NAME, Names.NAME_RULE, "workflow name");
        }

        String scheduler = "local";
        Node schedulerNode = root.value("scheduler");
        if (!absent(schedulerNode)) {
            scheduler = read.choice(schedulerNode, "scheduler", SchedulerRegistry.names());
        }

        SiteRules siteRules = new SiteRules(read);
        List<NamedSite> sites = siteRules.sites(root.value("sites"), root.value("site"),
                absent(schedulerNode) ? null : scheduler);
        String defaultSite = siteRules.defaultSite(root.value("defaultSite"), sites);
        Site site;
        if (sites.isEmpty()) {
            site = siteRules.site(root.value("site"), scheduler);
        } else { // the default site stands for the workflow's one site wherever one is asked for
            NamedSite dflt = sites.stream().filter(s -> s.name().equals(defaultSite)).findFirst().orElse(sites.get(0));
            site = dflt.site();
            scheduler = dflt.scheduler();
        }
        boolean anyRemote = site.isRemote() || sites.stream().anyMatch(NamedSite::isRemote);
        TaskRules taskRules = new TaskRules(read, baseDir, anyRemote);
        Settings defaults = taskRules.defaults(root.value("defaults"));
        Double budget = siteRules.budget(root.value("budget"));
        boolean perCampaign = siteRules.budgetPerCampaign(root.value("budget"));
        SchedulerAdapter adapter = SchedulerRegistry.find(scheduler, site).orElse(null);
        PilotRules pilots = new PilotRules(read, root.value("pilot"), adapter);
        Notify notify = notify(root, sites, defaultSite);
        Workflow shape = new Workflow(name, scheduler, site, List.of(), source, budget, perCampaign, null, sites,
                sites.isEmpty() ? null : defaultSite);
        List<Task> tasks = tasks(root, taskRules, defaults, shape, adapter, pilots);
        if (!problems.isEmpty()) {
            return null;
        }
        Pilot pilot = pilots.pilot();
        if (pilot != null) {
            Map<String, String> secrets = pilots.packedSecrets(tasks);
            if (!problems.isEmpty()) {
                return null;
            }
            tasks = new ArrayList<>(tasks);
            tasks.add(PilotJobs.task(pilot, site.host() != null, secrets));
        }
        return new Workflow(name, scheduler, site, tasks, source, budget, perCampaign, pilot, sites,
                sites.isEmpty() ? null : defaultSite, notify);
    }

    /** {@code notify:}, with the SMTP server of {@code site:} (or of the default site of {@code sites:}). */
    private Notify notify(MapNode root, List<NamedSite> sites, String defaultSite) {
        Node siteNode = root.value("site");
        String path = "site.smtp";
        if (!sites.isEmpty() && root.value("sites") instanceof MapNode all
                && all.value(defaultSite) instanceof MapNode own) {
            siteNode = own;
            path = "sites." + defaultSite + ".smtp";
        }
        Node smtp = siteNode instanceof MapNode m ? m.value("smtp") : null;
        return new NotifyRules(read).notify(root.value("notify"), smtp, path);
    }

    /** Each task's own rules, then the rules across tasks; the tasks only when nothing is wrong. */
    private List<Task> tasks(MapNode root, TaskRules taskRules, Settings defaults, Workflow shape,
                             SchedulerAdapter adapter, PilotRules pilots) {
        List<ParsedTask> parsed = taskRules.parse(root);
        GraphRules graph = new GraphRules(read, parsed);
        graph.checkAfter();
        graph.checkAfterEach();
        if (!problems.isEmpty()) {
            return List.of(); // no records from a file that will be refused
        }
        PlacementRules placement = new PlacementRules(read, shape.sites(), shape.hasSites());
        List<Task> tasks = new ArrayList<>();
        Map<String, List<String>> siteOf = new LinkedHashMap<>();
        for (ParsedTask p : parsed) {
            Placement where = placement.read(p);
            List<NamedSite> own = shape.sitesOf(where);
            // a GPU task without a partition of its own goes to its site's GPU partition; where hwf
            // chooses among several sites, to the chosen one's (at submission)
            Task t = taskRules.build(p, defaults, own.size() == 1 ? own.get(0).site().gpuPartition() : null)
                    .withPlacement(where);
            for (NamedSite s : own) { // every site it may go to must be able to start it
                taskRules.checkLauncher(t, p, s.site() == shape.site() && s.scheduler().equals(shape.scheduler())
                        ? adapter : SchedulerRegistry.find(s.scheduler(), s.site()).orElse(null));
            }
            pilots.checkPacked(t, p);
            siteOf.put(t.name(), own.stream().map(NamedSite::name).toList());
            tasks.add(t);
        }
        graph.checkServices(tasks);
        placement.checkAcross(tasks, parsed, siteOf, shape.defaultNamedSite().name());
        pilots.checkUsed(tasks);
        return problems.isEmpty() ? tasks : List.of();
    }
}
