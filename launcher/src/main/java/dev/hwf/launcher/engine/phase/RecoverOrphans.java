package dev.hwf.launcher.engine.phase;

import dev.hwf.api.JobId;
import dev.hwf.api.JobState;
import dev.hwf.launcher.HwfException;
import dev.hwf.launcher.engine.Pass;
import dev.hwf.launcher.engine.PhaseResult;
import dev.hwf.launcher.engine.PilotBundles;
import dev.hwf.launcher.engine.RetryPolicy;
import dev.hwf.launcher.engine.SchedulerCalls;
import dev.hwf.launcher.engine.depend.UpstreamChecks;
import dev.hwf.launcher.exec.SiteFiles.TaskDirScan;
import dev.hwf.launcher.journal.Change;
import dev.hwf.launcher.journal.ElementRecord;
import dev.hwf.launcher.journal.Submitted;
import dev.hwf.launcher.pilot.PilotQueue;
import dev.hwf.launcher.render.RunLayout;
import dev.hwf.launcher.site.Scheduler;
import dev.hwf.launcher.workflow.NamedSite;
import dev.hwf.launcher.workflow.Task;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Phase 1: attempts that were claimed but have no job id. The hwf process that claimed them died
 * between recording the attempt and recording the scheduler's answer (it no longer holds the
 * run's lock, which this pass holds). The job is looked up by its unique name: found, its id is
 * recorded; not found but its elements wrote exit code files, those decide; neither, and the
 * claim is older than the submit grace, it never reached the scheduler and is handed back to
 * WAITING, to be submitted again.
 */
public final class RecoverOrphans {
    private static final Logger LOG = LoggerFactory.getLogger(RecoverOrphans.class);

    private RecoverOrphans() {
    }

    public static PhaseResult run(Pass pass) {
        Map<String, List<ElementRecord>> byName = new LinkedHashMap<>();
        for (ElementRecord e : pass.snap().elements()) {
            if (e.state() == JobState.QUEUED && e.jobId() == null) {
                byName.computeIfAbsent(RunLayout.jobName(pass.runId(), e.task(), e.attempt()),
                        k -> new ArrayList<>()).add(e);
            }
        }
        if (byName.isEmpty()) {
            return PhaseResult.NONE;
        }
        // a packed task's claims are bundles, looked for in the pilots' directory; the others in the scheduler
        Set<String> bundleNames = new LinkedHashSet<>();
        byName.forEach((name, els) -> {
            if (pass.wf().task(els.get(0).task()).pilot()) {
                bundleNames.add(name);
            }
        });
        Set<String> jobNames = new LinkedHashSet<>(byName.keySet());
        jobNames.removeAll(bundleNames);
        Map<String, String> found = new HashMap<>(); // job name -> the job id to record
        // each site is asked for the names of the attempts that went to it
        Map<NamedSite, Set<String>> namesBySite = new LinkedHashMap<>();
        for (String name : jobNames) {
            namesBySite.computeIfAbsent(pass.siteOf(byName.get(name).get(0)), k -> new LinkedHashSet<>()).add(name);
        }
        for (Map.Entry<NamedSite, Set<String>> site : namesBySite.entrySet()) {
            Map<String, JobId> jobs = SchedulerCalls.findByName(pass.scheduler(site.getKey()), site.getValue());
            if (jobs == null) {
                // the scheduler could not be asked: unknown, look again next pass
                byName.keySet().removeAll(site.getValue());
            } else {
                jobs.forEach((name, id) -> found.put(name, id.value()));
            }
        }
        if (!bundleNames.isEmpty()) {
            PilotQueue.Locations bundles = bundles(pass);
            if (bundles == null) {
                byName.keySet().removeAll(bundleNames);
            } else {
                for (String name : bundleNames) {
                    if (bundles.contains(name)) {
                        found.put(name, PilotBundles.jobId(name));
                    }
                }
            }
        }
        Instant now = pass.now();
        List<Submitted> ids = new ArrayList<>();
        List<Change> changes = new ArrayList<>();
        for (Map.Entry<String, List<ElementRecord>> g : byName.entrySet()) {
            ElementRecord first = g.getValue().get(0);
            String id = found.get(g.getKey());
            if (id != null) {
                LOG.info("task {} attempt {}: found job {} by its name {}", first.task(), first.attempt(), id,
                        g.getKey());
                ids.add(new Submitted(first.task(), first.attempt(), id,
                        g.getValue().stream().map(ElementRecord::index).toList()));
                continue;
            }
            Scheduler scheduler = pass.schedulerOf(first);
            TaskDirScan scan = SchedulerCalls.scanOrNull(scheduler, pass.taskDirOf(first));
            if (scan == null) {
                continue; // the task's files cannot be read now: unknown, look again next pass
            }
            Instant claimed = pass.snap().attempt(first.task(), first.attempt()).map(a -> a.submittedAt()).orElse(now);
            boolean graceOver = Duration.between(claimed, now).compareTo(scheduler.submitGrace()) >= 0;
            Task task = pass.wf().task(first.task());
            for (ElementRecord e : g.getValue()) {
                String key = TaskDirScan.key(e.attempt(), e.index());
                Integer code = scan.exitCodes().get(key);
                if (code != null) {
                    changes.add(new Change(e, UpstreamChecks.outcome(pass, e, task, code, scan.reasons().get(key),
                            null)));
                } else if (graceOver) {
                    changes.add(new Change(e, RetryPolicy.neverSubmitted(e, g.getKey())));
                }
            }
        }
        return new PhaseResult(ids, changes, List.of());
    }

    /** Every bundle in the pilots' directory, queued or claimed; null when it cannot be read now. */
    private static PilotQueue.Locations bundles(Pass pass) {
        try {
            return PilotBundles.queue(pass).locations();
        } catch (HwfException e) {
            LOG.warn("run {}: cannot read the pilots' directory now ({}); will look again", pass.runId(),
                    e.getMessage());
            return null;
        }
    }
}
