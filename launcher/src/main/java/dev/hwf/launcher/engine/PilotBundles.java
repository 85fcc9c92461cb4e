package dev.hwf.launcher.engine;

import dev.hwf.api.JobState;
import dev.hwf.launcher.journal.ElementRecord;
import dev.hwf.launcher.pilot.PilotQueue;
import dev.hwf.launcher.workflow.Pilot;
import dev.hwf.launcher.workflow.Task;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Bundles, the unit in which pilot agents take work: the elements of a packed task (one with
 * {@code pilot: true}) are claimed as for any task, each claim of up to {@link Pilot#BUNDLE}
 * elements an attempt, and each such attempt becomes one bundle in the pilot task's directory,
 * named by the attempt's job name. Its elements' job id is that name with the prefix
 * {@value #PREFIX}: no scheduler knows it, and nothing asks one about it. The agent that claims
 * the bundle is named {@code pELEMENT-aATTEMPT-HOST} for the pilot job it runs in.
 */
public final class PilotBundles {
    static final String PREFIX = "pilot:";

    private PilotBundles() {
    }

    /** Whether the job id is one a scheduler gave (not none yet, not a bundle's). */
    public static boolean isSchedulerJob(String jobId) {
        return jobId != null && !isBundle(jobId);
    }

    /** Whether the job id is a bundle's: the element runs in a pilot, not in a job of its own. */
    public static boolean isBundle(String jobId) {
        return jobId != null && jobId.startsWith(PREFIX);
    }

    /** The job id of a bundle's elements. */
    public static String jobId(String bundle) {
        return PREFIX + bundle;
    }

    /** The bundle an element's job id names. */
    public static String bundle(String jobId) {
        return jobId.substring(PREFIX.length());
    }

    /** The queue the run's agents take bundles from: the pilot task's own directory. */
    public static PilotQueue queue(Pass pass) {
        return new PilotQueue(pass.scheduler().files(), pass.taskDir(Pilot.TASK));
    }

    /**
     * How long an element of a packed task is expected to run, in seconds, for an agent near its
     * pilot's end: the 95th percentile of the run times of the task's elements that succeeded so far
     * in the run, else its walltime, else 0 (not known).
     */
    public static long expectedSeconds(Pass pass, Task t) {
        List<Long> took = new ArrayList<>();
        for (ElementRecord e : pass.all(t.name())) {
            if (e.state() == JobState.SUCCEEDED && e.startedAt() != null && e.endedAt() != null) {
                took.add(Duration.between(e.startedAt(), e.endedAt()).toMillis());
            }
        }
        if (took.isEmpty()) {
            return Math.max(0, t.walltimeSeconds());
        }
        took.sort(null);
        long p95 = took.get(Math.min(took.size() - 1, (int) Math.ceil(took.size() * 0.95) - 1));
        return Math.max(1, (p95 + 999) / 1000);
    }

    /** The pilot element and attempt an agent's name says it runs in, or null for a name hwf did not give. */
    public static int[] pilotOf(String agent) {
        Matcher m = AGENT.matcher(agent);
        return m.matches() ? new int[] {Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2))} : null;
    }

    private static final Pattern AGENT = Pattern.compile("p(\\d+)-a(\\d+)-.*");
}
