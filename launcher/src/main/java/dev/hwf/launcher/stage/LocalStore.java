package dev.hwf.launcher.stage;

import dev.hwf.launcher.exec.CommandRunner;
import dev.hwf.launcher.exec.FileModes;
import dev.hwf.launcher.exec.LocalCommandRunner;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.nio.file.StandardCopyOption;
import java.security.DigestInputStream;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/** Files on this machine (a site whose scheduler is {@code local}, or a laptop). */
public final class LocalStore implements Store {
    private final FileModes modes;

    public LocalStore(FileModes modes) {
        this.modes = modes;
    }

    @Override
    public FileModes modes() {
        return modes;
    }

    @Override
    public CommandRunner runner() {
        return new LocalCommandRunner();
    }

    @Override
    public String where() {
        return "this machine";
    }

    @Override
    public List<Found> find(String dir, String glob) throws IOException {
        Path root = Path.of(dir);
        if (!Files.isDirectory(root)) {
            return List.of();
        }
        PathMatcher m = Globs.matcher(glob);
        List<Found> out = new ArrayList<>();
        int depth = Globs.depth(glob);
        try (Stream<Path> s = Files.walk(root, depth == Integer.MAX_VALUE ? depth : depth + 1)) {
            for (Path p : (Iterable<Path>) s::iterator) {
                if (Files.isRegularFile(p)) {
                    String rel = root.relativize(p).toString();
                    if (Globs.matches(m, rel)) {
                        out.add(new Found(rel, Files.size(p)));
                    }
                }
            }
        }
        out.sort(Comparator.comparing(Found::relative));
        return out;
    }

    @Override
    public Map<String, String> sha256(Collection<String> paths) throws IOException {
        Map<String, String> out = new LinkedHashMap<>();
        for (String path : paths) {
            try (InputStream in = new DigestInputStream(Files.newInputStream(Path.of(path)), Checksums.sha256())) {
                out.put(path, Checksums.drain(in));
            } catch (NoSuchFileException e) {
                // left out: there is none
            }
        }
        return out;
    }

    @Override
    public <T> T read(String path, StreamBody<InputStream, T> body) throws IOException {
        try (InputStream in = Files.newInputStream(Path.of(path))) {
            return body.apply(in);
        }
    }

    @Override
    public void write(String path, StreamBody<OutputStream, Void> body) throws IOException {
        Path p = Path.of(path);
        FileModes.mkdirs(p.getParent(), modes.dir());
        try (OutputStream out = Files.newOutputStream(p)) {
            FileModes.setMode(p, modes.file()); // before a byte is in it
            body.apply(out);
        }
    }

    @Override
    public void rename(String from, String to) throws IOException {
        Files.move(Path.of(from), Path.of(to), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    @Override
    public void delete(String path) throws IOException {
        Files.deleteIfExists(Path.of(path));
    }
}
