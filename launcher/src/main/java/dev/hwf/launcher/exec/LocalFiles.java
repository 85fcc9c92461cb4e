package dev.hwf.launcher.exec;

import dev.hwf.launcher.ExitCodes;
import dev.hwf.launcher.Home;
import dev.hwf.launcher.HwfException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** {@link SiteFiles} on this machine's file system. */
public final class LocalFiles implements SiteFiles {
    private final FileModes modes;

    /** Files readable by their owner only. */
    public LocalFiles() {
        this(FileModes.PRIVATE);
    }

    /** Directories and files created with these modes. */
    public LocalFiles(FileModes modes) {
        this.modes = modes;
    }

    @Override
    public FileModes modes() {
        return modes;
    }

    @Override
    public String resolve(String path) {
        return Path.of(Home.expand(path)).toAbsolutePath().normalize().toString();
    }

    @Override
    public Integer mode(String path) {
        return FileModes.of(Path.of(path));
    }

    @Override
    public boolean exists(String path) {
        return Files.isRegularFile(Path.of(path));
    }

    @Override
    public void mkdirs(String dir) {
        try {
            FileModes.mkdirs(Path.of(dir), modes.dir());
        } catch (IOException e) {
            throw new HwfException(ExitCodes.BAD_INPUT, "cannot create directory " + dir + ": " + e
                    + ". Check site.workdir and its permissions.", e);
        }
    }

    @Override
    public void write(String path, byte[] content, boolean executable) {
        Path target = Path.of(path);
        Path tmp = target.resolveSibling(target.getFileName() + ".tmp");
        try {
            Files.deleteIfExists(tmp);
            FileModes.createFile(tmp, executable ? modes.executable() : modes.file());
            Files.write(tmp, content);
            try {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            throw new HwfException(ExitCodes.BAD_INPUT, "cannot write " + path + ": " + e, e);
        }
    }

    @Override
    public List<String> list(String dir) {
        try {
            return names(Path.of(dir));
        } catch (NoSuchFileException | NotDirectoryException e) {
            return new ArrayList<>();
        } catch (IOException e) {
            throw new HwfException(ExitCodes.BAD_INPUT, "cannot list " + dir + ": " + e, e);
        }
    }

    private static List<String> names(Path dir) throws IOException {
        List<String> names = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
            for (Path p : ds) {
                names.add(p.getFileName().toString());
            }
        }
        return names;
    }

    @Override
    public void delete(String path) {
        try {
            Files.deleteIfExists(Path.of(path));
        } catch (IOException e) {
            throw new HwfException(ExitCodes.BAD_INPUT, "cannot delete " + path + ": " + e, e);
        }
    }

    @Override
    public void link(String target, String link) {
        try {
            Files.createSymbolicLink(Path.of(link), Path.of(target));
        } catch (FileAlreadyExistsException e) {
            // linked already
        } catch (IOException e) {
            throw new HwfException(ExitCodes.BAD_INPUT, "cannot link " + link + " to " + target + ": " + e, e);
        }
    }

    @Override
    public TaskDirScan scan(String taskDir) {
        Path dir = Path.of(taskDir);
        List<String> names;
        try {
            names = names(dir);
        } catch (IOException e) {
            // missing, or unreadable now: "unknown, keep waiting", never a failure
            return new TaskDirScan(Map.of(), Set.of());
        }
        return TaskDir.scan(names, name -> readCode(dir.resolve(name)), name -> readLine(dir.resolve(name)));
    }

    /** A ready file's endpoint or a reason file's reason: the first line. */
    private static String readLine(Path p) {
        try {
            return TaskDirScan.endpoint(Files.readString(p, StandardCharsets.UTF_8));
        } catch (IOException e) {
            return null; // gone or half-written: look again next pass
        }
    }

    @Override
    public byte[] read(String path, long offset, int max) {
        try (FileChannel ch = FileChannel.open(Path.of(path))) {
            long size = ch.size();
            long from = offset < 0 ? Math.max(0, size + offset) : Math.min(offset, size);
            ByteBuffer buf = ByteBuffer.allocate((int) Math.min(max, size - from));
            while (buf.hasRemaining() && ch.read(buf, from + buf.position()) > 0) {
                // a file that shrinks under us simply gives fewer bytes
            }
            return Arrays.copyOf(buf.array(), buf.position());
        } catch (NoSuchFileException e) {
            return null;
        } catch (IOException e) {
            throw new HwfException(ExitCodes.BAD_INPUT, "cannot read " + path + ": " + e, e);
        }
    }

    private static Integer readCode(Path p) {
        try {
            return TaskDirScan.exitCode(Files.readString(p, StandardCharsets.UTF_8));
        } catch (IOException e) {
            return null; // gone: look again next pass
        }
    }
}
