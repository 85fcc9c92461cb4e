package dev.hwf.launcher.workflow.rules;

import static dev.hwf.launcher.workflow.rules.FieldReader.absent;
import static dev.hwf.launcher.workflow.rules.FieldReader.alreadyReported;

import dev.hwf.launcher.sched.SchedulerRegistry;
import dev.hwf.launcher.stage.DirectCopy;
import dev.hwf.launcher.workflow.NamedSite;
import dev.hwf.launcher.workflow.Site;
import dev.hwf.launcher.workflow.Text;
import dev.hwf.launcher.workflow.YamlTree.Entry;
import dev.hwf.launcher.workflow.YamlTree.ListNode;
import dev.hwf.launcher.workflow.YamlTree.MapNode;
import dev.hwf.launcher.workflow.YamlTree.Node;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The {@code site:} section (where and how the scheduler is reached), the {@code sites:} of a workflow
 * across several (each with its cost and budget), {@code defaultSite} and the {@code budget:}.
 */
public final class SiteRules {
    private static final Pattern HOST = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*");
    private static final Pattern USER = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9._-]*");
    /** Every scheduler's flavors: pbspro, torque (PBS). */
    private static final List<String> FLAVORS = SchedulerRegistry.flavors();
    private static final List<String> BUDGET_SCOPES = List.of("run", "campaign");

    private final FieldReader read;

    public SiteRules(FieldReader read) {
        this.read = read;
    }

    public Site site(Node node, String scheduler) {
        return site(node, "site", scheduler);
    }

    /**
     * A site's keys at {@code path} ({@code site}, or {@code sites.NAME} where its own scheduler,
     * cost and budget are read by {@link #sites}), with the flavor default of its scheduler.
     */
    private Site site(Node node, String path, String scheduler) {
        boolean entry = !"site".equals(path);
        MapNode m = read.map(node, path, "a map (host, port, user, ...)");
        List<String> flavors = SchedulerRegistry.flavors(scheduler);
        if (m == null) {
            // The flavor default holds without a site section too.
            String flavor = flavors.isEmpty() ? null : flavors.get(0);
            return new Site(null, 22, null, null, null, null, null, flavor, null, null, null, Site.SCHEDULER);
        }
        read.checkKeys(m, path, entry ? KeyTable.SITES_ENTRY : KeyTable.SITE);
        String host = read.matching(m.value("host"), path + ".host", HOST,
                "use letters, digits, '.', '_' and '-', starting with a letter or digit", "host name");
        Integer port = read.port(m.value("port"), path + ".port");
        String user = read.matching(m.value("user"), path + ".user", USER,
                "use letters, digits, '.', '_' and '-', not starting with '-' or '.'", "user name");
        String identityFile = read.oneLine(m.value("identityFile"), path + ".identityFile", "identityFile path");
        String knownHosts = read.oneLine(m.value("knownHosts"), path + ".knownHosts", "knownHosts path");
        String workdir = read.oneLine(m.value("workdir"), path + ".workdir", "workdir path");
        String gpuPartition = read.matching(m.value("gpuPartition"), path + ".gpuPartition", Names.SCHED_WORD,
                Names.SCHED_WORD_RULE, "partition name");
        String flavor = read.choice(m.value("flavor"), path + ".flavor", FLAVORS);
        // flavor only means something to a scheduler with flavors (PBS); other schedulers ignore it
        // so that --set scheduler=local can try a PBS workflow out without editing the file.
        if (flavors.isEmpty()) {
            flavor = null;
        } else if (flavor == null) {
            flavor = flavors.get(0);
        } else if (!flavors.contains(flavor)) {
            read.at(m.value("flavor"), path + ".flavor", Text.show(flavor) + " is not a flavor of " + scheduler
                    + "; use one of " + String.join(", ", flavors));
            flavor = null;
        }
        Integer maxJobs = read.integer(m.value("maxJobs"), path + ".maxJobs", 1);
        Integer maxArraySize = read.integer(m.value("maxArraySize"), path + ".maxArraySize", 1);
        String share = read.choice(m.value("share"), path + ".share", List.of(Site.PRIVATE, Site.GROUP));
        String dependencies = read.choice(m.value("dependencies"), path + ".dependencies",
                List.of(Site.SCHEDULER, Site.HWF));
        String secrets = read.choice(m.value("secrets"), path + ".secrets",
                List.of(Site.SECRETS_PRIVATE, Site.SECRETS_VISIBLE));
        Integer submitCalls = read.integer(m.value("submitCalls"), path + ".submitCalls", 1);
        return new Site(host, port == null ? 22 : port, user, identityFile, knownHosts, workdir, gpuPartition,
                flavor, maxJobs, maxArraySize, share, dependencies == null ? Site.SCHEDULER : dependencies, secrets,
                submitCalls);
    }

    /**
     * {@code sites:} (SPEC section 7): each entry a site with every key of {@code site:}, its own
     * {@code scheduler} (the top-level one when it names none), {@code cost} and {@code budget}.
     * Empty when the file has none, or when it is wrong (which is reported).
     *
     * @param sitesNode      the {@code sites:} node
     * @param siteNode       the {@code site:} node, which cannot stand beside {@code sites:}
     * @param topScheduler   the top-level {@code scheduler:}, or null when the file has none
     */
    public List<NamedSite> sites(Node sitesNode, Node siteNode, String topScheduler) {
        MapNode m = read.map(sitesNode, "sites", "a map of site names to sites, e.g. { cpu: { scheduler: slurm } }");
        if (m == null) {
            return List.of();
        }
        if (!absent(siteNode)) {
            read.at(siteNode, "site", "a workflow has either site: (one site) or sites: (several), not both; move "
                    + "these keys under a name in sites:");
        }
        if (m.entries().isEmpty()) {
            read.at(m, "sites", "is empty; name at least one site, e.g. { cpu: { scheduler: slurm } }");
            return List.of();
        }
        List<NamedSite> out = new ArrayList<>();
        for (Entry e : m.entries()) {
            String path = "sites." + e.key();
            if (!Names.NAME.matcher(e.key()).matches()) {
                read.at(e.keyPos(), path, Text.show(e.key()) + " is not a valid site name; " + Names.NAME_RULE);
                continue;
            }
            String scheduler = topScheduler == null ? "local" : topScheduler;
            if (e.value() instanceof MapNode entry && !absent(entry.value("scheduler"))) {
                scheduler = read.choice(entry.value("scheduler"), path + ".scheduler", SchedulerRegistry.names());
            }
            Site site = site(e.value(), path, scheduler == null ? "local" : scheduler);
            NamedSite.Cost cost = null;
            Double units = null;
            if (e.value() instanceof MapNode entry) {
                cost = cost(entry.value("cost"), path + ".cost");
                units = units(entry.value("budget"), path + ".budget");
            }
            out.add(new NamedSite(e.key(), scheduler, site, cost, units));
        }
        return withReaches(m, out);
    }

    /**
     * Each site's {@code reaches}: the sites its login node reaches by its own {@code ssh}, as a
     * list of names (each reached at the address hwf reaches it at) or a map of names to the address
     * seen from there, {@code [user@]host[:port]}.
     */
    private List<NamedSite> withReaches(MapNode sitesMap, List<NamedSite> sites) {
        Map<String, NamedSite> byName = new LinkedHashMap<>();
        sites.forEach(s -> byName.put(s.name(), s));
        List<NamedSite> out = new ArrayList<>();
        for (NamedSite s : sites) {
            String path = "sites." + s.name() + ".reaches";
            Node n = sitesMap.value(s.name()) instanceof MapNode entry ? entry.value("reaches") : null;
            Map<String, String> reaches = new LinkedHashMap<>();
            if (n instanceof ListNode l) {
                read.eachItem(l, path, "is empty; name a site this one's login node reaches by ssh", (item, key) -> {
                    String name = read.text(item, key, "a site name");
                    reach(byName, s, name, null, item, key, reaches);
                });
            } else if (n instanceof MapNode m) {
                for (Entry e : m.entries()) {
                    String key = path + "." + e.key();
                    String address = read.text(e.value(), key, "an address, [user@]host[:port]");
                    if (address != null && DirectCopy.Address.parse(address) == null) {
                        read.at(e.value(), key, Text.show(address) + " is not an address; write [user@]host[:port],"
                                + " as the login node of " + s.name() + " would give it to ssh");
                        continue;
                    }
                    reach(byName, s, e.key(), address, e.value() == null ? m : e.value(), key, reaches);
                }
            } else if (!absent(n) && !alreadyReported(n)) {
                read.at(n, path, "expected a list of site names, or a map of site names to addresses"
                        + " ([user@]host[:port]), got " + n.describe());
            }
            out.add(reaches.isEmpty() ? s
                    : new NamedSite(s.name(), s.scheduler(), s.site(), s.cost(), s.budgetUnits(), reaches));
        }
        return out;
    }

    private void reach(Map<String, NamedSite> byName, NamedSite s, String name, String address, Node at, String key,
                       Map<String, String> into) {
        if (name == null) {
            return;
        }
        NamedSite other = byName.get(name);
        if (other == null) {
            read.at(at, key, "no site named " + Text.show(name) + "; sites are: " + String.join(", ", byName.keySet()));
        } else if (other == s) {
            read.at(at, key, "a site need not reach itself: tasks on one site share its files");
        } else if (address == null && !other.isRemote()) {
            read.at(at, key, "site " + name + " runs on this machine, which has no address hwf knows; give the"
                    + " address " + s.name() + "'s login node reaches it at: reaches: { " + name + ": user@host }");
        } else if (into.containsKey(name)) {
            read.at(at, key, "site " + name + " is named twice");
        } else {
            into.put(name, address != null ? address : new DirectCopy.Address(other.site().user(),
                    other.site().host(), other.site().port() == 22 ? null : other.site().port()).toString());
        }
    }

    /** {@code cost: { coreHour: X, gpuHour: Y }}: numbers >= 0; null when absent or wrong. */
    private NamedSite.Cost cost(Node node, String path) {
        MapNode m = read.map(node, path, "a map, e.g. { coreHour: 0.01, gpuHour: 1.5 }");
        if (m == null) {
            return null;
        }
        read.checkKeys(m, path, KeyTable.COST);
        Double core = read.number(m.value("coreHour"), path + ".coreHour", "a cost per core-hour", true);
        Double gpu = read.number(m.value("gpuHour"), path + ".gpuHour", "a cost per GPU-hour", true);
        if (m.entries().isEmpty()) {
            read.at(m, path, "give coreHour, gpuHour or both: what an hour of one costs here");
            return null;
        }
        return new NamedSite.Cost(core, gpu);
    }

    /** A site's {@code budget: { units: N }}: a number > 0; null when absent or wrong. */
    private Double units(Node node, String path) {
        MapNode m = read.map(node, path, "a map, e.g. { units: 500 }");
        if (m == null) {
            return null;
        }
        read.checkKeys(m, path, KeyTable.SITE_BUDGET);
        if (absent(m.value("units"))) {
            read.at(m, path + ".units", "missing; give how much may be spent here (cost x hours), e.g. units: 500");
            return null;
        }
        return read.number(m.value("units"), path + ".units", "a number of cost units", false);
    }

    /**
     * {@code defaultSite:}: one of {@code sites}; the first site when absent. Null when the file has
     * no sites (or it is wrong, which is reported).
     */
    public String defaultSite(Node node, List<NamedSite> sites) {
        List<String> names = sites.stream().map(NamedSite::name).toList();
        if (sites.isEmpty()) {
            if (!absent(node)) {
                read.at(node, "defaultSite", "only means something with sites:; name the sites first");
            }
            return null;
        }
        if (absent(node)) {
            return names.get(0);
        }
        String name = read.text(node, "defaultSite", "a site name");
        if (name != null && !names.contains(name)) {
            read.at(node, "defaultSite", "no site named " + Text.show(name) + "; sites are: " + String.join(", ", names));
            return null;
        }
        return name;
    }

    /** {@code budget: { gpuHours: N }}: a number > 0, or null when there is no budget. */
    public Double budget(Node node) {
        MapNode m = read.map(node, "budget", "a map, e.g. { gpuHours: 100 }");
        if (m == null) {
            return null;
        }
        read.checkKeys(m, "budget", KeyTable.BUDGET);
        Node n = m.value("gpuHours");
        if (absent(n) && !alreadyReported(n)) {
            read.at(n == null ? m.pos() : n.pos(), "budget.gpuHours", "missing; give the GPU-hours the run may"
                    + " use, e.g. gpuHours: 100");
            return null;
        }
        return read.number(n, "budget.gpuHours", "a number of GPU-hours", false);
    }

    /** {@code budget.per}: {@code run} (the default) or {@code campaign}: every run of the workflow. */
    public boolean budgetPerCampaign(Node node) {
        if (!(node instanceof MapNode m)) {
            return false;
        }
        Node per = m.value("per");
        if (absent(per) || alreadyReported(per)) {
            return false;
        }
        return "campaign".equals(read.choice(per, "budget.per", BUDGET_SCOPES));
    }
}
