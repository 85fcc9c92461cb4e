package dev.hwf.launcher.ssh;

import com.jcraft.jsch.ChannelSftp;
import com.jcraft.jsch.SftpATTRS;
import com.jcraft.jsch.SftpException;
import dev.hwf.launcher.ExitCodes;
import dev.hwf.launcher.HwfException;
import dev.hwf.launcher.exec.FileModes;
import dev.hwf.launcher.exec.SiteFiles;
import dev.hwf.launcher.exec.TaskDir;
import dev.hwf.launcher.ssh.SshConnection.SftpFailure;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * {@link SiteFiles} on a cluster, over the SFTP channel of the process's SSH connection: job
 * scripts are written there (atomically: a temporary file renamed over the target), exit code
 * files are read from there, and {@code ~} means the home directory on the cluster.
 *
 * <p>A scan lists a task directory once and reads only the {@code exit.A.I} files it has not read
 * before: an exit code file is written once, atomically, by the job, and a new attempt writes a
 * new file, so a code once read is kept for the life of this object.
 */
public final class SftpFiles implements SiteFiles {
    private final SshConnection connection;
    private final Set<String> knownDirs = ConcurrentHashMap.newKeySet();
    private final Map<String, Integer> exitCodes = new ConcurrentHashMap<>();
    private final Map<String, String> endpoints = new ConcurrentHashMap<>();

    private final FileModes modes;

    /** Files readable by their owner only. */
    public SftpFiles(SshConnection connection) {
        this(connection, FileModes.PRIVATE);
    }

    /**
     * Directories and files created with these modes: SFTP creates them as the server's umask
     * says, so each is given its mode before it is used (a directory) or renamed into place (a file).
     */
    public SftpFiles(SshConnection connection, FileModes modes) {
        this.connection = connection;
        this.modes = modes;
    }

    @Override
    public FileModes modes() {
        return modes;
    }

    @Override
    public Integer mode(String path) {
        try {
            return connection.sftp("reading the mode of " + path, ch -> ch.stat(glob(path)).getPermissions() & 0777);
        } catch (SftpFailure e) {
            return null;
        }
    }

    @Override
    public String resolve(String path) {
        String p = path;
        if (p.equals("~") || p.startsWith("~/")) {
            p = connection.home() + p.substring(1);
        } else if (!p.startsWith("/")) {
            p = connection.home() + "/" + p; // SFTP, like ssh, starts in the home directory
        }
        return normalize(p);
    }

    /** An absolute POSIX path without empty, "." and ".." parts. */
    static String normalize(String absolute) {
        Deque<String> parts = new ArrayDeque<>();
        for (String part : absolute.split("/")) {
            if (part.isEmpty() || part.equals(".")) {
                continue;
            }
            if (part.equals("..")) {
                parts.pollLast();
            } else {
                parts.addLast(part);
            }
        }
        return "/" + String.join("/", parts);
    }

    @Override
    public void mkdirs(String dir) {
        if (knownDirs.contains(dir)) {
            return;
        }
        try {
            connection.sftp("creating directory " + dir, ch -> {
                create(ch, dir);
                return null;
            });
        } catch (SftpFailure e) {
            throw new HwfException(ExitCodes.BAD_INPUT, "cannot create directory " + dir + " on " + where() + ": "
                    + e.getMessage() + ". Check site.workdir and its permissions on the cluster.", e);
        }
        for (String d = dir; d != null; d = parent(d)) {
            knownDirs.add(d);
        }
    }

    private void create(ChannelSftp ch, String dir) throws SftpException {
        try {
            SftpATTRS a = ch.stat(glob(dir));
            if (a.isDir()) {
                return;
            }
            throw new SftpException(ChannelSftp.SSH_FX_FAILURE, dir + " exists and is not a directory");
        } catch (SftpException e) {
            if (e.id != ChannelSftp.SSH_FX_NO_SUCH_FILE) {
                throw e;
            }
        }
        String parent = parent(dir);
        if (parent != null && !knownDirs.contains(parent)) {
            create(ch, parent);
        }
        try {
            ch.mkdir(dir); // mkdir takes the path as is; stat, put, ls, ... take glob patterns
        } catch (SftpException e) {
            try {
                if (ch.stat(glob(dir)).isDir()) {
                    return; // made by someone else meanwhile
                }
            } catch (SftpException ignored) {
                // report the mkdir failure below
            }
            throw e;
        }
        ch.chmod(modes.dir(), glob(dir)); // ours: its mode, whatever the server's umask
    }

    private static String parent(String dir) {
        int i = dir.lastIndexOf('/');
        return i <= 0 ? null : dir.substring(0, i);
    }

    @Override
    public void write(String path, byte[] bytes, boolean executable) {
        String tmp = path + ".tmp";
        try {
            connection.sftp("writing " + path, ch -> {
                ch.put(new ByteArrayInputStream(bytes), glob(tmp), ChannelSftp.OVERWRITE);
                ch.chmod(executable ? modes.executable() : modes.file(), glob(tmp));
                ch.rename(glob(tmp), glob(path)); // posix-rename@openssh.com where offered: replaces the target
                return null;
            });
        } catch (SftpFailure e) {
            throw new HwfException(ExitCodes.BAD_INPUT, "cannot write " + path + " on " + where() + ": "
                    + e.getMessage(), e);
        }
    }

    @Override
    public List<String> list(String dir) {
        List<String> names = new ArrayList<>();
        unlessMissing("list", dir, ch -> ch.ls(glob(dir), entry -> {
            if (!entry.getFilename().equals(".") && !entry.getFilename().equals("..")) {
                names.add(entry.getFilename());
            }
            return ChannelSftp.LsEntrySelector.CONTINUE;
        }));
        return names;
    }

    @Override
    public void delete(String path) {
        unlessMissing("delete", path, ch -> ch.rm(glob(path)));
    }

    @Override
    public void link(String target, String link) {
        try {
            connection.sftp("linking " + link, ch -> {
                try {
                    ch.lstat(glob(link));
                    return null; // linked already
                } catch (SftpException e) {
                    if (e.id != ChannelSftp.SSH_FX_NO_SUCH_FILE) {
                        throw e;
                    }
                }
                ch.symlink(target, link); // link -> target on OpenSSH's sftp-server (ResumeEditIT checks it)
                return null;
            });
        } catch (SftpFailure e) {
            throw new HwfException(ExitCodes.BAD_INPUT, "cannot link " + link + " to " + target + " on " + where()
                    + ": " + e.getMessage(), e);
        }
    }

    /** An SFTP operation on a path for which a missing path is no failure. */
    private interface PathOp {
        void on(ChannelSftp ch) throws SftpException;
    }

    private void unlessMissing(String verb, String path, PathOp op) {
        try {
            connection.sftp(verb + " " + path, ch -> {
                try {
                    op.on(ch);
                } catch (SftpException e) {
                    if (e.id != ChannelSftp.SSH_FX_NO_SUCH_FILE) {
                        throw e;
                    }
                }
                return null;
            });
        } catch (SftpFailure e) {
            throw new HwfException(ExitCodes.BAD_INPUT, "cannot " + verb + " " + path + " on " + where() + ": "
                    + e.getMessage(), e);
        }
    }

    @Override
    public TaskDirScan scan(String taskDir) {
        try {
            return connection.sftp("reading " + taskDir, ch -> scan(ch, taskDir));
        } catch (SftpFailure e) {
            // unreadable now is "unknown, keep waiting", never a failure
            return new TaskDirScan(Map.of(), Set.of());
        }
    }

    private TaskDirScan scan(ChannelSftp ch, String taskDir) throws SftpException {
        List<String> names = new ArrayList<>();
        try {
            ch.ls(glob(taskDir), entry -> {
                names.add(entry.getFilename());
                return ChannelSftp.LsEntrySelector.CONTINUE;
            });
        } catch (SftpException e) {
            if (e.id == ChannelSftp.SSH_FX_NO_SUCH_FILE) {
                return new TaskDirScan(Map.of(), Set.of());
            }
            throw e;
        }
        // an exit code file is written once, atomically, by the job; a ready file by a service's job
        // and a reason file by a job whose software failed to load, likewise: each is kept once read
        return TaskDir.scan(names, name -> cached(exitCodes, taskDir + "/" + name, f -> readCode(ch, f)),
                name -> cached(endpoints, taskDir + "/" + name, f -> readEndpoint(ch, f)));
    }

    /** What a file says, from the cache once it has said something. */
    private static <T> T cached(Map<String, T> cache, String file, TaskDir.Read<T, SftpException> read)
            throws SftpException {
        T value = cache.get(file);
        if (value == null) {
            value = read.read(file);
            if (value != null) {
                cache.put(file, value);
            }
        }
        return value;
    }

    @Override
    public byte[] read(String path, long offset, int max) {
        try {
            return connection.sftp("reading " + path, ch -> {
                long from = offset;
                if (offset < 0) {
                    from = Math.max(0, ch.stat(glob(path)).getSize() + offset);
                }
                try (InputStream in = ch.get(glob(path), null, from)) {
                    return in.readNBytes(max);
                } catch (IOException e) {
                    throw new SftpException(ChannelSftp.SSH_FX_CONNECTION_LOST, "reading " + path + ": " + e, e);
                }
            });
        } catch (SftpFailure e) {
            if (e.id() == ChannelSftp.SSH_FX_NO_SUCH_FILE) {
                return null;
            }
            throw new HwfException(ExitCodes.BAD_INPUT, "cannot read " + path + " on " + where() + ": "
                    + e.getMessage(), e);
        }
    }

    private static Integer readCode(ChannelSftp ch, String file) throws SftpException {
        String s = readSmall(ch, file, 64);
        return s == null ? null : TaskDirScan.exitCode(s);
    }

    private static String readEndpoint(ChannelSftp ch, String file) throws SftpException {
        String s = readSmall(ch, file, 512);
        return s == null ? null : TaskDirScan.endpoint(s);
    }

    /** The first {@code max} bytes of a small file, stripped; null when it is gone or unreadable. */
    private static String readSmall(ChannelSftp ch, String file, int max) throws SftpException {
        try (InputStream in = ch.get(glob(file))) {
            return new String(in.readNBytes(max), StandardCharsets.UTF_8).strip();
        } catch (SftpException e) {
            if (e.id == ChannelSftp.SSH_FX_NO_SUCH_FILE || e.id == ChannelSftp.SSH_FX_PERMISSION_DENIED) {
                return null; // gone or odd: look again next pass
            }
            throw e;
        } catch (IOException e) {
            throw new SftpException(ChannelSftp.SSH_FX_CONNECTION_LOST, "reading " + file + ": " + e, e);
        }
    }

    /**
     * The path as JSch's ChannelSftp reads most path arguments: as a glob pattern, with {@code *},
     * {@code ?} and {@code \} special. Escaping them makes every path mean itself.
     */
    static String glob(String path) {
        StringBuilder sb = new StringBuilder(path.length() + 8);
        for (int i = 0; i < path.length(); i++) {
            char c = path.charAt(i);
            if (c == '\\' || c == '*' || c == '?') {
                sb.append('\\');
            }
            sb.append(c);
        }
        return sb.toString();
    }

    private String where() {
        return connection.target().where();
    }
}
