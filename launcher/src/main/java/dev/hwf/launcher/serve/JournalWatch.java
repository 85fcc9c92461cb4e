package dev.hwf.launcher.serve;

import dev.hwf.launcher.HwfException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Notices the journal's commits and tells the open pages. Once a tick it asks the journal's change
 * counter ({@link Source#changes}: SQLite's {@code data_version}, which moves when another connection
 * commits; reading it takes no lock in WAL mode and holds none after). Only when it moved are the runs,
 * and the runs the pages show, read through the read-only path and sent to the pages whose copy
 * differs, so an idle journal costs one tiny query a tick and a busy one one read per tick at most.
 */
final class JournalWatch {
    private static final Logger LOG = LoggerFactory.getLogger(JournalWatch.class);
    private final Source source;
    private final List<LiveStream> streams;
    private long seen = Long.MIN_VALUE;

    JournalWatch(Source source, List<LiveStream> streams) {
        this.source = source;
        this.streams = streams;
    }

    /** One look; reads and sends only when the journal changed. On the watch's thread. */
    void tick() {
        long now = source.changes();
        boolean changed = now != seen;
        seen = now;
        if (changed && !streams.isEmpty()) {
            publish();
        }
    }
    /** What a page gets as soon as it opens its stream. On the page's thread. */
    void first(LiveStream s) {
        String runs = source.runs();
        s.sentRuns = runs;
        s.offer("runs", runs);
        if (s.run != null) {
            String run = read(s.run);
            s.sentRun = run;
            if (run != null) {
                s.offer("run", run);
            }
        }
    }

    private void publish() {
        String runs = source.runs();
        Map<String, String> runView = new HashMap<>();
        for (LiveStream s : new ArrayList<>(streams)) {
            if (!runs.equals(s.sentRuns)) {
                s.sentRuns = runs;
                s.offer("runs", runs);
            }
            if (s.run != null) {
                String run = runView.computeIfAbsent(s.run, this::read);
                if (run != null && !run.equals(s.sentRun)) {
                    s.sentRun = run;
                    s.offer("run", run);
                }
            }
        }
    }

    private String read(String run) {
        try {
            return source.run(run);
        } catch (HwfException e) {
            LOG.debug("run {}", run, e);
            return null;
        }
    }
}
