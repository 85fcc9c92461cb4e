package dev.hwf.launcher.engine;

import dev.hwf.api.Command;
import dev.hwf.api.JobId;
import dev.hwf.api.JobState;
import dev.hwf.api.JobStatus;
import dev.hwf.api.SchedulerOutputException;
import dev.hwf.launcher.exec.CommandResult;
import dev.hwf.launcher.exec.SiteFiles.TaskDirScan;
import dev.hwf.launcher.exec.TransportException;
import dev.hwf.launcher.journal.ElementRecord;
import dev.hwf.launcher.site.Scheduler;
import dev.hwf.launcher.workflow.NamedSite;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The questions a pass asks the scheduler and the site's files, each answering "unknown now"
 * (null, or false) instead of throwing when the scheduler or the site cannot be reached: an
 * unanswered question is asked again next pass, never taken for a failure.
 */
public final class SchedulerCalls {
    private static final Logger LOG = LoggerFactory.getLogger(SchedulerCalls.class);

    private SchedulerCalls() {
    }

    /**
     * Statuses keyed by {@code job} or {@code job_index}; null when the scheduler could not be read.
     *
     * @param history whether the command is the adapter's history command
     */
    public static Map<String, JobStatus> readStatus(Scheduler scheduler, Command cmd, boolean history) {
        try {
            CommandResult r = scheduler.runner().run(cmd, scheduler.commandTimeout());
            List<JobStatus> parsed = history ? scheduler.adapter().parseHistory(r.exitCode(), r.stdout(), r.stderr())
                    : scheduler.adapter().parseStatus(r.exitCode(), r.stdout(), r.stderr());
            Map<String, JobStatus> out = new HashMap<>();
            for (JobStatus s : parsed) {
                // an element listed twice (sacct keeps a stale pending range beside the element
                // that left it) is as far along as its furthest line says
                out.merge(s.arrayIndex() == null ? s.jobId().value() : s.jobId().value() + "_" + s.arrayIndex(), s,
                        (a, b) -> progress(b) > progress(a) ? b : a);
            }
            return out;
        } catch (TransportException | SchedulerOutputException e) {
            LOG.warn("could not read job states ({}); will look again", e.getMessage());
            return null;
        }
    }

    /** How far along a job is: queued, running, ended. */
    private static int progress(JobStatus s) {
        return s.state().isFinal() ? 2 : s.state() == JobState.RUNNING ? 1 : 0;
    }

    /** An element's status: its own line for an array element, else the job's. */
    public static JobStatus lookup(Map<String, JobStatus> statuses, String jobId, Integer index) {
        if (index != null) {
            JobStatus s = statuses.get(jobId + "_" + index);
            if (s != null) {
                return s;
            }
        }
        return statuses.get(jobId);
    }

    /** Job ids by the names hwf gave them; null when the scheduler could not be asked. */
    public static Map<String, JobId> findByName(Scheduler scheduler, Collection<String> names) {
        try {
            CommandResult r = scheduler.runner().run(scheduler.adapter().findByNameCommand(names),
                    scheduler.commandTimeout());
            return scheduler.adapter().parseFindByName(names, r.exitCode(), r.stdout(), r.stderr());
        } catch (TransportException | SchedulerOutputException e) {
            LOG.warn("could not look up unrecorded jobs by name ({}); will look again", e.getMessage());
            return null;
        }
    }

    /** ONE cancel command for the jobs; false when the scheduler could not be asked or refused. */
    static boolean cancel(Scheduler scheduler, Collection<JobId> jobs) {
        if (jobs.isEmpty()) {
            return true;
        }
        Command cmd = scheduler.adapter().cancelCommand(jobs);
        try {
            CommandResult r = scheduler.runner().run(cmd, scheduler.commandTimeout());
            scheduler.adapter().checkCancel(r.exitCode(), r.stdout(), r.stderr());
            return true;
        } catch (TransportException | SchedulerOutputException e) {
            LOG.warn("could not cancel {} ({}); will try again", jobs, e.getMessage());
            return false;
        }
    }

    /**
     * Cancels jobs on the sites of the elements they carry: one cancel command per site. False when
     * a site's command failed (the next pass tries again; cancelling a job twice is harmless).
     */
    public static boolean cancel(Pass pass, Map<JobId, ElementRecord> jobs) {
        boolean all = true;
        for (Map.Entry<NamedSite, List<Map.Entry<JobId, ElementRecord>>> site
                : pass.bySite(jobs.entrySet(), Map.Entry::getValue).entrySet()) {
            all &= cancel(pass.scheduler(site.getKey()), site.getValue().stream().map(Map.Entry::getKey).toList());
        }
        return all;
    }

    /** A task directory's files; null when they cannot be read now (a remote site out of reach). */
    public static TaskDirScan scanOrNull(Scheduler scheduler, String dir) {
        try {
            return scheduler.files().scan(dir);
        } catch (TransportException e) {
            LOG.warn("could not read {} ({}); will look again", dir, e.getMessage());
            return null;
        }
    }
}
