package dev.hwf.launcher.engine.phase;

import dev.hwf.api.Command;
import dev.hwf.api.JobState;
import dev.hwf.api.StartEstimate;
import dev.hwf.launcher.engine.Pass;
import dev.hwf.launcher.exec.CommandResult;
import dev.hwf.launcher.journal.AttemptRecord;
import dev.hwf.launcher.journal.ElementRecord;
import dev.hwf.launcher.journal.Placed;
import dev.hwf.launcher.place.Placer;
import dev.hwf.launcher.place.Shape;
import dev.hwf.launcher.render.JobScripts;
import dev.hwf.launcher.site.Scheduler;
import dev.hwf.launcher.workflow.NamedSite;
import dev.hwf.launcher.workflow.Placement;
import dev.hwf.launcher.workflow.Task;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Where a task's next attempt goes (SPEC section 7), asked once per task and pass: its one site,
 * or, for a task with several, the one {@link Placer} chooses from what the sites say now (a start
 * estimate, hwf's own record of the waits there, the cost and what is left of each budget). A site
 * that cannot be reached holds the work that must go there, with a reason naming it.
 *
 * <p>hwf's record of a site is its work of the same {@link Shape}: for each element that started
 * there, the wait from its attempt's submission, and how far off the scheduler's estimate recorded
 * with the attempt was (its median corrects the next estimate). A site the task's work was withdrawn
 * from ({@code replaceAfter}) comes with how long it waited there.
 */
final class Placing {
    /** An attempt's site and how it was chosen; {@code site} null when none can take it now ({@code held} says why). */
    record Where(NamedSite site, Placed placed, String held) {
    }

    private final Pass pass;
    /** Why a site cannot be reached now, by name: asked once per pass. */
    private final Map<String, String> unreachable = new HashMap<>();
    private final Map<String, Boolean> asked = new HashMap<>();
    /** Each task's elements, read from the journal once per pass however many decisions ask. */
    private final Map<String, List<ElementRecord>> elements = new HashMap<>();
    /** hwf's record of the waits of each shape of work, by shape then site: worked out once per shape. */
    private final Map<Shape, Map<String, Seen>> seen = new HashMap<>();

    /**
     * What hwf saw of work of one shape on one site: each started element's wait from submission
     * to start, and how much later than its scheduler had estimated it started (where one had).
     */
    private record Seen(List<Duration> waits, List<Duration> late) {
        Seen() {
            this(new ArrayList<>(), new ArrayList<>());
        }
    }

    Placing(Pass pass) {
        this.pass = pass;
    }

    Where of(Task t) {
        if (!pass.wf().hasSites()) {
            return new Where(pass.site(t.name()), null, null); // one site, recorded as always
        }
        List<NamedSite> sites = pass.wf().sitesOf(t);
        if (sites.size() == 1 || t.pilot()) {
            NamedSite s = sites.get(0);
            String why = reach(s);
            return why != null ? new Where(null, null, "waiting: site " + s.name() + " cannot be reached (" + why
                    + ")") : new Where(s, new Placed(s.name(), s.key(), null, null), null);
        }
        List<Placer.Candidate> candidates = new ArrayList<>();
        Map<String, StartEstimate> estimates = new HashMap<>();
        String place = t.placement().place();
        Map<String, Seen> record = seen(Shape.of(t));
        Map<String, Duration> withdrawn = withdrawn(t);
        for (NamedSite s : sites) {
            String why = reach(s);
            StartEstimate est = why == null && Placement.SOONEST.equals(place) ? estimate(t, s) : StartEstimate.UNKNOWN;
            estimates.put(s.name(), est);
            Double cost = s.cost() == null ? null : cost(t, s);
            Double left = s.budgetUnits() == null ? null : s.budgetUnits() - spent(s);
            Seen here = record.get(s.name());
            candidates.add(new Placer.Candidate(s.name(), est, here == null ? null : median(here.late()),
                    here == null ? null : median(here.waits()), cost, left, why, withdrawn.get(s.name())));
        }
        Placer.Decision d = Placer.decide(place, candidates, pass.now(), ZoneId.systemDefault());
        if (d.site() == null) {
            return new Where(null, null, "waiting: " + d.reason());
        }
        NamedSite chosen = pass.wf().siteNamed(d.site());
        StartEstimate est = estimates.get(d.site());
        Instant at = est.at() == null ? null : est.at().atZone(ZoneId.systemDefault()).toInstant();
        return new Where(chosen, new Placed(chosen.name(), chosen.key(), d.reason(), at), null);
    }

    private List<ElementRecord> elements(String task) {
        return elements.computeIfAbsent(task, pass::all);
    }

    /** Why a site cannot be reached now (null: it can), asked once per pass: a stat of its work directory. */
    String reach(NamedSite s) {
        if (!s.isRemote()) {
            return null;
        }
        if (!asked.containsKey(s.name())) {
            asked.put(s.name(), true);
            try {
                pass.scheduler(s).files().mode(pass.workdir(s)); // one SFTP stat: connects, or says why it cannot
            } catch (RuntimeException e) {
                unreachable.put(s.name(), e.getMessage());
            }
        }
        return unreachable.get(s.name());
    }

    /** The scheduler's estimate of when the task's next job would start on the site, without submitting it. */
    private StartEstimate estimate(Task t, NamedSite s) {
        Scheduler scheduler = pass.scheduler(s);
        if (!scheduler.adapter().offersStartEstimate()) {
            return queuedHere(t, s); // none before a job is submitted: the backlog it estimates for queued ones
        }
        try {
            JobScripts.Script script = Submission.scripts(pass, s).first(t);
            script.write(scheduler.files());
            Command submit = scheduler.adapter().submitCommand(script.request(), script.path());
            CommandResult r = scheduler.runner().run(scheduler.adapter().startEstimateCommand(submit),
                    scheduler.commandTimeout());
            return scheduler.adapter().parseStartEstimate(r.exitCode(), r.stdout(), r.stderr());
        } catch (RuntimeException e) {
            return StartEstimate.UNKNOWN;
        }
    }

    /**
     * For a scheduler that estimates only jobs already queued (PBS Pro): the latest start it gave, at
     * hwf's last look ({@link ObservedEstimates}), for the task's attempts still queued on the site, the
     * backlog a new job of this shape joins there; unknown when none has one.
     */
    private StartEstimate queuedHere(Task t, NamedSite s) {
        Set<Integer> queued = new HashSet<>();
        for (ElementRecord e : elements(t.name())) {
            if (e.state() == JobState.QUEUED) {
                queued.add(e.attempt());
            }
        }
        Instant latest = null;
        for (AttemptRecord a : pass.snap().attempts()) {
            if (a.task().equals(t.name()) && s.name().equals(a.site()) && queued.contains(a.attempt())
                    && a.estimatedStart() != null && (latest == null || a.estimatedStart().isAfter(latest))) {
                latest = a.estimatedStart();
            }
        }
        return latest == null ? StartEstimate.UNKNOWN
                : StartEstimate.at(LocalDateTime.ofInstant(latest, ZoneId.systemDefault()));
    }

    /**
     * hwf's record of work of this shape, by site: every task of the shape, each started element
     * with the attempt it started in (its latest), read once per shape however many decisions ask.
     */
    private Map<String, Seen> seen(Shape shape) {
        return seen.computeIfAbsent(shape, k -> {
            Map<String, Map<Integer, AttemptRecord>> attempts = new HashMap<>(); // by task, then number
            for (AttemptRecord a : pass.snap().attempts()) {
                Task t = a.site() != null ? pass.wf().find(a.task()) : null;
                if (t != null && k.equals(Shape.of(t))) {
                    attempts.computeIfAbsent(a.task(), x -> new HashMap<>()).put(a.attempt(), a);
                }
            }
            Map<String, Seen> out = new HashMap<>();
            attempts.forEach((task, numbered) -> {
                for (ElementRecord e : elements(task)) {
                    AttemptRecord a = numbered.get(e.attempt());
                    if (a == null || e.startedAt() == null) {
                        continue;
                    }
                    Seen s = out.computeIfAbsent(a.site(), x -> new Seen());
                    s.waits().add(Duration.between(a.submittedAt(), e.startedAt()));
                    if (a.estimatedStart() != null) {
                        s.late().add(Duration.between(a.estimatedStart(), e.startedAt()));
                    }
                }
            });
            return out;
        });
    }

    /** The median of some durations; null when there are none. */
    static Duration median(List<Duration> ds) {
        if (ds.isEmpty()) {
            return null;
        }
        List<Duration> sorted = new ArrayList<>(ds);
        sorted.sort(null);
        return sorted.get(sorted.size() / 2);
    }

    /**
     * The sites the task's work was withdrawn from ({@code replaceAfter}), each with the longest it
     * waited there unstarted.
     */
    private Map<String, Duration> withdrawn(Task t) {
        Map<String, Duration> out = new HashMap<>();
        for (AttemptRecord a : pass.snap().attempts()) {
            if (a.withdrawnAt() != null && a.task().equals(t.name()) && a.site() != null) {
                out.merge(a.site(), Duration.between(a.submittedAt(), a.withdrawnAt()),
                        (x, y) -> x.compareTo(y) >= 0 ? x : y);
            }
        }
        return out;
    }

    /** What the task's waiting elements would cost on the site: rate times the hours each asks for (1 h without a walltime). */
    private double cost(Task t, NamedSite s) {
        double hours = t.walltimeSeconds() > 0 ? t.walltimeSeconds() / 3600.0 : 1.0;
        int cores = Math.max(1, t.ntasks()) * Math.max(1, t.cpus());
        return s.cost().of(hours, cores, t.gpus() * Math.max(1, t.nodes())) * Math.max(1, pass.waitingCount(t.name()));
    }

    /** What the run has spent on the site so far: its elements' hours there at the site's rates. */
    private double spent(NamedSite s) {
        if (s.cost() == null) {
            return 0;
        }
        Map<String, String> siteOfAttempt = new HashMap<>();
        for (AttemptRecord a : pass.snap().attempts()) {
            siteOfAttempt.put(a.task() + "/" + a.attempt(), a.site());
        }
        double spent = 0;
        for (Task t : pass.wf().tasks()) {
            for (ElementRecord e : elements(t.name())) {
                if (e.startedAt() == null || !s.name().equals(siteOfAttempt.get(t.name() + "/" + e.attempt()))) {
                    continue;
                }
                Instant end = e.endedAt() != null ? e.endedAt() : e.state() == JobState.RUNNING ? pass.now() : null;
                if (end != null) {
                    double hours = Duration.between(e.startedAt(), end).toSeconds() / 3600.0;
                    spent += s.cost().of(hours, Math.max(1, t.ntasks()) * Math.max(1, t.cpus()),
                            t.gpus() * Math.max(1, t.nodes()));
                }
            }
        }
        return spent;
    }
}
