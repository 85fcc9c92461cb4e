package dev.hwf.launcher.journal;

import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sqlite.SQLiteJDBCLoader;
import org.sqlite.util.LibraryLoaderUtil;

/**
 * SQLite's native library, kept beside hwf's jar. sqlite-jdbc otherwise copies it out of its jar
 * into the temporary directory and loads that copy on every start of every command, which costs
 * about 50 ms of the 0.3-0.5 s a command takes. The first command that opens a journal writes
 * {@code native/sqlite-VERSION/OS/ARCH/} beside the jar (or the build's classes) and every later
 * one loads the library from there. Where that directory cannot be written (an installation
 * owned by another user) nothing changes: sqlite-jdbc copies it out as before, and so it does if
 * the kept copy fails to load.
 */
public final class SqliteNative {
    private static final Logger LOG = LoggerFactory.getLogger(SqliteNative.class);
    private static boolean done;

    private SqliteNative() {
    }

    /** Points sqlite-jdbc at the kept copy, writing it first when it is not there yet; once per process. */
    static synchronized void useKeptCopy() {
        if (done || System.getProperty("org.sqlite.lib.path") != null) {
            return;
        }
        done = true;
        try {
            Path dir = keptDir();
            if (dir == null) {
                return;
            }
            String name = LibraryLoaderUtil.getNativeLibName();
            Path lib = dir.resolve(name);
            if (!Files.isRegularFile(lib) && !copyOut(dir, name)) {
                return;
            }
            System.setProperty("org.sqlite.lib.path", dir.toString());
            System.setProperty("org.sqlite.lib.name", name);
        } catch (IOException | RuntimeException e) {
            LOG.debug("SQLite's native library stays where sqlite-jdbc puts it: {}", e.toString());
        }
    }

    /**
     * The version of the SQLite library journals run on: the one sqlite-jdbc bundles, whose own
     * version is SQLite's with a fourth number (3.54.1.0 holds SQLite 3.54.1). Read from the driver's
     * jar without loading the library, so that {@code hwf --version} stays as quick as the JVM's
     * start; SqliteNativeTest checks it against what the loaded library says.
     */
    public static String bundledVersion() {
        String driver = SQLiteJDBCLoader.getVersion();
        return driver == null ? "unknown" : driver.replaceFirst("^(\\d+\\.\\d+\\.\\d+)\\.\\d+$", "$1");
    }

    /** Where the copy for this sqlite-jdbc and platform is kept, or null when hwf's location is unknown. */
    static Path keptDir() {
        try {
            var source = SqliteNative.class.getProtectionDomain().getCodeSource();
            if (source == null) {
                return null;
            }
            Path home = Path.of(source.getLocation().toURI()).getParent();
            return home.resolve("native").resolve("sqlite-" + SQLiteJDBCLoader.getVersion())
                    .resolve(LibraryLoaderUtil.getNativeLibResourcePath().replaceFirst("^/org/sqlite/native/", ""));
        } catch (URISyntaxException | RuntimeException e) {
            return null;
        }
    }

    /** Copies the library out of sqlite-jdbc's jar into {@code dir}: whole, under its name, or not at all. */
    private static boolean copyOut(Path dir, String name) throws IOException {
        String resource = LibraryLoaderUtil.getNativeLibResourcePath() + "/" + name;
        try (InputStream in = SQLiteJDBCLoader.class.getResourceAsStream(resource)) {
            if (in == null) {
                return false;
            }
            Files.createDirectories(dir);
            Path tmp = Files.createTempFile(dir, name, ".part");
            try {
                Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
                // code like the jar beside it, not data: readable by whoever may run this hwf
                Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwxr-xr-x"));
                Files.move(tmp, dir.resolve(name), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } finally {
                Files.deleteIfExists(tmp);
            }
        }
        LOG.debug("kept SQLite's native library in {}", dir);
        return true;
    }
}
