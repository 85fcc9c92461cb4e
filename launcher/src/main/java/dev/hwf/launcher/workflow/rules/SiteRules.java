package dev.hwf.launcher.workflow.rules;

import static dev.hwf.launcher.workflow.rules.FieldReader.absent;
import static dev.hwf.launcher.workflow.rules.FieldReader.alreadyReported;

import dev.hwf.launcher.sched.SchedulerRegistry;
import dev.hwf.launcher.workflow.Site;
import dev.hwf.launcher.workflow.Text;
import dev.hwf.launcher.workflow.YamlTree.Kind;
import dev.hwf.launcher.workflow.YamlTree.MapNode;
import dev.hwf.launcher.workflow.YamlTree.Node;
import dev.hwf.launcher.workflow.YamlTree.Scalar;
import java.util.List;
import java.util.regex.Pattern;

/** The {@code site:} section (where and how the scheduler is reached) and the {@code budget:}. */
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
        MapNode m = read.map(node, "site", "a map (host, port, user, ...)");
        List<String> flavors = SchedulerRegistry.flavors(scheduler);
        if (m == null) {
            // The flavor default holds without a site section too.
            String flavor = flavors.isEmpty() ? null : flavors.get(0);
            return new Site(null, 22, null, null, null, null, null, flavor, null, null, null, Site.SCHEDULER);
        }
        read.checkKeys(m, "site", KeyTable.SITE);
        String host = read.matching(m.value("host"), "site.host", HOST,
                "use letters, digits, '.', '_' and '-', starting with a letter or digit", "host name");
        Integer port = read.port(m.value("port"), "site.port");
        String user = read.matching(m.value("user"), "site.user", USER,
                "use letters, digits, '.', '_' and '-', not starting with '-' or '.'", "user name");
        String identityFile = read.oneLine(m.value("identityFile"), "site.identityFile", "identityFile path");
        String knownHosts = read.oneLine(m.value("knownHosts"), "site.knownHosts", "knownHosts path");
        String workdir = read.oneLine(m.value("workdir"), "site.workdir", "workdir path");
        String gpuPartition = read.matching(m.value("gpuPartition"), "site.gpuPartition", Names.SCHED_WORD,
                Names.SCHED_WORD_RULE, "partition name");
        String flavor = read.choice(m.value("flavor"), "site.flavor", FLAVORS);
        // flavor only means something to a scheduler with flavors (PBS); other schedulers ignore it
        // so that --set scheduler=local can try a PBS workflow out without editing the file.
        if (flavors.isEmpty()) {
            flavor = null;
        } else if (flavor == null) {
            flavor = flavors.get(0);
        } else if (!flavors.contains(flavor)) {
            read.at(m.value("flavor"), "site.flavor", Text.show(flavor) + " is not a flavor of " + scheduler
                    + "; use one of " + String.join(", ", flavors));
            flavor = null;
        }
        Integer maxJobs = read.integer(m.value("maxJobs"), "site.maxJobs", 1);
        Integer maxArraySize = read.integer(m.value("maxArraySize"), "site.maxArraySize", 1);
        String share = read.choice(m.value("share"), "site.share", List.of(Site.PRIVATE, Site.GROUP));
        String dependencies = read.choice(m.value("dependencies"), "site.dependencies",
                List.of(Site.SCHEDULER, Site.HWF));
        String secrets = read.choice(m.value("secrets"), "site.secrets",
                List.of(Site.SECRETS_PRIVATE, Site.SECRETS_VISIBLE));
        return new Site(host, port == null ? 22 : port, user, identityFile, knownHosts, workdir, gpuPartition,
                flavor, maxJobs, maxArraySize, share, dependencies == null ? Site.SCHEDULER : dependencies, secrets);
    }

    /** {@code budget: { gpuHours: N }}: a number > 0, or null when there is no budget. */
    public Double budget(Node node) {
        MapNode m = read.map(node, "budget", "a map, e.g. { gpuHours: 100 }");
        if (m == null) {
            return null;
        }
        read.checkKeys(m, "budget", KeyTable.BUDGET);
        Node n = m.value("gpuHours");
        if (absent(n) || alreadyReported(n)) {
            if (!alreadyReported(n)) {
                read.at(n == null ? m.pos() : n.pos(), "budget.gpuHours", "missing; give the GPU-hours the run may"
                        + " use, e.g. gpuHours: 100");
            }
            return null;
        }
        if (n instanceof Scalar s && (s.kind() == Kind.INT || s.kind() == Kind.FLOAT)) {
            try {
                double v = Double.parseDouble(s.text());
                if (v > 0 && Double.isFinite(v)) {
                    return v;
                }
            } catch (NumberFormatException e) {
                // reported below
            }
            read.at(n, "budget.gpuHours", "must be a number > 0, got " + s.text());
            return null;
        }
        read.at(n, "budget.gpuHours", "expected a number of GPU-hours > 0, got " + n.describe());
        return null;
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
