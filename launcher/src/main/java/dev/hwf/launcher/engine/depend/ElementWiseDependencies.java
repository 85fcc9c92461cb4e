package dev.hwf.launcher.engine.depend;

import dev.hwf.api.Command;
import dev.hwf.api.JobId;
import dev.hwf.api.JobState;
import dev.hwf.launcher.engine.Pass;
import dev.hwf.launcher.engine.PilotBundles;
import dev.hwf.launcher.journal.ElementRecord;
import dev.hwf.launcher.journal.StateCounts;
import dev.hwf.launcher.workflow.Task;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Element-wise dependants ({@code afterEach}) handed to the scheduler early, where it pairs the
 * elements of two array jobs (Slurm's {@code aftercorr}; SPEC section 6): element i goes once each
 * of its partners has SUCCEEDED or is live in a job the scheduler showed in this pass, and waits in
 * the queue for the partner's element with the same scheduler index. hwf stays the authority: a
 * queued element whose partner failed for good, or is to run again, is taken back alone
 * ({@link #stale}), and, down the chain, what waits for it element by element.
 *
 * <p>Only where {@link Dependencies} would hand a task over (no budget, no service, nothing
 * packed), and only once the task's plain {@code after} tasks have SUCCEEDED: an element never
 * waits on both {@code afterok} and {@code aftercorr}. Everywhere else {@link ElementWise} releases
 * the elements itself once their partners have SUCCEEDED.
 */
public final class ElementWiseDependencies {
    private ElementWiseDependencies() {
    }

    /**
     * Where an element's partners are: per {@code afterEach} upstream, in its order, the job that
     * holds the partner (null for one that SUCCEEDED), and the partners' chunk offset, which the
     * element's own array job takes so that the scheduler indices pair up (0 when all SUCCEEDED).
     */
    public record Group(List<String> jobs, int offset) {
        /** Whether every partner has SUCCEEDED: the element waits for nothing. */
        boolean done() {
            return jobs.stream().allMatch(Objects::isNull);
        }

        /** The jobs the element waits for, each once. */
        List<JobId> upstream() {
            return jobs.stream().filter(Objects::nonNull).distinct().map(JobId::new).toList();
        }
    }

    /**
     * Whether the task is one whose elements may go to the scheduler before their partners, whatever
     * the state of its plain {@code after} tasks.
     */
    static boolean handsOver(Pass pass, Task t) {
        return !t.afterEach().isEmpty() && pass.scheduler(t.name()).adapter().offersElementWiseDependencies()
                && Dependencies.mayHandOver(pass, t, t.afterEach());
    }

    /** Whether the task's elements may go early now: {@link #handsOver}, and its plain after tasks SUCCEEDED. */
    public static boolean early(Pass pass, Task t) {
        if (!handsOver(pass, t)) {
            return false;
        }
        for (String up : t.after()) {
            if (!t.elementWise(up) && pass.snap().task(up).state() != JobState.SUCCEEDED) {
                return false;
            }
        }
        return true;
    }

    /**
     * Each element whose partners have all SUCCEEDED or are live in jobs the pass knows, with where
     * they are, by index. Left out: an element with a partner in neither state, one whose partners
     * are at different offsets (no one array job pairs with both), or one waiting for a partner whose
     * index would not fit the site's array size from the partners' offset.
     */
    public static Map<Integer, Group> groups(Pass pass, Task t, Integer maxArraySize) {
        Map<Integer, Group> all = pass.partnerGroups(t.name(), () -> partners(pass, t));
        if (maxArraySize == null) {
            return all;
        }
        Map<Integer, Group> out = new HashMap<>();
        all.forEach((i, g) -> {
            // an element whose partners all SUCCEEDED goes as usual, at the offset ArrayChunks gives it
            if (g.done() || i - g.offset() < maxArraySize) {
                out.put(i, g);
            }
        });
        return out;
    }

    /** {@link #groups} whatever the site's array size: the upstream's elements read once per pass. */
    private static Map<Integer, Group> partners(Pass pass, Task t) {
        int n = t.afterEach().size();
        Map<Integer, String[]> jobs = null;
        Map<Integer, Integer> offsets = new HashMap<>();
        for (int u = 0; u < n; u++) {
            Map<Integer, ElementRecord> found = new HashMap<>();
            for (ElementRecord p : pass.all(t.afterEach().get(u))) {
                if (p.state() == JobState.SUCCEEDED || p.state().isLive() && pass.knowsJobOf(p)) {
                    found.put(p.index(), p);
                }
            }
            if (jobs == null) {
                jobs = new HashMap<>();
                for (Integer i : found.keySet()) {
                    jobs.put(i, new String[n]);
                }
            } else {
                jobs.keySet().retainAll(found.keySet());
            }
            for (var it = jobs.entrySet().iterator(); it.hasNext(); ) {
                var j = it.next();
                ElementRecord p = found.get(j.getKey());
                if (p.state() == JobState.SUCCEEDED) {
                    continue;
                }
                j.getValue()[u] = p.jobId();
                Integer index = pass.schedulerIndex(p);
                int offset = index == null ? 0 : p.index() - index;
                if (!offsets.computeIfAbsent(p.index(), k -> offset).equals(offset)) {
                    it.remove(); // partners at different offsets: no one array job pairs with both
                }
            }
        }
        Map<Integer, Group> out = new HashMap<>();
        for (Map.Entry<Integer, String[]> j : jobs.entrySet()) {
            out.put(j.getKey(), new Group(Arrays.asList(j.getValue()), offsets.getOrDefault(j.getKey(), 0)));
        }
        return Map.copyOf(out);
    }

    /**
     * The elements that go, as array jobs: those whose partners have all SUCCEEDED as usual
     * ({@link ArrayChunks}), the others one job per group, at the group's offset.
     */
    public static List<ArrayChunks.Chunk> chunks(List<Integer> indices, Map<Integer, Group> groups,
                                                 Integer maxArraySize) {
        Map<Group, List<Integer>> byGroup = new LinkedHashMap<>();
        List<Integer> done = new ArrayList<>();
        for (int i : indices) {
            Group g = groups.get(i);
            if (g == null || g.done()) {
                done.add(i);
            } else {
                byGroup.computeIfAbsent(g, k -> new ArrayList<>()).add(i);
            }
        }
        List<ArrayChunks.Chunk> out = new ArrayList<>(ArrayChunks.split(done, maxArraySize));
        byGroup.forEach((g, is) -> out.add(new ArrayChunks.Chunk(List.copyOf(is), g.offset())));
        return out;
    }

    /**
     * The submit command of a claimed attempt with its {@code aftercorr} on the partners' jobs, as it
     * is when every partner has SUCCEEDED; null when the claim's partners are no longer where one
     * array job at the claim's offset can wait for them (the elements wait for the next pass).
     */
    static Command submitCommand(Pass pass, Task t, List<Integer> indices, int indexOffset, Command submit) {
        if (!early(pass, t)) {
            return submit;
        }
        Map<Integer, Group> groups = groups(pass, t, null);
        Group g = groups.get(indices.get(0));
        for (int i : indices) {
            if (g == null || !g.equals(groups.get(i))) {
                return null;
            }
        }
        if (g.done()) {
            return submit;
        }
        return g.offset() != indexOffset ? null : pass.scheduler(t.name()).adapter().afterEachSuccess(submit, g.upstream());
    }

    /**
     * A queued element to take back: its own element of its array job is cancelled, then it is
     * recorded CANCELLED with the reason ({@code forGood}) or WAITING again.
     */
    public record TakeBack(ElementRecord element, JobId job, boolean forGood, String reason) {
        /** The element as recorded once its job element was cancelled. */
        public ElementRecord after(Instant now) {
            return forGood ? element.with(JobState.CANCELLED, null, reason, now) : element.notSubmitted(reason);
        }
    }

    /** Why an element is taken back. */
    private record Why(boolean forGood, String reason) {
    }

    /**
     * The QUEUED elements handed over early whose partner can no longer succeed in the job they wait
     * for: it failed for good or was cancelled (cancelled for good, {@code upstream sim[3] FAILED}),
     * or it is to run again (WAITING again, to follow its new job); and, down the chain, the queued
     * elements whose partner is taken back. Running elements are left alone: their dependency was met.
     * Worked out once per reading of the run ({@link Pass#staleElements}).
     */
    public static List<TakeBack> stale(Pass pass) {
        return pass.staleElements(() -> takeBacks(pass));
    }

    private static List<TakeBack> takeBacks(Pass pass) {
        List<TakeBack> out = new ArrayList<>();
        Map<String, Map<Integer, Why>> taken = new HashMap<>();
        for (boolean grew = true; grew; ) {
            grew = false;
            for (Task t : pass.wf().tasks()) {
                if (taken.containsKey(t.name()) || !handsOver(pass, t)
                        || pass.snap().counts(t.name()).of(JobState.QUEUED) == 0) {
                    continue;
                }
                Map<Integer, Why> why = partnersLost(pass, t, taken);
                if (why == null) {
                    continue; // an upstream still to be looked at down the chain
                }
                Map<Integer, Why> mine = new HashMap<>();
                for (ElementRecord e : pass.elements(t.name())) {
                    Why w = why.get(e.index());
                    if (w == null || e.state() != JobState.QUEUED || !PilotBundles.isSchedulerJob(e.jobId())) {
                        continue;
                    }
                    Integer index = pass.schedulerIndex(e);
                    out.add(new TakeBack(e, new JobId(index == null ? e.jobId() : e.jobId() + "_" + index),
                            w.forGood(), w.reason()));
                    mine.put(e.index(), w);
                }
                taken.put(t.name(), mine);
                grew = true;
            }
        }
        return List.copyOf(out);
    }

    /**
     * Why each of a task's elements loses its partner, by index; null while an upstream that is
     * itself handed over has not been looked at yet (what it takes back is known only then).
     */
    private static Map<Integer, Why> partnersLost(Pass pass, Task t, Map<String, Map<Integer, Why>> taken) {
        Map<Integer, Why> why = new HashMap<>();
        for (String up : t.afterEach()) {
            Map<Integer, Why> upTaken = taken.get(up);
            if (upTaken == null && handsOver(pass, pass.wf().task(up))
                    && pass.snap().counts(up).of(JobState.QUEUED) > 0) {
                return null;
            }
            if (upTaken != null) {
                upTaken.forEach((i, w) -> merge(why, i, new Why(w.forGood(), "upstream " + up + "[" + i + "] "
                        + (w.forGood() ? "CANCELLED" : "is submitted again; so is this"))));
            }
            StateCounts c = pass.snap().counts(up);
            if (c.of(JobState.FAILED) + c.of(JobState.CANCELLED) + c.of(JobState.WAITING) == 0) {
                continue;
            }
            for (ElementRecord p : pass.all(up)) {
                if (p.state() == JobState.FAILED || p.state() == JobState.CANCELLED) {
                    merge(why, p.index(), new Why(true, "upstream " + up + "[" + p.index() + "] " + p.state()));
                } else if (p.state() == JobState.WAITING) {
                    merge(why, p.index(), new Why(false, "upstream " + up + "[" + p.index() + "] runs again; "
                            + "submitted again once its new job exists"));
                }
            }
        }
        return why;
    }

    /** A partner lost for good wins over one that runs again; else the first upstream's reason stays. */
    private static void merge(Map<Integer, Why> why, int index, Why w) {
        why.merge(index, w, (a, b) -> !a.forGood() && b.forGood() ? b : a);
    }
}
