package dev.hwf.launcher.engine.phase;

import dev.hwf.api.JobState;
import dev.hwf.api.SiteLimits;
import dev.hwf.launcher.engine.Pass;
import dev.hwf.launcher.engine.PhaseResult;
import dev.hwf.launcher.engine.depend.ArrayChunks;
import dev.hwf.launcher.engine.depend.ElementWise;
import dev.hwf.launcher.engine.depend.ElementWiseDependencies;
import dev.hwf.launcher.engine.gate.SiteLimitsReader;
import dev.hwf.launcher.engine.gate.SubmitBackoff;
import dev.hwf.launcher.engine.gate.SubmitGate;
import dev.hwf.launcher.engine.gate.SubmitGates;
import dev.hwf.launcher.journal.Claim;
import dev.hwf.launcher.journal.ElementRecord;
import dev.hwf.launcher.journal.Journal;
import dev.hwf.launcher.journal.Placed;
import dev.hwf.launcher.journal.WaitingChange;
import dev.hwf.launcher.render.RunLayout;
import dev.hwf.launcher.workflow.NamedSite;
import dev.hwf.launcher.workflow.Pilot;
import dev.hwf.launcher.workflow.Task;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Phase 5: asks the {@link SubmitGates} about every task with WAITING elements, in workflow order.
 * What the gates let go (all of a task's WAITING elements, or its first ones up to a limit) is
 * to be claimed as one attempt per array job ({@link ArrayChunks}: one, unless the indices reach
 * the site's array size limit); what a gate stops ends CANCELLED with its reason; what is held
 * stays WAITING, with the reason written where the gate shows it. The sequencer writes the claims,
 * hands those it won to {@link Submission}, and writes the rest with what the submission returns.
 */
public final class ReleaseAndSubmit {
    private static final Logger LOG = LoggerFactory.getLogger(ReleaseAndSubmit.class);

    private ReleaseAndSubmit() {
    }

    /**
     * What the gates let go and what they hold back.
     *
     * @param claims the attempts to claim, each before it is submitted
     * @param held   what is written with the submission's result: the reasons of the elements held,
     *               and the elements a gate stopped
     */
    public record Release(List<Claim> claims, PhaseResult held, Map<String, NamedSite> toStage) {
        static final Release NONE = new Release(List.of(), PhaseResult.NONE, Map.of());

        public Release {
            claims = List.copyOf(claims);
            toStage = Map.copyOf(toStage);
        }
    }

    /**
     * @param staged where each task's inputs are in place (SPEC section 7), by task: a task whose
     *               inputs come from another site goes only once they are ({@code toStage} otherwise)
     */
    public static Release run(Pass pass, Journal journal, SubmitBackoff backoff, SiteLimitsReader limitsReader,
                       Map<String, String> staged) {
        if (pass.wf().tasks().stream().allMatch(t -> pass.waitingCount(t.name()) == 0)) {
            return Release.NONE;
        }
        // each site has its own limits and gates, made when a task first goes there
        Map<NamedSite, SiteLimits> limitsOf = new HashMap<>();
        Map<NamedSite, SubmitGates> gatesOf = new HashMap<>();
        Function<NamedSite, SubmitGates> gatesFor = site -> gatesOf.computeIfAbsent(site,
                s -> SubmitGates.forPass(pass, s, journal, backoff,
                        limitsOf.computeIfAbsent(s, x -> limitsReader.current(pass, x))));
        Placing placing = new Placing(pass);
        List<WaitingChange> held = new ArrayList<>();
        Map<String, Integer> stopReasons = new LinkedHashMap<>();
        List<Claim> wanted = new ArrayList<>();
        Map<String, NamedSite> toStage = new LinkedHashMap<>();
        for (Task t : pass.wf().tasks()) {
            int waiting = pass.waitingCount(t.name());
            if (waiting == 0) {
                continue;
            }
            NamedSite site = pass.site(t.name());
            SubmitGates gates = gatesFor.apply(site);
            SubmitGate.Verdict v = gates.check(t, waiting);
            Placed placed = null;
            if (v.kind() == SubmitGate.Verdict.Kind.GO && pass.wf().hasSites()) {
                // ready to go: now its site is chosen (or checked), and its inputs copied there first
                Placing.Where where = placing.of(t);
                if (where.site() == null) {
                    held.add(new WaitingChange(t.name(), 0, JobState.WAITING, where.held()));
                    continue;
                }
                if (StageInputs.needsCopy(pass, t, where.site())
                        && !where.site().name().equals(staged.get(t.name()))) {
                    toStage.put(t.name(), where.site());
                    continue;
                }
                placed = where.placed();
                if (!where.site().equals(site)) {
                    site = where.site();
                    gates = gatesFor.apply(site);
                    v = gates.check(t, waiting);
                }
            }
            SiteLimits limits = limitsOf.get(site);
            switch (v.kind()) {
                case STOP -> {
                    held.add(new WaitingChange(t.name(), 0, JobState.CANCELLED, v.reason()));
                    stopReasons.merge(v.reason(), waiting, Integer::sum);
                }
                case HOLD -> {
                    LOG.debug("task {}: {} element(s) held: {}", t.name(), waiting, v.reason());
                    if (v.shown() && v.reason() != null) {
                        held.add(new WaitingChange(t.name(), 0, JobState.WAITING, v.reason()));
                    }
                }
                case GO -> {
                    // only the elements that go are read; the journal holds the others back in bulk
                    Map<Integer, ElementWiseDependencies.Group> early =
                            v.max() > 0 && ElementWiseDependencies.early(pass, t)
                                    ? ElementWiseDependencies.groups(pass, t, limits.maxArraySize()) : null;
                    List<ElementRecord> going = v.max() <= 0 ? List.of()
                            : !t.afterEach().isEmpty() ? ElementWise.ready(pass, t, v.max(), early)
                            : pass.firstWaiting(t.name(), Math.min(v.max(), waiting));
                    List<Claim> claims = claims(pass, t, going, limits.maxArraySize(), early, placed);
                    int released = claims.stream().mapToInt(c -> c.indices().size()).sum();
                    gates.released(t, released);
                    wanted.addAll(claims);
                    if (released < waiting && v.shown() && v.reason() != null) {
                        // the held ones: all WAITING after the last element released
                        int from = claims.stream().flatMap(c -> c.indices().stream()).mapToInt(i -> i + 1).max()
                                .orElse(0);
                        held.add(new WaitingChange(t.name(), from, JobState.WAITING, v.reason()));
                    }
                }
            }
        }
        stopReasons.forEach((reason, n) -> LOG.warn("run {}: {}; {} element(s) not submitted end CANCELLED",
                pass.runId(), reason, n));
        return new Release(wanted, PhaseResult.of(List.of(), held), toStage);
    }

    private static List<ArrayChunks.Chunk> bundles(List<Integer> indices) {
        List<ArrayChunks.Chunk> out = new ArrayList<>();
        for (int from = 0; from < indices.size(); from += Pilot.BUNDLE) {
            out.add(new ArrayChunks.Chunk(indices.subList(from, Math.min(indices.size(), from + Pilot.BUNDLE)), 0));
        }
        return out;
    }

    /**
     * One claim per array job, attempt numbers in a row from the task's last. A task with
     * arrayLimit sends one array job at a time, so that the limit holds across them. Elements
     * handed over early element by element ({@code early}, see {@link ElementWiseDependencies}) go as one array
     * job per group of partners' jobs.
     */
    private static List<Claim> claims(Pass pass, Task t, List<ElementRecord> going, Integer maxArraySize,
                                              Map<Integer, ElementWiseDependencies.Group> early,
                                              Placed placed) {
        List<Integer> indices = going.stream().map(ElementRecord::index).toList();
        // packed elements go to the pilots' agents in bundles, each its own claim, indices as they are
        List<ArrayChunks.Chunk> chunks = t.pilot() ? bundles(indices)
                : early != null ? ElementWiseDependencies.chunks(indices, early, maxArraySize)
                : ArrayChunks.split(indices, t.isArray() ? maxArraySize : null);
        List<Claim> out = new ArrayList<>();
        int last = pass.snap().task(t.name()).attempt();
        for (ArrayChunks.Chunk ch : chunks) {
            out.add(new Claim(t.name(), last, ch.indices(), RunLayout.jobName(pass.runId(), t.name(), last + 1),
                    ch.offset(), placed));
            last++;
            if (t.arrayLimit() > 0) {
                break;
            }
        }
        return out;
    }
}
