package dev.hwf.launcher.ssh;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The SSH connections of this hwf process: one per target, however many workflows and runs use
 * it (an {@code hwf poll} over ten runs on one cluster logs in once). The command line closes
 * them all when the hwf command ends ({@link #closeAll}).
 */
public final class SshConnections {
    private static final Map<SshTarget, SshConnection> OPEN = new LinkedHashMap<>();

    private SshConnections() {
    }

    /** The process's connection to the target, created (not yet connected) on first request. */
    public static synchronized SshConnection shared(SshTarget target) {
        return OPEN.computeIfAbsent(target, t -> new SshConnection(t, System.getenv()));
    }

    /** Closes every connection; a later {@link #shared} starts afresh. */
    public static void closeAll() {
        List<SshConnection> all;
        synchronized (SshConnections.class) {
            all = new ArrayList<>(OPEN.values());
            OPEN.clear();
        }
        for (SshConnection c : all) {
            c.close();
        }
    }
}
