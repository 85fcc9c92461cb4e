package dev.hwf.launcher.ssh;

import com.jcraft.jsch.ChannelSftp;
import com.jcraft.jsch.JSchException;
import com.jcraft.jsch.SftpATTRS;
import com.jcraft.jsch.SftpException;
import dev.hwf.api.ShellQuote;
import dev.hwf.launcher.exec.CommandResult;
import dev.hwf.launcher.exec.CommandRunner;
import dev.hwf.launcher.exec.FileModes;
import dev.hwf.launcher.ssh.SshConnection.SftpFailure;
import dev.hwf.launcher.stage.Globs;
import dev.hwf.launcher.stage.Store;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.PathMatcher;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Vector;

/**
 * A cluster's files for input staging, over the one SSH connection hwf holds to it: listed and
 * streamed over SFTP, checksummed by {@code sha256sum} on the cluster (many files per command).
 */
public final class SftpStore implements Store {
    /**
     * SFTP requests kept in flight on a stream (JSch's default is 16): a copy between two sites
     * waits on round trips otherwise.
     */
    private static final int IN_FLIGHT = 64;
    /** Paths per {@code sha256sum} command: well under any command line limit. */
    private static final int PER_COMMAND = 200;
    private static final Duration CHECKSUM_TIMEOUT = Duration.ofMinutes(30);

    private final SshConnection connection;
    private final SftpFiles files;
    private final FileModes modes;

    public SftpStore(SshConnection connection, FileModes modes) {
        this.connection = connection;
        this.files = new SftpFiles(connection, modes);
        this.modes = modes;
    }

    @Override
    public String where() {
        return connection.target().display();
    }

    @Override
    public FileModes modes() {
        return modes;
    }

    @Override
    public CommandRunner runner() {
        return new SshCommandRunner(connection);
    }

    @Override
    public List<Found> find(String dir, String glob) throws IOException {
        PathMatcher m = Globs.matcher(glob);
        int depth = Globs.depth(glob);
        List<Found> out = new ArrayList<>();
        call("listing " + dir, ch -> {
            walk(ch, dir, "", depth, m, out);
            return null;
        });
        out.sort(Comparator.comparing(Found::relative));
        return out;
    }

    private static void walk(ChannelSftp ch, String dir, String prefix, int depth, PathMatcher m, List<Found> out)
            throws SftpException {
        Vector<ChannelSftp.LsEntry> entries;
        try {
            entries = ch.ls(SftpFiles.glob(dir + (prefix.isEmpty() ? "" : "/" + prefix)));
        } catch (SftpException e) {
            if (e.id == ChannelSftp.SSH_FX_NO_SUCH_FILE) {
                return;
            }
            throw e;
        }
        for (ChannelSftp.LsEntry e : entries) {
            String name = e.getFilename();
            if (name.equals(".") || name.equals("..")) {
                continue;
            }
            String rel = prefix.isEmpty() ? name : prefix + "/" + name;
            SftpATTRS a = e.getAttrs();
            if (a.isDir() && depth > 0) {
                walk(ch, dir, rel, depth == Integer.MAX_VALUE ? depth : depth - 1, m, out);
            } else if (a.isReg() && Globs.matches(m, rel)) {
                out.add(new Found(rel, a.getSize()));
            }
        }
    }

    @Override
    public Map<String, String> sha256(Collection<String> paths) throws IOException {
        Map<String, String> out = new LinkedHashMap<>();
        List<String> all = List.copyOf(paths);
        for (int from = 0; from < all.size(); from += PER_COMMAND) {
            List<String> part = all.subList(from, Math.min(all.size(), from + PER_COMMAND));
            StringBuilder line = new StringBuilder("sha256sum --");
            part.forEach(p -> line.append(' ').append(ShellQuote.quote(p)));
            // a missing file is reported on stderr and makes the exit 1; the others are still printed
            CommandResult r = connection.exec(line.toString(), "sha256sum (" + part.size() + " files)",
                    CHECKSUM_TIMEOUT);
            out.putAll(parseSha256sum(r.stdout(), part));
        }
        return out;
    }

    /** {@code sha256sum}'s lines, "HEX  PATH", for the paths asked about (a name with odd characters is left out). */
    static Map<String, String> parseSha256sum(String stdout, Collection<String> asked) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String l : stdout.split("\n")) {
            if (l.length() < 67 || l.startsWith("\\") || l.charAt(64) != ' ') {
                continue; // escaped names (a backslash or newline in them) are not ours to guess at
            }
            String path = l.substring(66);
            if (asked.contains(path) && l.substring(0, 64).matches("[0-9a-f]{64}")) {
                out.put(path, l.substring(0, 64));
            }
        }
        return out;
    }

    @Override
    public <T> T read(String path, StreamBody<InputStream, T> body) throws IOException {
        return call("reading " + path, ch -> {
            inFlight(ch);
            try (InputStream in = ch.get(SftpFiles.glob(path))) {
                return body.apply(in);
            } catch (IOException e) {
                throw new Carried(e);
            }
        });
    }

    @Override
    public void write(String path, StreamBody<OutputStream, Void> body) throws IOException {
        int slash = path.lastIndexOf('/');
        if (slash > 0) {
            files.mkdirs(path.substring(0, slash));
        }
        call("writing " + path, ch -> {
            inFlight(ch);
            try (OutputStream out = ch.put(SftpFiles.glob(path), ChannelSftp.OVERWRITE)) {
                ch.chmod(modes.file(), SftpFiles.glob(path)); // before a byte is in it
                body.apply(out);
            } catch (IOException e) {
                throw new Carried(e);
            }
            return null;
        });
    }

    @Override
    public void rename(String from, String to) throws IOException {
        call("renaming " + from, ch -> {
            ch.rename(SftpFiles.glob(from), SftpFiles.glob(to)); // posix-rename where offered: replaces
            return null;
        });
    }

    @Override
    public void delete(String path) throws IOException {
        call("deleting " + path, ch -> {
            try {
                ch.rm(SftpFiles.glob(path));
            } catch (SftpException e) {
                if (e.id != ChannelSftp.SSH_FX_NO_SUCH_FILE) {
                    throw e;
                }
            }
            return null;
        });
    }

    private static void inFlight(ChannelSftp ch) {
        try {
            ch.setBulkRequests(IN_FLIGHT);
        } catch (JSchException e) {
            // the default stays: slower, not wrong
        }
    }

    /** An SFTP call whose failures, and the stream body's, come out as IOException. */
    private <T> T call(String what, SshConnection.SftpCall<T> c) throws IOException {
        try {
            return connection.sftp(what, c);
        } catch (Carried e) {
            throw e.io;
        } catch (SftpFailure e) {
            throw new IOException(what + " on " + where() + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            throw new IOException(what + " on " + where() + ": " + e.getMessage(), e);
        }
    }

    /**
     * An IOException from a stream body, carried through the SFTP call without being its cause, so
     * that a failure on the other side of a copy is not taken for this connection dropping.
     */
    private static final class Carried extends RuntimeException {
        private final IOException io;

        Carried(IOException io) {
            super(null, null, false, false);
            this.io = io;
        }
    }
}
