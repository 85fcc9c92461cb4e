package dev.hwf.launcher.engine;

import dev.hwf.api.JobState;
import dev.hwf.launcher.exec.SiteFiles.TaskDirScan;
import dev.hwf.launcher.journal.ElementRecord;
import dev.hwf.launcher.journal.Journal.Change;
import dev.hwf.launcher.pilot.PilotDir;
import dev.hwf.launcher.workflow.Pilot;
import dev.hwf.launcher.workflow.Task;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What became of packed elements, from files alone (no scheduler knows them): an exit code file
 * decides, as for any job; a bundle an agent claimed is running if that agent's pilot job still
 * runs; a bundle claimed by an agent whose pilot has ended, with no exit code file, is handed
 * back (WAITING, its try given back) to run in another pilot. A pilot has ended only once the
 * journal says so, from the scheduler's word or its exit code file: then none of its processes
 * is left to write one later.
 */
final class ObservePacked {
    private static final Logger LOG = LoggerFactory.getLogger(ObservePacked.class);
    static final String HANDED_BACK = "its pilot ended before it did; it runs again";

    private ObservePacked() {
    }

    static List<Change> run(Pass pass, List<ElementRecord> packed) {
        if (packed.isEmpty()) {
            return List.of();
        }
        PilotDir.Locations bundles;
        try {
            bundles = Packed.dir(pass).locations();
        } catch (IOException e) {
            LOG.warn("run {}: cannot read the pilots' directory now ({}); will look again", pass.runId(),
                    e.getMessage());
            return List.of();
        }
        Set<String> livePilots = new HashSet<>();
        for (ElementRecord p : pass.elements(Pilot.TASK)) {
            livePilots.add(p.index() + "/" + p.attempt());
        }
        Map<String, TaskDirScan> scans = new HashMap<>();
        List<Change> changes = new ArrayList<>();
        for (ElementRecord e : packed) {
            Task task = pass.wf().task(e.task());
            TaskDirScan scan = scans.computeIfAbsent(e.task(),
                    t -> SchedulerCalls.scanOrNull(pass.scheduler(), pass.taskDir(t)));
            if (scan == null) {
                continue;
            }
            Integer code = scan.exitCodes().get(TaskDirScan.key(e.attempt(), e.index()));
            if (code != null) {
                changes.add(new Change(e, RetryPolicy.outcome(e, task, code, null, pass.now())));
                continue;
            }
            String bundle = Packed.bundle(e.jobId());
            String agent = bundles.takenBy().get(bundle);
            if (agent == null) {
                if (!bundles.contains(bundle)) {
                    LOG.warn("task {} element {}: its bundle {} is neither queued nor claimed; it runs again",
                            e.task(), e.index(), bundle);
                    changes.add(new Change(e, e.notSubmitted(HANDED_BACK)));
                }
                continue; // queued: waits for an agent
            }
            int[] pilot = Packed.pilotOf(agent);
            if (pilot != null && livePilots.contains(pilot[0] + "/" + pilot[1])) {
                if (e.state() == JobState.QUEUED) {
                    changes.add(new Change(e, e.with(JobState.RUNNING, null, null, pass.now())));
                }
                continue;
            }
            changes.add(new Change(e, e.notSubmitted(HANDED_BACK)));
        }
        return changes;
    }
}
