package dev.hwf.launcher.engine.phase;

import dev.hwf.api.JobState;
import dev.hwf.launcher.HwfException;
import dev.hwf.launcher.engine.Pass;
import dev.hwf.launcher.engine.PhaseResult;
import dev.hwf.launcher.engine.PilotBundles;
import dev.hwf.launcher.engine.depend.UpstreamChecks;
import dev.hwf.launcher.exec.SiteFiles;
import dev.hwf.launcher.exec.TaskDir;
import dev.hwf.launcher.journal.AttemptRecord;
import dev.hwf.launcher.journal.Change;
import dev.hwf.launcher.journal.ElementRecord;
import dev.hwf.launcher.journal.RanOn;
import dev.hwf.launcher.journal.Ready;
import dev.hwf.launcher.pilot.PilotQueue;
import dev.hwf.launcher.workflow.Pilot;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What became of the elements in bundles (a packed task's), from files alone (no scheduler knows
 * them): an exit code file decides, as for any job; a bundle an agent claimed is running if that
 * agent's pilot job still runs; a bundle claimed by an agent whose pilot has ended, with no exit
 * code file, is handed back (WAITING, its try given back) to run in another pilot. A pilot has
 * ended only once the journal says so, from the scheduler's word or its exit code file: then none
 * of its processes is left to write one later. A bundle its agent marked done lists every outcome
 * it will ever have, in one file: an element of it without one is handed back at once.
 *
 * <p>Files are read only for bundles an agent has claimed: a done bundle's one file, or, while it
 * runs, its elements' exit code files, each by its name. What is still queued costs nothing, and
 * neither does what ended in earlier passes.
 */
public final class ObservePilotBundles {
    private static final Logger LOG = LoggerFactory.getLogger(ObservePilotBundles.class);
    public static final String HANDED_BACK = "its pilot ended before it did; it runs again";
    public static final String NOT_RUN = "its pilot's agent could not run it; it runs again";

    private ObservePilotBundles() {
    }

    /**
     * What a look at the elements in bundles found: their changes, and (to be written with the rest
     * of the phase) the agents that took attempts and the endpoints of services that are ready.
     */
    record Seen(List<Change> changes, PhaseResult recorded) {
        static final Seen NOTHING = new Seen(List.of(), PhaseResult.NONE);
    }

    static Seen run(Pass pass, List<ElementRecord> inBundles) {
        if (inBundles.isEmpty()) {
            return Seen.NOTHING;
        }
        PilotQueue.Locations bundles;
        try {
            bundles = PilotBundles.queue(pass).locations();
        } catch (HwfException e) {
            LOG.warn("run {}: cannot read the pilots' directory now ({}); will look again", pass.runId(),
                    e.getMessage());
            return Seen.NOTHING;
        }
        Set<String> placed = new HashSet<>(); // attempts whose agent the journal has
        Set<String> serving = new HashSet<>(); // service attempts whose endpoint the journal has
        for (AttemptRecord a : pass.snap().attempts()) {
            if (a.ranOn() != null) {
                placed.add(a.task() + "/" + a.attempt());
            }
            if (a.endpoint() != null) {
                serving.add(a.task() + "/" + a.attempt());
            }
        }
        List<Ready> ready = new ArrayList<>();
        Map<String, RanOn> ranOn = new LinkedHashMap<>();
        Map<String, Map<Integer, Integer>> done = new HashMap<>(); // a done bundle's outcomes, read once a pass
        Set<String> livePilots = new HashSet<>();
        for (ElementRecord p : pass.elements(Pilot.TASK)) {
            livePilots.add(p.index() + "/" + p.attempt());
        }
        List<Change> changes = new ArrayList<>();
        for (ElementRecord e : inBundles) {
            String bundle = PilotBundles.bundle(e.jobId());
            if (bundles.queued().contains(bundle)) {
                continue; // waits for an agent
            }
            String agent = bundles.agentOf(bundle);
            if (agent != null && !placed.contains(e.task() + "/" + e.attempt())) {
                ranOn.putIfAbsent(e.task() + "/" + e.attempt(), new RanOn(e.task(), e.attempt(), agent));
            }
            if (agent == null) {
                LOG.warn("task {} element {}: its bundle {} is neither queued nor claimed; it runs again",
                        e.task(), e.index(), bundle);
                changes.add(new Change(e, e.notSubmitted(HANDED_BACK)));
                continue;
            }
            Integer code;
            try {
                if (bundles.doneBy().containsKey(bundle)) {
                    Map<Integer, Integer> codes = done.get(bundle);
                    if (codes == null) {
                        codes = doneCodes(pass, agent, bundle);
                        done.put(bundle, codes);
                    }
                    if (codes == NOT_READ) {
                        continue; // look again next pass
                    }
                    if (!codes.containsKey(e.index())) {
                        changes.add(new Change(e, e.notSubmitted(NOT_RUN)));
                        continue;
                    }
                    code = codes.get(e.index());
                } else {
                    code = exitCode(pass, e);
                }
            } catch (HwfException ex) {
                LOG.warn("task {}: cannot read its exit code files now ({}); will look again", e.task(),
                        ex.getMessage());
                return seen(changes, ranOn, ready);
            }
            if (code != null) {
                changes.add(new Change(e, UpstreamChecks.outcome(pass, e, pass.wf().task(e.task()), code,
                        code == 0 ? null : reason(pass, e), null)));
                continue;
            }
            int[] pilot = PilotBundles.pilotOf(agent);
            if (pilot != null && livePilots.contains(pilot[0] + "/" + pilot[1])) {
                if (e.state() == JobState.QUEUED) {
                    changes.add(new Change(e, e.with(JobState.RUNNING, null, null, pass.now())));
                }
                if (pass.wf().task(e.task()).isService() && !serving.contains(e.task() + "/" + e.attempt())) {
                    String endpoint = endpoint(pass, e);
                    if (endpoint != null) {
                        ready.add(new Ready(e.task(), e.attempt(), endpoint));
                    }
                }
                continue;
            }
            changes.add(new Change(e, e.notSubmitted(HANDED_BACK)));
        }
        return seen(changes, ranOn, ready);
    }

    private static Seen seen(List<Change> changes, Map<String, RanOn> ranOn, List<Ready> ready) {
        return new Seen(changes, ranOn.isEmpty() && ready.isEmpty() ? PhaseResult.NONE
                : new PhaseResult(List.of(), List.of(), List.of(), ready, List.copyOf(ranOn.values())));
    }

    /**
     * A running service element's endpoint, from its ready file read by name; null while there is
     * none (or it cannot be read now: the next pass looks again).
     */
    private static String endpoint(Pass pass, ElementRecord e) {
        return firstLine(pass, e, TaskDir.Kind.READY);
    }

    /**
     * Why a failed element ended before its command ran, from its reason file read by name (only
     * for an element that failed); null when there is none: its exit code is the reason.
     */
    private static String reason(Pass pass, ElementRecord e) {
        return firstLine(pass, e, TaskDir.Kind.REASON);
    }

    private static String firstLine(Pass pass, ElementRecord e, TaskDir.Kind kind) {
        try {
            byte[] text = pass.scheduler().files().read(kind.in(pass.taskDir(e.task()), e.attempt(), e.index()),
                    0, 512);
            return text == null ? null
                    : SiteFiles.TaskDirScan.endpoint(new String(text, StandardCharsets.UTF_8));
        } catch (HwfException ex) {
            LOG.warn("task {}: cannot read its {} file now ({}); will look again", e.task(), kind.word(),
                    ex.getMessage());
            return null;
        }
    }

    private static final Map<Integer, Integer> NOT_READ = Map.of(-1, -1);

    /** The outcomes a done bundle's file lists; {@link #NOT_READ} when it cannot be read now. */
    private static Map<Integer, Integer> doneCodes(Pass pass, String agent, String bundle) {
        Map<Integer, Integer> codes = PilotBundles.queue(pass).doneCodes(agent, bundle);
        return codes == null ? NOT_READ : codes;
    }

    /** The element's exit code file, read by its name; null while there is none (or only part of one). */
    private static Integer exitCode(Pass pass, ElementRecord e) {
        byte[] text = pass.scheduler().files().read(TaskDir.Kind.EXIT.in(pass.taskDir(e.task()), e.attempt(),
                e.index()), 0, 32);
        if (text == null) {
            return null;
        }
        return SiteFiles.TaskDirScan.exitCode(new String(text, StandardCharsets.US_ASCII));
    }
}
