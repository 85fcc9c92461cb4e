package dev.hwf.launcher.sched;

import dev.hwf.api.SchedulerAdapter;
import dev.hwf.launcher.local.LocalAdapter;
import dev.hwf.launcher.workflow.Site;
import dev.hwf.lsf.LsfAdapter;
import dev.hwf.pbs.PbsAdapter;
import dev.hwf.slurm.SlurmAdapter;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * The schedulers this hwf build knows: each name a workflow's {@code scheduler:} may take, with how
 * its adapter is built for the workflow's site. This is the one place that lists them; everything
 * else asks the adapter ({@link SchedulerAdapter}'s facts: probe, timings, flavors, launch support)
 * instead of telling schedulers apart by name. A new scheduler is a module with its adapter plus one
 * line here.
 */
public final class SchedulerRegistry {
    /** Name to adapter factory, in the order messages list the names. */
    private static final Map<String, Function<Site, SchedulerAdapter>> FACTORIES = new LinkedHashMap<>();

    static {
        FACTORIES.put("slurm", site -> new SlurmAdapter());
        FACTORIES.put("pbs", site -> new PbsAdapter(site.flavor() == null ? PbsAdapter.PBSPRO : site.flavor()));
        FACTORIES.put("lsf", site -> new LsfAdapter());
        FACTORIES.put("local", site -> new LocalAdapter());
    }

    private SchedulerRegistry() {
    }

    /** The names of the known schedulers: slurm, pbs, lsf, local. */
    public static List<String> names() {
        return List.copyOf(FACTORIES.keySet());
    }

    /** The adapter for a workflow's scheduler and site; empty for a name this build does not know. */
    public static Optional<SchedulerAdapter> find(String name, Site site) {
        Function<Site, SchedulerAdapter> factory = name == null ? null : FACTORIES.get(name);
        return factory == null ? Optional.empty() : Optional.of(factory.apply(site));
    }

    /**
     * The adapter of a known scheduler for a site.
     *
     * @throws IllegalArgumentException for a name this build does not know
     */
    public static SchedulerAdapter adapter(String name, Site site) {
        return find(name, site).orElseThrow(() -> new IllegalArgumentException("no scheduler named '" + name + "'"));
    }

    /** The {@code site.flavor} values of one scheduler, its default first; empty for an unknown name. */
    public static List<String> flavors(String name) {
        // a site with nothing set: a flavored scheduler in its default flavor
        return find(name, Site.local()).map(SchedulerAdapter::flavors).orElse(List.of());
    }

    /** Every {@code site.flavor} value some known scheduler takes, in the order of the names. */
    public static List<String> flavors() {
        Set<String> all = new LinkedHashSet<>();
        for (String name : FACTORIES.keySet()) {
            all.addAll(flavors(name));
        }
        return List.copyOf(all);
    }
}
