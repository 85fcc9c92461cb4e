package dev.hwf.launcher.workflow.rules;

import dev.hwf.launcher.Home;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;

/** Paths a workflow names on this machine (templates, container images), read as a shell reads them. */
final class LocalPaths {
    private LocalPaths() {
    }

    /**
     * The path, absolute and normalized: ~ is this user's home, a relative path is read from the
     * workflow file's directory.
     *
     * @throws InvalidPathException when the text is no path on this machine
     */
    static Path resolve(Path baseDir, String path) {
        Path p = path.equals("~") || path.startsWith("~/")
                ? Path.of(Home.dir()).resolve(path.length() > 2 ? path.substring(2) : "")
                : baseDir.resolve(path);
        return p.toAbsolutePath().normalize();
    }
}
