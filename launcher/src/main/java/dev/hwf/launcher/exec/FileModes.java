package dev.hwf.launcher.exec;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.EnumSet;
import java.util.Set;

/**
 * Who may read what hwf makes: the modes of the directories and files it creates, set explicitly
 * so that the user's umask does not decide. {@link #PRIVATE} (the owner only) unless a site says
 * {@code share: group}. Only what hwf creates is set: a directory that already exists keeps its mode.
 *
 * @param dir        a directory hwf creates
 * @param file       a file hwf writes
 * @param executable a job script
 */
public record FileModes(int dir, int file, int executable) {
    /** The owner alone: 0700 directories, 0600 files, 0700 scripts. */
    public static final FileModes PRIVATE = new FileModes(0700, 0600, 0700);
    /** The owner's group may read too: 0750, 0640, 0750. */
    public static final FileModes GROUP = new FileModes(0750, 0640, 0750);

    public static FileModes of(boolean sharedWithGroup) {
        return sharedWithGroup ? GROUP : PRIVATE;
    }

    /** Java's permissions, by the bit each is in a mode: others' execute (1) to the owner's read (0400). */
    private static final PosixFilePermission[] BITS = {PosixFilePermission.OTHERS_EXECUTE,
        PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_READ, PosixFilePermission.GROUP_EXECUTE,
        PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_READ, PosixFilePermission.OWNER_EXECUTE,
        PosixFilePermission.OWNER_WRITE, PosixFilePermission.OWNER_READ};

    /** The mode bits as Java's permission set. */
    public static Set<PosixFilePermission> permissions(int mode) {
        Set<PosixFilePermission> set = EnumSet.noneOf(PosixFilePermission.class);
        for (int bit = 0; bit < BITS.length; bit++) {
            if ((mode & (1 << bit)) != 0) {
                set.add(BITS[bit]);
            }
        }
        return set;
    }

    /** The mode bits of a file or directory on this machine, or null when there is none or no mode to tell. */
    public static Integer of(Path p) {
        try {
            return mode(Files.getPosixFilePermissions(p));
        } catch (IOException | UnsupportedOperationException e) {
            return null;
        }
    }

    /** The mode bits of a permission set. */
    public static int mode(Set<PosixFilePermission> permissions) {
        int mode = 0;
        for (int bit = 0; bit < BITS.length; bit++) {
            if (permissions.contains(BITS[bit])) {
                mode |= 1 << bit;
            }
        }
        return mode;
    }

    /** The umask under which what a job creates gets these modes: what a job script sets for hwf's files. */
    public String umask() {
        return String.format("%03o", ~dir & 0777);
    }

    /**
     * Creates {@code dir} and its missing parents on this machine, each new one with {@code mode};
     * the existing ones are left as they are.
     */
    public static void mkdirs(Path dir, int mode) throws IOException {
        Deque<Path> missing = new ArrayDeque<>();
        for (Path p = dir.toAbsolutePath(); p != null && !Files.isDirectory(p); p = p.getParent()) {
            missing.push(p);
        }
        while (!missing.isEmpty()) {
            Path p = missing.pop();
            try {
                Files.createDirectory(p);
            } catch (FileAlreadyExistsException e) {
                if (Files.isDirectory(p)) {
                    continue; // made meanwhile by another process: not ours to change
                }
                throw e;
            }
            setMode(p, mode);
        }
    }

    /**
     * Creates an empty file on this machine with {@code mode}, before a byte is in it. The mode is
     * set again after: a umask can only have taken bits away.
     */
    public static void createFile(Path p, int mode) throws IOException {
        if (Files.getFileStore(p.toAbsolutePath().getParent()).supportsFileAttributeView(PosixFileAttributeView.class)) {
            Files.createFile(p, PosixFilePermissions.asFileAttribute(permissions(mode)));
            setMode(p, mode);
        } else {
            Files.createFile(p);
        }
    }

    /**
     * Writes a text file a user asked for (a report, rendered scripts): a new one and the
     * directories made for it are private; an existing one keeps its mode.
     */
    public static void writeText(Path p, String text) throws IOException {
        Path abs = p.toAbsolutePath();
        mkdirs(abs.getParent(), PRIVATE.dir());
        if (!Files.exists(abs)) {
            createFile(abs, PRIVATE.file());
        }
        Files.writeString(abs, text, StandardCharsets.UTF_8);
    }

    /** Sets the mode of a file or directory on this machine (where the file system has POSIX modes). */
    public static void setMode(Path p, int mode) throws IOException {
        if (Files.getFileAttributeView(p, PosixFileAttributeView.class, LinkOption.NOFOLLOW_LINKS) != null) {
            Files.setPosixFilePermissions(p, permissions(mode));
        }
    }
}
