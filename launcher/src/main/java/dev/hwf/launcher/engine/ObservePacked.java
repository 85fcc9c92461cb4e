package dev.hwf.launcher.engine;

import dev.hwf.api.JobState;
import dev.hwf.launcher.exec.SiteFiles;
import dev.hwf.launcher.journal.ElementRecord;
import dev.hwf.launcher.journal.Journal.Change;
import dev.hwf.launcher.HwfException;
import dev.hwf.launcher.pilot.PilotQueue;
import dev.hwf.launcher.workflow.Pilot;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What became of packed elements, from files alone (no scheduler knows them): an exit code file
 * decides, as for any job; a bundle an agent claimed is running if that agent's pilot job still
 * runs; a bundle claimed by an agent whose pilot has ended, with no exit code file, is handed
 * back (WAITING, its try given back) to run in another pilot. A pilot has ended only once the
 * journal says so, from the scheduler's word or its exit code file: then none of its processes
 * is left to write one later. A bundle its agent marked done has every exit code file it will
 * ever have: an element of it without one is handed back at once.
 *
 * <p>Only the exit code files of bundles an agent has claimed are read, each by its name: what is
 * still queued costs nothing, and neither does what ended in earlier passes.
 */
final class ObservePacked {
    private static final Logger LOG = LoggerFactory.getLogger(ObservePacked.class);
    static final String HANDED_BACK = "its pilot ended before it did; it runs again";
    static final String NOT_RUN = "its pilot's agent could not run it; it runs again";

    private ObservePacked() {
    }

    static List<Change> run(Pass pass, List<ElementRecord> packed) {
        if (packed.isEmpty()) {
            return List.of();
        }
        PilotQueue.Locations bundles;
        try {
            bundles = Packed.dir(pass).locations();
        } catch (HwfException e) {
            LOG.warn("run {}: cannot read the pilots' directory now ({}); will look again", pass.runId(),
                    e.getMessage());
            return List.of();
        }
        Set<String> livePilots = new HashSet<>();
        for (ElementRecord p : pass.elements(Pilot.TASK)) {
            livePilots.add(p.index() + "/" + p.attempt());
        }
        List<Change> changes = new ArrayList<>();
        for (ElementRecord e : packed) {
            String bundle = Packed.bundle(e.jobId());
            if (bundles.queued().contains(bundle)) {
                continue; // waits for an agent
            }
            String agent = bundles.agentOf(bundle);
            if (agent == null) {
                LOG.warn("task {} element {}: its bundle {} is neither queued nor claimed; it runs again",
                        e.task(), e.index(), bundle);
                changes.add(new Change(e, e.notSubmitted(HANDED_BACK)));
                continue;
            }
            Integer code;
            try {
                code = exitCode(pass, e);
            } catch (HwfException ex) {
                LOG.warn("task {}: cannot read its exit code files now ({}); will look again", e.task(),
                        ex.getMessage());
                return changes;
            }
            if (code != null) {
                changes.add(new Change(e, RetryPolicy.outcome(e, pass.wf().task(e.task()), code, null, pass.now())));
                continue;
            }
            if (bundles.doneBy().containsKey(bundle)) {
                changes.add(new Change(e, e.notSubmitted(NOT_RUN)));
                continue;
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

    /** The element's exit code file, read by its name; null while there is none (or only part of one). */
    private static Integer exitCode(Pass pass, ElementRecord e) {
        byte[] text = pass.scheduler().files().read(pass.taskDir(e.task()) + "/exit." + e.attempt() + "." + e.index(),
                0, 32);
        if (text == null) {
            return null;
        }
        return SiteFiles.TaskDirScan.exitCode(new String(text, java.nio.charset.StandardCharsets.US_ASCII));
    }
}
