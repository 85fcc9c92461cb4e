package dev.hwf.launcher.engine;

import dev.hwf.launcher.pilot.PilotQueue;
import dev.hwf.launcher.workflow.Pilot;
import dev.hwf.launcher.workflow.Task;
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
     * How long an element of a packed task is expected to run, in seconds, before any agent of the
     * run has seen one end (the agents keep what they see in the pilots' directory): its walltime,
     * else 0 (not known). The journal's times of a packed element start when its bundle was
     * claimed, not when it started, so they cannot tell.
     */
    public static long expectedSeconds(Task t) {
        return Math.max(0, t.walltimeSeconds());
    }

    /** The pilot element and attempt an agent's name says it runs in, or null for a name hwf did not give. */
    public static int[] pilotOf(String agent) {
        Matcher m = AGENT.matcher(agent);
        return m.matches() ? new int[] {Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2))} : null;
    }

    private static final Pattern AGENT = Pattern.compile("p(\\d+)-a(\\d+)-.*");
}
