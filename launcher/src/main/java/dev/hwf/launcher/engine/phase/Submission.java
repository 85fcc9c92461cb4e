package dev.hwf.launcher.engine.phase;

import dev.hwf.api.Command;
import dev.hwf.api.JobId;
import dev.hwf.api.JobState;
import dev.hwf.api.SchedulerOutputException;
import dev.hwf.launcher.HwfException;
import dev.hwf.launcher.engine.CrashHook;
import dev.hwf.launcher.engine.Pass;
import dev.hwf.launcher.engine.PhaseResult;
import dev.hwf.launcher.engine.PilotBundles;
import dev.hwf.launcher.engine.RunEngine;
import dev.hwf.launcher.engine.Services;
import dev.hwf.launcher.engine.depend.Dependencies;
import dev.hwf.launcher.engine.depend.UpstreamChecks;
import dev.hwf.launcher.engine.gate.Secrets;
import dev.hwf.launcher.engine.gate.SubmitBackoff;
import dev.hwf.launcher.exec.CommandResult;
import dev.hwf.launcher.exec.TaskDir;
import dev.hwf.launcher.exec.TransportException;
import dev.hwf.launcher.journal.Change;
import dev.hwf.launcher.journal.Claim;
import dev.hwf.launcher.journal.ElementRecord;
import dev.hwf.launcher.journal.Submitted;
import dev.hwf.launcher.pilot.AgentJars;
import dev.hwf.launcher.pilot.PilotDir;
import dev.hwf.launcher.pilot.PilotQueue;
import dev.hwf.launcher.render.JobScripts;
import dev.hwf.launcher.site.Scheduler;
import dev.hwf.launcher.workflow.NamedSite;
import dev.hwf.launcher.workflow.Pilot;
import dev.hwf.launcher.workflow.PilotJobs;
import dev.hwf.launcher.workflow.Task;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Submits claimed work, in steps that keep the journal's transactions few and the scheduler busy:
 * the sequencer has claimed every task that goes in one transaction (its attempt recorded with the
 * job name, before anything is submitted: {@link RunEngine}); their scripts are written; the
 * submit commands run concurrently (at most the site's {@code submitCalls} at once on each site:
 * {@link dev.hwf.launcher.workflow.Site#submitCallsInFlight}); the job ids, rejections
 * and attempts that could not be prepared come back as the phase's result, which the sequencer
 * writes in one transaction like any phase's. A crash between the claim and that write is what the
 * claim is for: the next pass finds the submitted jobs by name ({@link RecoverOrphans}), and hands
 * back, once the submit grace has passed, what never reached the scheduler.
 */
public final class Submission {
    private static final Logger LOG = LoggerFactory.getLogger(Submission.class);

    private final Clock clock;
    private final CrashHook crash;
    private final SubmitBackoff backoff;

    public Submission(Clock clock, CrashHook crash, SubmitBackoff backoff) {
        this.clock = clock;
        this.crash = crash;
        this.backoff = backoff;
    }

    /** A claimed attempt with its script written and its submit command built, for its site's scheduler. */
    private record Prepared(Claim claim, Command command, Scheduler scheduler, NamedSite site) {
    }

    /** The site a claim goes to: the one it was placed on, else its task's. */
    static NamedSite siteOf(Pass pass, Claim c) {
        return c.placed() != null ? pass.wf().siteNamed(c.placed().site()) : pass.site(c.task());
    }

    /**
     * Submits the attempts the journal holds claimed (their claims already written, with their job
     * names): what is to be written of them, job ids first. An attempt that could not be prepared
     * or submitted, and whose end is not known, is left out: it stays claimed, for
     * {@link RecoverOrphans}.
     */
    public PhaseResult submit(Pass pass, List<Claim> claimed) {
        if (claimed.isEmpty()) {
            return PhaseResult.NONE;
        }
        List<Submitted> submitted = new ArrayList<>(queueBundles(pass, claimed));
        List<Change> failed = new ArrayList<>();
        List<Prepared> prepared = new ArrayList<>();
        for (Claim c : claimed) {
            if (pass.wf().task(c.task()).pilot()) {
                continue;
            }
            Prepared p = prepare(pass, pass.wf().task(c.task()), c, failed);
            if (p != null) {
                prepared.add(p);
            }
        }
        crash.reach("after-claim");
        LOG.debug("{} scripts ready; submitting", prepared.size());
        List<CommandResult> results = runAll(prepared);
        LOG.debug("{} submit commands done", results.size());
        for (int i = 0; i < prepared.size(); i++) {
            Prepared p = prepared.get(i);
            CommandResult result = results.get(i);
            Scheduler scheduler = p.scheduler();
            if (result == null) {
                continue; // did not complete: the attempt stays claimed and is looked up by name
            }
            crash.reach("after-submit");
            if (result.exitCode() != 0) {
                String limit = scheduler.adapter().limitRefusal(result.exitCode(), result.stdout(), result.stderr());
                if (limit != null) {
                    // a limit is never a failure: the elements wait, and go out once there is room
                    LOG.info("task {}: the scheduler refused the job for a limit ({}); it waits", p.claim.task(),
                            limit);
                    backoff.refused(clock.instant());
                    failed.addAll(notSubmitted(p.claim, "held: the scheduler refused more jobs now: " + limit));
                } else if (scheduler.adapter().isDependencyRefusal(result.exitCode(), result.stdout(),
                        result.stderr())) {
                    // an upstream job the scheduler no longer knows: the next pass sees how it ended
                    LOG.info("task {}: the scheduler refused the job's dependency ({}); it waits for its upstream",
                            p.claim.task(), result.firstErrorLine());
                    failed.addAll(notSubmitted(p.claim, "waiting for " + String.join(", ",
                            pass.wf().task(p.claim.task()).after())));
                } else if (scheduler.adapter().isTransientSubmitFailure(result.exitCode(), result.stdout(),
                        result.stderr())) {
                    LOG.warn("task {}: the scheduler could not take the job now ({}); will look for job {} by name "
                            + "and submit again if it is not there", p.claim.task(), result.firstErrorLine(),
                            p.claim.jobName());
                } else {
                    LOG.info("task {}: submit rejected: {}", p.claim.task(), result.firstErrorLine());
                    failed.addAll(claimedChanges(p.claim, JobState.FAILED, "submit rejected: "
                            + result.firstErrorLine()));
                }
                continue;
            }
            try {
                JobId id = scheduler.adapter().parseSubmitOutput(result.stdout());
                submitted.add(new Submitted(p.claim, id.value()));
                backoff.accepted();
            } catch (SchedulerOutputException e) {
                LOG.warn("task {}: submit output not understood ({}); will look for job {} by name", p.claim.task(),
                        e.getMessage(), p.claim.jobName());
            }
        }
        LOG.debug("{} jobs submitted, {} submits failed", submitted.size(), failed.size());
        return new PhaseResult(submitted, failed, List.of());
    }

    /**
     * The claims of packed tasks go to the pilots' agents: each one's script is written and its
     * elements are queued as one bundle named by its job name, which is then its elements' job id.
     * A claim that could not be queued stays claimed without a job id: {@link RecoverOrphans} finds
     * its bundle by name, or hands it back once the submit grace has passed.
     */
    private List<Submitted> queueBundles(Pass pass, List<Claim> claimed) {
        List<Submitted> out = new ArrayList<>();
        JobScripts scripts = new JobScripts(pass.wf(), pass.runId(), pass.snap().run().workdir(),
                pass.scheduler().adapter()); // pilots run on the default site
        PilotQueue queue = PilotBundles.queue(pass);
        for (Claim c : claimed) {
            Task t = pass.wf().task(c.task());
            if (!t.pilot()) {
                continue;
            }
            long seconds = PilotBundles.expectedSeconds(t);
            try {
                // a packed dependant of a service gets its endpoint as a job does
                JobScripts.Script script = scripts.attempt(t, c.attempt(), c.indices(), Services.readyUrls(pass, t), 0,
                        UpstreamChecks.of(pass, t));
                script.write(pass.scheduler().files());
                List<PilotDir.Item> items = new ArrayList<>();
                for (int i : c.indices()) {
                    items.add(new PilotDir.Item(i, Math.max(1, t.cpus()), t.gpus(), script.path(),
                            TaskDir.tag(c.attempt(), i), seconds));
                }
                queue.enqueue(c.jobName(), items);
                out.add(new Submitted(c, PilotBundles.jobId(c.jobName())));
            } catch (HwfException e) {
                LOG.warn("task {}: cannot queue elements for the pilots now ({}); will try again", t.name(),
                        e.getMessage());
            }
        }
        return out;
    }

    /**
     * Writes the attempt's script; null when it could not be: the attempt is then left claimed, or
     * what becomes of it (WAITING again, or FAILED) is added to {@code unsent}.
     */
    private Prepared prepare(Pass pass, Task t, Claim c, List<Change> unsent) {
        NamedSite site = siteOf(pass, c);
        Scheduler scheduler = pass.scheduler(site);
        Map<String, String> serviceUrls = Services.readyUrls(pass, t);
        JobScripts.Script script = scripts(pass, site).attempt(t, c.attempt(), c.indices(), serviceUrls,
                c.indexOffset(), UpstreamChecks.of(pass, t));
        try {
            if (c.attempt() > 1 || !serviceUrls.isEmpty() || c.indices().size() != t.elementCount()
                    || script.checksUpstream() || !scheduler.files().exists(script.path())) {
                // the run's render step wrote every first attempt's script already, for all the
                // task's elements, without the endpoints of services, which are known only now, and
                // with its upstream's first attempts, where the journal now says which ran
                script.write(scheduler.files());
            }
            if (Pilot.TASK.equals(t.name()) && site.isRemote()) {
                // the cluster's nodes have no hwf of their own: the pilot job's agents run on these
                AgentJars.copyTo(scheduler.files(), pass.taskDir(t.name(), site) + "/" + PilotJobs.AGENT_JARS);
            }
            // secrets go into the submit command's environment, read now, so a retry reads them again
            Command submit = Dependencies.submitCommand(pass, t, c, scheduler.adapter().submitCommand(script.request(),
                    script.path(), t.secrets().keySet()).withEnv(Secrets.values(t, System::getenv)));
            if (submit == null) { // its upstream's jobs can no longer be named: it waits for them to end
                unsent.addAll(notSubmitted(c, "waiting for " + String.join(", ", t.after())));
                return null;
            }
            return new Prepared(c, submit, scheduler, site);
        } catch (TransportException e) {
            // the site's files cannot be reached now (SSH): nothing was submitted; the attempt stays
            // claimed and a later pass hands it back, as for a submit that did not complete
            LOG.warn("task {}: cannot write its job script now ({}); will try again", t.name(), e.getMessage());
            return null;
        } catch (RuntimeException e) {
            LOG.info("task {}: cannot prepare the job script: {}", t.name(), e.getMessage());
            unsent.addAll(claimedChanges(c, JobState.FAILED, "cannot prepare the job script: " + e.getMessage()));
            return null;
        }
    }

    /** The scripts of jobs on a site of the pass's run. */
    public static JobScripts scripts(Pass pass, NamedSite site) {
        return new JobScripts(pass.wf(), pass.runId(), pass.scheduler(site).adapter(), site, pass::workdir);
    }

    /**
     * Runs the submit commands, on each site at most its {@code submitCalls} at once, the sites side
     * by side; a null result is a command that did not complete.
     */
    private static List<CommandResult> runAll(List<Prepared> prepared) {
        List<CommandResult> results = new ArrayList<>(Collections.nCopies(prepared.size(), null));
        Map<String, List<Integer>> bySite = new LinkedHashMap<>();
        for (int i = 0; i < prepared.size(); i++) {
            bySite.computeIfAbsent(prepared.get(i).site().name(), k -> new ArrayList<>()).add(i);
        }
        List<Thread> sites = new ArrayList<>();
        for (List<Integer> mine : bySite.values()) {
            Runnable run = () -> {
                Prepared first = prepared.get(mine.get(0));
                List<Command> commands = mine.stream().map(i -> prepared.get(i).command()).toList();
                List<CommandResult> out = first.scheduler().runner().runAllOnce(commands,
                        first.scheduler().commandTimeout(), first.site().site().submitCallsInFlight());
                synchronized (results) {
                    for (int k = 0; k < mine.size(); k++) {
                        results.set(mine.get(k), out.get(k));
                    }
                }
            };
            if (bySite.size() == 1) {
                run.run();
            } else {
                Thread t = new Thread(run, "hwf-submit-site");
                t.setDaemon(true);
                t.start();
                sites.add(t);
            }
        }
        try {
            for (Thread t : sites) {
                t.join();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        synchronized (results) {
            for (int i = 0; i < prepared.size(); i++) {
                if (results.get(i) == null) {
                    // the submission may or may not have reached the scheduler: the attempt stays
                    // claimed, and a later pass finds the job by its name or hands it back
                    LOG.warn("task {}: submit did not complete; will look for job {} by name",
                            prepared.get(i).claim().task(), prepared.get(i).claim().jobName());
                }
            }
            return new ArrayList<>(results);
        }
    }

    /** The claimed elements of an attempt back to WAITING, their try given back: nothing was submitted. */
    private static List<Change> notSubmitted(Claim c, String reason) {
        return claimedChanges(c, claimed -> claimed.notSubmitted(reason));
    }

    /** The claimed elements of an attempt, moved to {@code to}. */
    private List<Change> claimedChanges(Claim c, JobState to, String reason) {
        Instant now = clock.instant();
        return claimedChanges(c, claimed -> claimed.with(to, null, reason, now));
    }

    /**
     * A change of each element an attempt claimed, as the claim left it: QUEUED without a job id,
     * with the try it counted (the journal moves tries only by a change's difference).
     */
    private static List<Change> claimedChanges(Claim c,
                                               UnaryOperator<ElementRecord> change) {
        List<Change> out = new ArrayList<>();
        for (int i : c.indices()) {
            ElementRecord claimed = new ElementRecord(c.task(), i, JobState.QUEUED, c.attempt(), 1, null, null, null,
                    null, null, null);
            out.add(new Change(claimed, change.apply(claimed)));
        }
        return out;
    }
}
