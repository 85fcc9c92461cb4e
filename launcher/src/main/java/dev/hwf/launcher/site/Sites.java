package dev.hwf.launcher.site;

import dev.hwf.launcher.exec.FileModes;
import dev.hwf.launcher.exec.LocalFiles;
import dev.hwf.launcher.ssh.SftpStore;
import dev.hwf.launcher.ssh.SshConnections;
import dev.hwf.launcher.ssh.SshTarget;
import dev.hwf.launcher.stage.LocalStore;
import dev.hwf.launcher.stage.Store;
import dev.hwf.launcher.workflow.NamedSite;
import dev.hwf.launcher.workflow.Workflow;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * The schedulers of a workflow's sites (SPEC section 7), each built on first use: its own adapter,
 * SSH connection, files and timings. A site no task of the pass needs is never connected to.
 */
public final class Sites {
    private final Function<NamedSite, Scheduler> make;
    private final boolean allLocal;
    private final Map<NamedSite, Scheduler> built = new ConcurrentHashMap<>();

    private Sites(Function<NamedSite, Scheduler> make, boolean allLocal) {
        this.make = make;
        this.allLocal = allLocal;
    }

    /** Each site of the workflow's with its scheduler as its keys say. */
    public static Sites connecting(Workflow wf) {
        return new Sites(named -> Schedulers.forSite(wf.source(), named),
                wf.sites().stream().noneMatch(NamedSite::isRemote));
    }

    /** One scheduler for every site: a workflow on one site, or a test's. */
    public static Sites only(Scheduler scheduler) {
        return new Sites(named -> scheduler, scheduler.files() instanceof LocalFiles);
    }

    /** A scheduler per site name, as given (a test's). */
    public static Sites of(Map<String, Scheduler> byName) {
        return new Sites(named -> {
            Scheduler s = byName.get(named.name());
            if (s == null) {
                throw new IllegalArgumentException("no scheduler for site " + named.name());
            }
            return s;
        }, byName.values().stream().allMatch(s -> s.files() instanceof LocalFiles));
    }

    /** Whether every site's files are on this machine (looking at them costs a local listing). */
    public boolean allLocal() {
        return allLocal;
    }

    /**
     * A site's files as input staging reads and writes them: on this machine, or over the SSH
     * connection hwf holds to the site (the one its scheduler's commands use).
     */
    public Store store(NamedSite site) {
        FileModes modes = FileModes.of(site.site().sharedWithGroup());
        return site.isRemote() ? new SftpStore(SshConnections.shared(SshTarget.of(site.site())), modes)
                : new LocalStore(modes);
    }

    /** The scheduler of a site (the same object for the same site keys, however often asked). */
    public Scheduler of(NamedSite site) {
        return built.computeIfAbsent(site, make);
    }
}
