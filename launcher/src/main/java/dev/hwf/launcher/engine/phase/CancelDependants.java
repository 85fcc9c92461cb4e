package dev.hwf.launcher.engine.phase;

import dev.hwf.api.JobId;
import dev.hwf.api.JobState;
import dev.hwf.launcher.engine.CrashHook;
import dev.hwf.launcher.engine.Pass;
import dev.hwf.launcher.engine.PhaseResult;
import dev.hwf.launcher.engine.SchedulerCalls;
import dev.hwf.launcher.engine.depend.Dependencies;
import dev.hwf.launcher.engine.depend.ElementWiseDependencies;
import dev.hwf.launcher.journal.Change;
import dev.hwf.launcher.journal.ElementRecord;
import dev.hwf.launcher.workflow.Task;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Phase 4a: dependants handed to the scheduler early whose dependency is no longer right
 * ({@link Dependencies#stale}; element by element, {@link ElementWiseDependencies#stale}). ONE cancel command for
 * all their jobs (for an element-wise dependant, only the elements concerned, {@code JOB_INDEX}),
 * then, once the scheduler has taken them back, their elements are recorded: CANCELLED with the
 * upstream's reason when it failed for good, else WAITING with their try given back, to go out
 * again on the upstream's new job.
 *
 * <p>The cancel comes first. hwf killed between the two leaves the elements QUEUED in the journal
 * with jobs the scheduler has ended; the next pass's {@link Observe} leaves such elements to this
 * phase ({@link #staleDownTheChain}, {@link ElementWiseDependencies#stale}), which cancels again (a no-op for
 * ended jobs) and records them. Recording first would leave a job pending on a dependency that can
 * never be met if hwf died before cancelling it. What is stale is worked out once per reading of the
 * run, kept on the {@link Pass}: the phase takes back what {@link Observe} left to it.
 */
public final class CancelDependants {
    private static final Logger LOG = LoggerFactory.getLogger(CancelDependants.class);

    private CancelDependants() {
    }

    public static PhaseResult run(Pass pass, CrashHook crash) {
        List<Change> changes = new ArrayList<>();
        Map<JobId, ElementRecord> jobs = new LinkedHashMap<>(); // each job with an element it carries (its site)
        Map<String, Dependencies.Stale> stale = staleDownTheChain(pass);
        for (Task t : pass.wf().tasks()) {
            List<ElementRecord> live = pass.elements(t.name());
            Dependencies.Stale why = stale.get(t.name());
            if (live == null || live.isEmpty() || why == null) {
                continue;
            }
            Set<String> running = new LinkedHashSet<>();
            live.stream().filter(e -> e.state() == JobState.RUNNING).forEach(e -> running.add(e.jobId()));
            for (ElementRecord e : live) {
                if (e.state() != JobState.QUEUED || e.jobId() == null || running.contains(e.jobId())) {
                    continue; // running: its dependency was met; claimed without a job: RecoverOrphans' to find
                }
                jobs.putIfAbsent(new JobId(e.jobId()), e);
                changes.add(new Change(e, why.forGood() ? e.with(JobState.CANCELLED, null, why.reason(), pass.now())
                        : e.notSubmitted(why.reason())));
            }
        }
        // element-wise dependants: each element's own element of its array job
        for (ElementWiseDependencies.TakeBack b : ElementWiseDependencies.stale(pass)) {
            jobs.putIfAbsent(b.job(), b.element());
            changes.add(new Change(b.element(), b.after(pass.now())));
        }
        if (jobs.isEmpty()) {
            return PhaseResult.NONE;
        }
        if (!SchedulerCalls.cancel(pass, jobs)) {
            return PhaseResult.NONE; // not taken back: the next pass tries again
        }
        LOG.info("run {}: took back {} dependant job(s) waiting on a dependency that no longer holds: {}",
                pass.runId(), jobs.size(), jobs.keySet());
        crash.reach("after-cancel-dependants");
        return PhaseResult.of(changes);
    }

    /**
     * Every task whose queued jobs are to be taken back, with why: those {@link Dependencies#stale}
     * names, and, down the chain, the early dependants of those (whose own dependency is taken back
     * with them), so that one cancel command takes a whole chain back. Worked out once per reading
     * of the run ({@link Pass#staleTasks}).
     */
    static Map<String, Dependencies.Stale> staleDownTheChain(Pass pass) {
        return pass.staleTasks(() -> chain(pass));
    }

    private static Map<String, Dependencies.Stale> chain(Pass pass) {
        Map<String, Dependencies.Stale> out = new LinkedHashMap<>();
        for (Task t : pass.wf().tasks()) {
            Dependencies.Stale s = Dependencies.stale(pass, t);
            if (s != null) {
                out.put(t.name(), s);
            }
        }
        for (boolean grew = !out.isEmpty(); grew; ) {
            grew = false;
            for (Task t : pass.wf().tasks()) {
                if (out.containsKey(t.name()) || !Dependencies.early(pass, t)) {
                    continue;
                }
                for (String up : t.after()) {
                    Dependencies.Stale s = out.get(up);
                    if (s != null) {
                        out.put(t.name(), s.forGood()
                                ? new Dependencies.Stale(up, true, "upstream " + up + " CANCELLED")
                                : new Dependencies.Stale(up, false, "upstream " + up + " is submitted again; so is this"));
                        grew = true;
                        break;
                    }
                }
            }
        }
        return Collections.unmodifiableMap(out);
    }
}
