package dev.hwf.launcher.engine.gate;

import dev.hwf.api.Command;
import dev.hwf.api.Output;
import dev.hwf.api.SiteLimits;
import dev.hwf.launcher.Json;
import dev.hwf.launcher.engine.Pass;
import dev.hwf.launcher.exec.CommandResult;
import dev.hwf.launcher.exec.TransportException;
import dev.hwf.launcher.journal.Journal;
import dev.hwf.launcher.journal.StoredLimits;
import dev.hwf.launcher.site.Scheduler;
import dev.hwf.launcher.site.Schedulers;
import dev.hwf.launcher.workflow.NamedSite;
import dev.hwf.launcher.workflow.Site;
import dev.hwf.launcher.workflow.Task;
import dev.hwf.launcher.workflow.Workflow;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The site limits a run keeps to: read from the scheduler with the adapter's
 * {@code limitsCommands} the first time a run has work to submit, kept with the run in the
 * journal, and read again once they are older than {@link #REFRESH} (HWF_LIMITS_REFRESH seconds,
 * default an hour: sites change limits rarely). {@code site.maxJobs} and {@code site.maxArraySize}
 * win over what was read. A scheduler that cannot be asked leaves the kept limits (or none) in
 * force; its refusals still hold work back.
 */
public final class SiteLimitsReader {
    private static final Logger LOG = LoggerFactory.getLogger(SiteLimitsReader.class);
    public static final Duration REFRESH = Duration.ofSeconds(Schedulers.envLong("HWF_LIMITS_REFRESH", 3600));

    private final Journal journal;
    private final Clock clock;

    public SiteLimitsReader(Journal journal, Clock clock) {
        this.journal = journal;
        this.clock = clock;
    }

    /** Limits read of sites other than the run's default one, kept by this process only. */
    private final Map<String, StoredLimits> others = new HashMap<>();

    /** The limits in force for the pass's run on its default site. */
    SiteLimits current(Pass pass) {
        return current(pass, pass.wf().defaultNamedSite());
    }

    /** The limits in force on one site of the run (the default site's kept in the journal). */
    public SiteLimits current(Pass pass, NamedSite named) {
        Site site = named.site();
        boolean dflt = named.equals(pass.wf().defaultNamedSite());
        SiteLimits own = own(site);
        if (own.maxJobs() != null && own.maxArraySize() != null) {
            return own; // nothing to ask the scheduler
        }
        Optional<StoredLimits> stored = dflt ? journal.limits(pass.runId())
                : Optional.ofNullable(others.get(named.name()));
        SiteLimits kept = stored.map(SiteLimitsReader::fromJson).orElse(null);
        boolean stale = stored.map(l -> Duration.between(l.readAt(), clock.instant()).compareTo(REFRESH) >= 0)
                .orElse(true);
        if (kept == null || stale) {
            SiteLimits read = read(pass, named);
            if (read != null) {
                if (dflt) {
                    journal.recordLimits(pass.runId(), toJson(read), clock.instant());
                } else {
                    others.put(named.name(), new StoredLimits(toJson(read), clock.instant()));
                }
                if (!read.equals(kept)) {
                    LOG.info("run {}: {} limits: array size {}, jobs {}{}", pass.runId(), named.scheduler(),
                            show(read.maxArraySize()), show(read.maxJobs()),
                            read.maxJobsSource() == null ? "" : " (" + read.maxJobsSource() + ")");
                }
                kept = read;
            }
        }
        return (kept == null ? SiteLimits.NONE : kept).overriddenBy(own);
    }

    /** The limits a site's own keys set ({@code maxJobs}, {@code maxArraySize}), which win over what was read. */
    public static SiteLimits own(Site site) {
        return new SiteLimits(site.maxArraySize(), site.maxJobs(), site.maxJobs() == null ? null : "site.maxJobs");
    }

    /** Asks the scheduler; null when it could not be asked now. */
    private static SiteLimits read(Pass pass, NamedSite site) {
        return read(pass.scheduler(site), pass.wf(), site);
    }

    /**
     * Asks a site's scheduler for the limits a run of {@code wf} on it keeps to (the partitions and QOS
     * of its tasks there); null when it could not be asked now.
     *
     * @param wf the workflow; null for none yet ({@code hwf doctor} without a file): no task's partition or QOS
     */
    public static SiteLimits read(Scheduler scheduler, Workflow wf, NamedSite site) {
        Set<String> partitions = new TreeSet<>();
        Set<String> qos = new TreeSet<>();
        for (Task t : wf == null ? List.<Task>of() : wf.tasks()) {
            if (!wf.sitesOf(t).contains(site)) {
                continue; // another site's partitions mean nothing here
            }
            if (t.partition() != null) {
                partitions.add(t.partition());
            }
            if (t.qos() != null) {
                qos.add(t.qos());
            }
        }
        String user = scheduler.runner().user();
        List<Command> commands = scheduler.adapter().limitsCommands(user, partitions, qos);
        if (commands.isEmpty()) {
            return SiteLimits.NONE;
        }
        List<Output> outputs = new ArrayList<>();
        try {
            for (Command c : commands) {
                CommandResult r = scheduler.runner().run(c, scheduler.commandTimeout());
                outputs.add(new Output(r.exitCode(), r.stdout(), r.stderr()));
            }
        } catch (TransportException e) {
            LOG.warn("could not read the site's limits ({}); will ask again", e.getMessage());
            return null;
        }
        return scheduler.adapter().parseLimits(outputs, user, partitions, qos);
    }

    static String toJson(SiteLimits l) {
        return Json.write(l);
    }

    static SiteLimits fromJson(StoredLimits stored) {
        try {
            return Json.read(stored.json(), SiteLimits.class);
        } catch (Json.Malformed e) {
            return null; // unreadable: read them again
        }
    }

    private static String show(Integer v) {
        return Objects.toString(v, "unlimited");
    }
}
