package dev.hwf.launcher.cli;

import dev.hwf.launcher.render.JobScripts;
import dev.hwf.launcher.sched.SchedulerRegistry;
import dev.hwf.launcher.site.Scheduler;
import dev.hwf.launcher.site.Schedulers;
import dev.hwf.launcher.site.Sites;
import dev.hwf.launcher.workflow.NamedSite;
import dev.hwf.launcher.workflow.Task;
import dev.hwf.launcher.workflow.Workflow;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the commands do with a workflow's sites (SPEC section 7) before a run starts: each site's
 * work directory resolved there, each site asked a harmless question, each task's script rendered
 * for its site. A workflow without {@code sites:} goes through its one scheduler, as before.
 */
final class SiteSetup {
    /** Where a work directory defaults to on a site that names none. */
    static final String DEFAULT_WORKDIR = "~/.hwf/work";

    private SiteSetup() {
    }

    /** The schedulers of the workflow's sites: {@code dflt} alone for a workflow on one site. */
    static Sites sites(Workflow wf, Scheduler dflt) {
        return wf.hasSites() ? Sites.connecting(wf) : Sites.only(dflt);
    }

    /**
     * The workflow with each site's work directory resolved on that site (connecting to it), kept
     * with the run so every later command finds the same directories; as it is without {@code sites:}.
     */
    static Workflow resolveWorkdirs(Workflow wf, Sites sites) {
        if (!wf.hasSites()) {
            return wf;
        }
        List<NamedSite> resolved = new ArrayList<>();
        for (NamedSite s : wf.sites()) {
            String dir = s.site().workdir() == null ? DEFAULT_WORKDIR : s.site().workdir();
            resolved.add(new NamedSite(s.name(), s.scheduler(), s.site().withWorkdir(sites.of(s).files().resolve(dir)),
                    s.cost(), s.budgetUnits(), s.reaches()));
        }
        return wf.withSites(resolved);
    }

    /** Asks every site's scheduler a harmless question, and checks where secrets go (exit 3 or 2, nothing written). */
    static void probe(Workflow wf, Sites sites) {
        for (NamedSite s : wf.hasSites() ? wf.sites() : List.of(wf.defaultNamedSite())) {
            Scheduler scheduler = sites.of(s);
            Schedulers.probe(scheduler);
            Schedulers.checkSecretsStayPrivate(scheduler, wf);
        }
    }

    /**
     * Every task's first script, rendered in memory for its (first) site, so template errors surface
     * before anything is written.
     *
     * @param workdir the default site's work directory, resolved; other sites' are as the workflow
     *                holds them (resolved once {@link #resolveWorkdirs} has run)
     */
    static Map<String, String> renderAll(Workflow wf, String runId, String workdir) {
        Map<String, String> scripts = new LinkedHashMap<>();
        NamedSite dflt = wf.defaultNamedSite();
        for (Task t : wf.tasks()) {
            NamedSite s = wf.siteOf(t);
            JobScripts js = new JobScripts(wf, runId, SchedulerRegistry.find(s.scheduler(), s.site()).orElseThrow(),
                    s, x -> x.equals(dflt) ? workdir : x.site().workdir() == null ? DEFAULT_WORKDIR : x.site().workdir());
            scripts.put(t.name(), js.first(t).text());
        }
        return scripts;
    }
}
