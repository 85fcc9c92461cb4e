package dev.hwf.launcher.engine;

import dev.hwf.api.JobState;
import dev.hwf.launcher.engine.depend.Dependencies;
import dev.hwf.launcher.engine.depend.ElementWiseDependencies;
import dev.hwf.launcher.engine.phase.CancelDependants;
import dev.hwf.launcher.engine.phase.Observe;
import dev.hwf.launcher.journal.AttemptRecord;
import dev.hwf.launcher.journal.ElementRecord;
import dev.hwf.launcher.journal.RunSnapshot;
import dev.hwf.launcher.journal.WaitingChange;
import dev.hwf.launcher.render.RunLayout;
import dev.hwf.launcher.site.Scheduler;
import dev.hwf.launcher.site.Sites;
import dev.hwf.launcher.stage.Store;
import dev.hwf.launcher.workflow.NamedSite;
import dev.hwf.launcher.workflow.Task;
import dev.hwf.launcher.workflow.Workflow;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * What a pass read and works with: the run as the journal holds it now (open: its live elements,
 * and every task's counts), its workflow, the scheduler and the pass's clock reading. Phases read
 * it and return the changes they want; the sequencer writes them and hands the next phase a pass
 * over the run as read again. A task's WAITING elements are read only where some are submitted
 * ({@link #firstWaiting}); the others are changed in bulk ({@link WaitingChange}).
 */
public final class Pass {
    /** What a pass reads beyond the open snapshot, when it needs it (the journal, in a pass). */
    interface WaitingReader {
        /** The first WAITING elements of a task, in index order. */
        List<ElementRecord> first(String task, int limit);

        /** Every element of a task, whatever its state (the pilot jobs; an afterEach upstream). */
        List<ElementRecord> all(String task);
    }

    private final RunSnapshot snap;
    private final Workflow wf;
    private final Sites sites;
    private final Instant now;
    private final WaitingReader waitingReader;
    private final Set<String> knownJobs;
    private Map<String, List<ElementRecord>> byTask;
    private Map<String, Integer> offsets;
    /** The site each attempt was recorded with, by task/attempt (several sites only), read once. */
    private Map<String, String> attemptSites;
    private Map<String, Map<Integer, ElementWiseDependencies.Group>> partnerGroups;
    private Map<String, Dependencies.Stale> staleTasks;
    private List<ElementWiseDependencies.TakeBack> staleElements;

    Pass(RunSnapshot snap, Workflow wf, Sites sites, Instant now, WaitingReader waitingReader) {
        this(snap, wf, sites, now, waitingReader, Set.of());
    }

    private Pass(RunSnapshot snap, Workflow wf, Sites sites, Instant now, WaitingReader waitingReader,
                 Set<String> knownJobs) {
        this.snap = snap;
        this.wf = wf;
        this.sites = sites;
        this.now = now;
        this.waitingReader = waitingReader;
        this.knownJobs = knownJobs;
    }

    /** The same pass over the run as read again. */
    Pass reread(RunSnapshot again, Instant at) {
        return new Pass(again, wf, sites, at, waitingReader, knownJobs);
    }

    /**
     * The same pass, knowing that these jobs exist in the scheduler now: it listed them in this
     * pass's status answer, or took them in this pass.
     */
    Pass knowing(Collection<String> jobIds) {
        if (jobIds.isEmpty()) {
            return this;
        }
        Set<String> all = new HashSet<>(knownJobs);
        all.addAll(jobIds);
        return sameReading(new Pass(snap, wf, sites, now, waitingReader, Set.copyOf(all)));
    }

    /** Whether the scheduler has shown, in this pass, that it holds the job (see {@link #knowing}). */
    boolean knows(String jobId) {
        return knownJobs.contains(jobId);
    }

    /** Whether the element is in a scheduler's job (not in a bundle) that this pass {@link #knows}. */
    public boolean knowsJobOf(ElementRecord e) {
        return PilotBundles.isSchedulerJob(e.jobId()) && knows(e.jobId());
    }

    /**
     * A task's {@link ElementWiseDependencies#groups}, worked out once per pass: the release that claims the
     * elements and the submission that words their dependency ask alike.
     */
    public Map<Integer, ElementWiseDependencies.Group> partnerGroups(String task, Supplier<Map<Integer,
            ElementWiseDependencies.Group>> compute) {
        if (partnerGroups == null) {
            partnerGroups = new HashMap<>();
        }
        return partnerGroups.computeIfAbsent(task, k -> compute.get());
    }

    /**
     * What {@link CancelDependants} takes back ({@link CancelDependants#staleDownTheChain}), worked
     * out once per reading of the run: {@link Observe} leaves those dependants to it, and it takes
     * back the same ones, unless a write between them had the run read again.
     */
    public Map<String, Dependencies.Stale> staleTasks(Supplier<Map<String, Dependencies.Stale>> compute) {
        if (staleTasks == null) {
            staleTasks = compute.get();
        }
        return staleTasks;
    }

    /**
     * The elements {@link CancelDependants} takes back one by one ({@link ElementWiseDependencies#stale}),
     * worked out once per reading of the run as {@link #staleTasks}.
     */
    public List<ElementWiseDependencies.TakeBack> staleElements(
            Supplier<List<ElementWiseDependencies.TakeBack>> compute) {
        if (staleElements == null) {
            staleElements = compute.get();
        }
        return staleElements;
    }

    /** The same pass over the same reading of the run, with the clock read again (a phase starts). */
    Pass at(Instant at) {
        return sameReading(new Pass(snap, wf, sites, at, waitingReader, knownJobs));
    }

    /**
     * {@code p}, a pass over this one's reading of the run, with what was worked out of that reading
     * whatever the clock and the jobs the pass knows (the partners' groups depend on those).
     */
    private Pass sameReading(Pass p) {
        p.byTask = byTask;
        p.offsets = offsets;
        p.staleTasks = staleTasks;
        p.staleElements = staleElements;
        return p;
    }

    public RunSnapshot snap() {
        return snap;
    }

    public String runId() {
        return snap.run().id();
    }

    public Workflow wf() {
        return wf;
    }

    /** The default site's scheduler (a workflow's only one, without {@code sites:}). */
    public Scheduler scheduler() {
        return sites.of(wf.defaultNamedSite());
    }

    /** The scheduler of the site a task goes to when hwf does not choose among several (the first). */
    public Scheduler scheduler(String task) {
        return sites.of(site(task));
    }

    /** The scheduler an element's current attempt went to. */
    public Scheduler schedulerOf(ElementRecord e) {
        return sites.of(siteOf(e));
    }

    /** A site's files, for input staging. */
    public Store store(NamedSite site) {
        return sites.store(site);
    }

    /** The scheduler of a site. */
    public Scheduler scheduler(NamedSite site) {
        return sites.of(site);
    }

    /** Items by the site of their element's current attempt, in the order met. */
    public <T> Map<NamedSite, List<T>> bySite(Collection<T> items, Function<T, ElementRecord> element) {
        Map<NamedSite, List<T>> out = new LinkedHashMap<>();
        for (T item : items) {
            out.computeIfAbsent(siteOf(element.apply(item)), k -> new ArrayList<>()).add(item);
        }
        return out;
    }

    /** A task's site (the first of its sites, where hwf chooses among several). */
    public NamedSite site(String task) {
        return taskSite(wf, task);
    }

    /** A task's site in a workflow (the first of its sites); the default site for a task it does not hold. */
    public static NamedSite taskSite(Workflow wf, String task) {
        // the pilots' directory is named before the workflow is known to have pilots: the default site's
        Task t = wf.find(task);
        return t != null ? wf.siteOf(t) : wf.defaultNamedSite();
    }

    /** The site an attempt of a task went to: the one recorded with it (by name; null: none), else its task's. */
    public static NamedSite attemptSite(Workflow wf, String task, String recorded) {
        return recorded != null ? wf.siteNamed(recorded) : taskSite(wf, task);
    }

    /** The site an element's current attempt went to: as recorded with the attempt, else its task's. */
    public NamedSite siteOf(ElementRecord e) {
        if (!wf.hasSites() || e.attempt() == 0) {
            return site(e.task()); // one site; or never submitted
        }
        if (attemptSites == null) { // once per reading: asked of every live element of a pass
            Map<String, String> m = new HashMap<>();
            for (AttemptRecord a : snap.attempts()) {
                if (a.site() != null) {
                    m.put(a.task() + "/" + a.attempt(), a.site());
                }
            }
            attemptSites = m;
        }
        return attemptSite(wf, e.task(), attemptSites.get(e.task() + "/" + e.attempt()));
    }

    public Instant now() {
        return now;
    }

    /** Live elements by task name, in workflow and index order. */
    Map<String, List<ElementRecord>> byTask() {
        if (byTask == null) {
            byTask = snap.elementsByTask();
        }
        return byTask;
    }

    public List<ElementRecord> elements(String task) {
        return byTask().get(task);
    }

    /** The directory of a task of this run, on its site. */
    public String taskDir(String task) {
        return taskDir(task, site(task));
    }

    /** The directory of a task of this run on a site. */
    public String taskDir(String task, NamedSite site) {
        return RunLayout.taskDir(workdir(site), runId(), task);
    }

    /** The directory of an element's current attempt. */
    public String taskDirOf(ElementRecord e) {
        return taskDir(e.task(), siteOf(e));
    }

    /**
     * A site's work directory: the run's for the default site, else the site's as resolved when the
     * run was submitted (kept in the run's workflow).
     */
    public String workdir(NamedSite site) {
        return workdir(wf, snap.run().workdir(), site);
    }

    /** {@link #workdir(NamedSite)} of a run whose default site's work directory is {@code runWorkdir}. */
    public static String workdir(Workflow wf, String runWorkdir, NamedSite site) {
        return site.equals(wf.defaultNamedSite()) ? runWorkdir : site.site().workdir();
    }

    /**
     * The scheduler's array index of an element in its current attempt's job (its own index, less
     * the attempt's offset when the task went out as several array jobs), or null for a task that
     * is no array.
     */
    public Integer schedulerIndex(ElementRecord e) {
        if (!wf.task(e.task()).isArray()) {
            return null;
        }
        if (offsets == null) {
            Map<String, Integer> m = new HashMap<>();
            for (var a : snap.attempts()) {
                if (a.indexOffset() != 0) {
                    m.put(a.task() + "/" + a.attempt(), a.indexOffset());
                }
            }
            offsets = m;
        }
        return e.index() - offsets.getOrDefault(e.task() + "/" + e.attempt(), 0);
    }

    /** How many of a task's elements are WAITING. */
    public int waitingCount(String task) {
        return snap.counts(task).of(JobState.WAITING);
    }

    /** Every element of a task, whatever its state, as the journal holds them now (see {@link WaitingReader#all}). */
    public List<ElementRecord> all(String task) {
        return waitingReader.all(task);
    }

    /** A task's first {@code limit} WAITING elements, in index order, as the journal holds them now. */
    public List<ElementRecord> firstWaiting(String task, int limit) {
        return waitingReader.first(task, limit);
    }
}
