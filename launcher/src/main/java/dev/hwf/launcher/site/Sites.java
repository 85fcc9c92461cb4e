package dev.hwf.launcher.site;

import dev.hwf.launcher.workflow.NamedSite;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * The schedulers of a workflow's sites (SPEC section 7), each built on first use: its own adapter,
 * SSH connection, files and timings. A site no task of the pass needs is never connected to.
 */
public final class Sites {
    private final Function<NamedSite, Scheduler> make;
    private final Map<NamedSite, Scheduler> built = new ConcurrentHashMap<>();

    private Sites(Function<NamedSite, Scheduler> make) {
        this.make = make;
    }

    /** Each site's scheduler as its keys say (a workflow read from {@code source}, for messages). */
    public static Sites connecting(String source) {
        return new Sites(named -> Schedulers.forSite(source, named));
    }

    /** One scheduler for every site: a workflow on one site, or a test's. */
    public static Sites only(Scheduler scheduler) {
        return new Sites(named -> scheduler);
    }

    /** A scheduler per site name, as given (a test's). */
    public static Sites of(Map<String, Scheduler> byName) {
        return new Sites(named -> {
            Scheduler s = byName.get(named.name());
            if (s == null) {
                throw new IllegalArgumentException("no scheduler for site " + named.name());
            }
            return s;
        });
    }

    /** The scheduler of a site (the same object for the same site keys, however often asked). */
    public Scheduler of(NamedSite site) {
        return built.computeIfAbsent(site, make);
    }
}
