package dev.hwf.launcher;

import java.nio.file.Path;

/**
 * The user's home directory as a shell sees it: {@code $HOME} when it is set, as {@code ~} and
 * the default journal follow it (a user who runs hwf with another HOME, as cron, sudo -H or a
 * test does, means that one); Java's {@code user.home}, read from the password database at
 * start-up, only when HOME is unset or empty.
 */
public final class Home {
    private Home() {
    }

    public static String dir() {
        String home = System.getenv("HOME");
        return home != null && !home.isBlank() ? home : System.getProperty("user.home");
    }

    /** {@code ~} and {@code ~/rest} expanded to the home directory; any other path as it is. */
    public static String expand(String path) {
        if (path.equals("~") || path.startsWith("~/")) {
            return dir() + path.substring(1);
        }
        return path;
    }

    public static Path path(String first, String... more) {
        return Path.of(dir()).resolve(Path.of(first, more));
    }
}
