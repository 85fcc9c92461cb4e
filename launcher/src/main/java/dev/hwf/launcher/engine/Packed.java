package dev.hwf.launcher.engine;

import dev.hwf.launcher.pilot.PilotQueue;
import dev.hwf.launcher.workflow.Pilot;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Packed elements (a task with {@code pilot: true}) as the engine records them: each claim of up
 * to {@link Pilot#BUNDLE} elements becomes one bundle in the pilot task's directory, named by the
 * attempt's job name, and its elements' job id is that name with the prefix {@value #PREFIX}: no
 * scheduler knows it, and nothing asks one about it. The agent that claims the bundle is named
 * {@code pELEMENT-aATTEMPT-HOST} for the pilot job it runs in.
 */
final class Packed {
    static final String PREFIX = "pilot:";

    private Packed() {
    }

    /** Whether the job id is one a scheduler gave (not none yet, not a pilot's bundle). */
    static boolean isSchedulerJob(String jobId) {
        return jobId != null && !isPacked(jobId);
    }

    static boolean isPacked(String jobId) {
        return jobId != null && jobId.startsWith(PREFIX);
    }

    static String jobId(String bundle) {
        return PREFIX + bundle;
    }

    static String bundle(String jobId) {
        return jobId.substring(PREFIX.length());
    }

    /** The directory the run's agents work from: the pilot task's own. */
    static PilotQueue dir(Pass pass) {
        return new PilotQueue(pass.scheduler().files(), pass.taskDir(Pilot.TASK));
    }

    /** The pilot element and attempt an agent's name says it runs in, or null for a name hwf did not give. */
    static int[] pilotOf(String agent) {
        Matcher m = AGENT.matcher(agent);
        return m.matches() ? new int[] {Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2))} : null;
    }

    private static final Pattern AGENT = Pattern.compile("p(\\d+)-a(\\d+)-.*");
}
