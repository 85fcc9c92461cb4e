package dev.hwf.launcher.pilot;

import dev.hwf.launcher.exec.SiteFiles;
import dev.hwf.launcher.exec.TaskDir;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * hwf's side of a {@link PilotDir}: what the engine writes there and reads back, through the
 * site's files, so that it is the same on this machine and on a cluster reached over SSH (the
 * agents, on the cluster's nodes, read the directory as local files).
 */
public final class PilotQueue {
    private final SiteFiles files;
    private final String dir;
    private boolean queueMade;

    public PilotQueue(SiteFiles files, String dir) {
        this.files = files;
        this.dir = dir;
    }

    /**
     * Puts a bundle in the queue, written whole (the site's files write a temporary file and
     * rename it, whose name agents do not take). {@code name} must be unique within the directory.
     */
    public void enqueue(String name, List<PilotDir.Item> items) {
        PilotDir.checkName(name);
        if (!queueMade) {
            files.mkdirs(dir + "/" + PilotDir.QUEUE);
            queueMade = true;
        }
        files.write(dir + "/" + PilotDir.QUEUE + "/" + name + PilotDir.SUFFIX, PilotDir.text(items), false);
    }

    /**
     * Where every bundle is at one moment: queued, claimed by which agent, or run to its end by
     * which agent.
     */
    public record Locations(Set<String> queued, Map<String, String> takenBy, Map<String, String> doneBy) {
        public boolean contains(String bundle) {
            return queued.contains(bundle) || takenBy.containsKey(bundle) || doneBy.containsKey(bundle);
        }

        /** The agent that claimed the bundle (running it, or done with it), or null. */
        public String agentOf(String bundle) {
            String agent = takenBy.get(bundle);
            return agent != null ? agent : doneBy.get(bundle);
        }
    }

    /**
     * Every bundle's place, the queue listed first: a bundle an agent renames meanwhile is then
     * found in that agent's directory, never in neither; and an agent's claimed bundles are listed
     * in the same listing as its done ones, so that one it finishes meanwhile is in one or the other.
     */
    public Locations locations() {
        Set<String> queued = new HashSet<>();
        for (String f : files.list(dir + "/" + PilotDir.QUEUE)) {
            if (f.endsWith(PilotDir.SUFFIX)) {
                queued.add(f.substring(0, f.length() - PilotDir.SUFFIX.length()));
            }
        }
        Map<String, String> takenBy = new HashMap<>();
        Map<String, String> doneBy = new HashMap<>();
        String taken = dir + "/" + PilotDir.TAKEN;
        for (String agent : files.list(taken)) {
            for (String f : files.list(taken + "/" + agent)) {
                if (f.endsWith(PilotDir.SUFFIX)) {
                    takenBy.put(f.substring(0, f.length() - PilotDir.SUFFIX.length()), agent);
                } else if (f.endsWith(PilotDir.DONE)) {
                    doneBy.put(f.substring(0, f.length() - PilotDir.DONE.length()), agent);
                }
            }
        }
        return new Locations(queued, takenBy, doneBy);
    }

    /** The outcomes an agent listed for a bundle it is done with, by element index; null when it cannot be read. */
    public Map<Integer, Integer> doneCodes(String agent, String bundle) {
        byte[] text = files.read(dir + "/" + PilotDir.TAKEN + "/" + agent + "/" + bundle + PilotDir.DONE, 0, 1 << 20);
        return text == null ? null : PilotDir.doneCodes(new String(text, StandardCharsets.UTF_8));
    }

    /** Asks the agent running the element tagged {@code ATTEMPT.INDEX} to stop it. */
    public void cancel(int attempt, int index) {
        files.mkdirs(dir + "/" + PilotDir.CANCEL);
        files.write(dir + "/" + PilotDir.CANCEL + "/" + TaskDir.tag(attempt, index), "", false);
    }

    /** Tells the agents no more work will come (written once). */
    public void stop() {
        String stop = dir + "/" + PilotDir.STOP;
        if (!files.exists(stop)) {
            files.mkdirs(dir);
            files.write(stop, "", false);
        }
    }

    /** Takes the stop back: work has come again (a resumed run). */
    public void unstop() {
        files.delete(dir + "/" + PilotDir.STOP);
    }
}
