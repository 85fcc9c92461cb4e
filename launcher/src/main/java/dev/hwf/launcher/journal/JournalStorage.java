package dev.hwf.launcher.journal;

import dev.hwf.launcher.ExitCodes;
import dev.hwf.launcher.HwfException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Where a journal lives and the SQLite journal mode that suits it. WAL keeps its index in shared
 * memory ({@code -shm}), which only works where every process that opens the file runs on one
 * machine and sees the same memory: a local file system. On a network or cluster file system (NFS,
 * Lustre, GPFS, CephFS, BeeGFS, SMB, 9p, FUSE) hwf uses a rollback journal, which needs only POSIX
 * locks, after checking that such locks work there at all.
 *
 * @param fileSystem the file system type of the journal's directory, as the kernel names it
 * @param network whether that is a network, cluster or FUSE file system
 * @param mode the journal mode hwf uses for it
 * @param forced whether {@code HWF_JOURNAL_MODE} chose the mode
 */
public record JournalStorage(String fileSystem, boolean network, Mode mode, boolean forced) {

    /** The two journal modes hwf uses, with the name SQLite's {@code journal_mode} pragma gives each. */
    public enum Mode {
        /** write-ahead log: readers never wait for a writer; local file systems only */
        WAL("wal"),
        /** rollback journal, deleted at each commit: needs only POSIX locks */
        ROLLBACK("delete");

        private final String pragma;

        Mode(String pragma) {
            this.pragma = pragma;
        }

        /** The value of {@code PRAGMA journal_mode} in this mode. */
        public String pragma() {
            return pragma;
        }

        /** The name {@code HWF_JOURNAL_MODE}, {@code hwf journal check} and the README use. */
        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** File system types whose files other machines may open too, or whose locks the kernel does not keep alone. */
    private static final Set<String> NETWORK = Set.of("nfs", "nfs4", "lustre", "gpfs", "ceph", "beegfs", "cifs",
            "smb3", "smbfs", "9p", "afs", "glusterfs", "panfs", "wekafs", "orangefs", "pvfs2", "gfs2", "ocfs2",
            "fuse", "virtiofs", "davfs", "ncpfs", "coda");

    /** Where a journal at {@code file} lives, and its mode, with {@code HWF_JOURNAL_MODE} as this process has it. */
    public static JournalStorage of(Path file) {
        return of(file, System.getenv("HWF_JOURNAL_MODE"));
    }

    static JournalStorage of(Path file, String forcedMode) {
        String type = fileSystemType(file.toAbsolutePath().normalize().getParent());
        boolean network = isNetwork(type);
        if (forcedMode != null && !forcedMode.isBlank()) {
            String m = forcedMode.strip().toLowerCase(Locale.ROOT);
            Mode mode = switch (m) {
                case "wal" -> Mode.WAL;
                case "rollback" -> Mode.ROLLBACK;
                default -> throw new HwfException(ExitCodes.BAD_INPUT, "HWF_JOURNAL_MODE must be wal or rollback, not '"
                        + forcedMode + "'; unset it to let hwf choose by the journal's file system");
            };
            return new JournalStorage(type, network, mode, true);
        }
        return new JournalStorage(type, network, network ? Mode.ROLLBACK : Mode.WAL, false);
    }

    /** Whether a file system of this type is a network, cluster or FUSE one (a FUSE block device, fuseblk, is local). */
    public static boolean isNetwork(String type) {
        String t = type.toLowerCase(Locale.ROOT);
        return NETWORK.contains(t) || t.startsWith("fuse.") || t.startsWith("nfs");
    }

    /**
     * The type of the file system that holds {@code dir} (or its nearest existing ancestor): from
     * {@code /proc/self/mountinfo}, the mount whose mount point is the longest prefix of the real
     * path, which names FUSE file systems in full ({@code fuse.sshfs}); elsewhere Java's own word.
     */
    public static String fileSystemType(Path dir) {
        Path p = dir;
        while (p != null && !Files.exists(p)) {
            p = p.getParent();
        }
        if (p == null) {
            return "unknown";
        }
        Path real;
        try {
            real = p.toRealPath();
        } catch (IOException e) {
            real = p;
        }
        try {
            List<String> lines = Files.readAllLines(Path.of("/proc/self/mountinfo"));
            String type = typeFromMountinfo(lines, real.toString());
            if (type != null) {
                return type;
            }
        } catch (IOException | RuntimeException e) {
            // not Linux, or /proc not mounted: ask Java below
        }
        try {
            return Files.getFileStore(real).type();
        } catch (IOException e) {
            return "unknown";
        }
    }

    /**
     * The type of the mount in {@code mountinfo} (proc(5): mount point in field 5, type after the
     * {@code -} separator; spaces and the like written as octal escapes) whose mount point is the
     * longest prefix of {@code path}; the last such mount wins, as it is the one on top.
     */
    static String typeFromMountinfo(List<String> mountinfo, String path) {
        String best = null;
        int bestLength = -1;
        for (String line : mountinfo) {
            String[] f = line.split(" ");
            int sep = List.of(f).indexOf("-");
            if (f.length < 5 || sep < 0 || sep + 1 >= f.length) {
                continue;
            }
            String mountPoint = unescape(f[4]);
            boolean under = path.equals(mountPoint) || mountPoint.equals("/")
                    || path.startsWith(mountPoint.endsWith("/") ? mountPoint : mountPoint + "/");
            if (under && mountPoint.length() >= bestLength) {
                best = unescape(f[sep + 1]);
                bestLength = mountPoint.length();
            }
        }
        return best;
    }

    private static String unescape(String s) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\' && i + 3 < s.length() && s.substring(i + 1, i + 4).matches("[0-7]{3}")) {
                b.append((char) Integer.parseInt(s.substring(i + 1, i + 4), 8));
                i += 3;
            } else {
                b.append(c);
            }
        }
        return b.toString();
    }

    /**
     * Checks, before a writer uses a rollback journal on a network file system, that a POSIX lock
     * taken here is seen by another process ({@link LockProbe}); without that, two hwf processes
     * could both write and corrupt the journal, so it is refused with what to do instead.
     */
    void checkLocks(Path journalFile) {
        if (!network || mode != Mode.ROLLBACK) {
            return;
        }
        String failure = LockProbe.probe(journalFile.resolveSibling(journalFile.getFileName() + "-locks"));
        if (failure != null) {
            throw refusal(journalFile, failure);
        }
    }

    /** Why a journal on this file system is refused, and how to move it. */
    HwfException refusal(Path journalFile, String failure) {
        return new HwfException(ExitCodes.BAD_INPUT, "journal " + journalFile + " is on a " + fileSystem
                + " file system whose POSIX locks do not work (" + failure + "), so two hwf processes could write it "
                + "at once and corrupt it. Keep the journal on a local disk of the login node: --journal "
                + "/local/disk/hwf/journal.db or HWF_JOURNAL=/local/disk/hwf/journal.db (e.g. under /var/tmp or "
                + "/scratch). Then run every hwf command of those runs on that login node, cron's 'hwf poll' included: "
                + "a crontab on another login node would not see that disk");
    }
}
