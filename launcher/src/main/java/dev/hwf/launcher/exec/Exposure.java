package dev.hwf.launcher.exec;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Warns, once per path and process, when the journal or a work directory is readable by users who
 * should not read it. hwf makes them private itself; one it finds open was made so by someone, so
 * it is not changed silently: the warning names the path and the command that closes it.
 */
public final class Exposure {
    private static final Logger LOG = LoggerFactory.getLogger(Exposure.class);
    private static final Set<String> CHECKED = ConcurrentHashMap.newKeySet();

    private Exposure() {
    }

    /** The journal file: its owner alone reads it, whatever {@code site.share} says. */
    public static void journal(String path, Integer mode) {
        check(path, mode, false, "the journal " + path, "chmod 600 " + path);
    }

    /**
     * A run's work directory on its site: with {@code share: group} the owner's group may read it;
     * otherwise only its owner.
     */
    public static void workdir(SiteFiles files, String workdir) {
        if (CHECKED.contains(workdir)) {
            return;
        }
        boolean group = files.modes().equals(FileModes.GROUP);
        check(workdir, files.mode(workdir), group, "the work directory " + workdir, group ? "chmod 750 " + workdir
                : "chmod 700 " + workdir + " (or set site.share: group to share runs with your group)");
    }

    /**
     * Warns, once for the path, when its {@code mode} lets others than its owner (and, with
     * {@code groupMay}, its group) read it or, a directory, look into it. A mode that cannot be
     * read now (no such path yet) is looked at again next time. Returns whether it warned.
     */
    static boolean check(String path, Integer mode, boolean groupMay, String what, String fix) {
        if (mode == null || !CHECKED.add(path)) {
            return false;
        }
        int open = mode & (groupMay ? 0005 : 0055); // read or search, by the group or by anyone
        if (open == 0) {
            return false;
        }
        LOG.warn("{} can be read by {} (mode {}); hwf makes what it creates private. To close it: {}", what,
                (open & 0005) != 0 ? "any user" : "your group", String.format("%04o", mode), fix);
        return true;
    }
}
