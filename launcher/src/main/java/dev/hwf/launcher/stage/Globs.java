package dev.hwf.launcher.stage;

import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.nio.file.PathMatcher;

/** How a staging glob ({@code inputs.path}, {@code outputs}) matches a path relative to a task directory. */
public final class Globs {
    private Globs() {
    }

    /** A matcher for relative paths: {@code *} and {@code ?} within a part, {@code **} across parts. */
    public static PathMatcher matcher(String glob) {
        return FileSystems.getDefault().getPathMatcher("glob:" + glob);
    }

    public static boolean matches(PathMatcher m, String relative) {
        return m.matches(Path.of(relative));
    }

    /**
     * How many directory levels below the searched directory the glob can reach: its parts less
     * one, or unbounded ({@code Integer.MAX_VALUE}) with {@code **}.
     */
    public static int depth(String glob) {
        if (glob.contains("**")) {
            return Integer.MAX_VALUE;
        }
        return (int) glob.chars().filter(c -> c == '/').count();
    }
}
