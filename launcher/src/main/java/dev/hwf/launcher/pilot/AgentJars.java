package dev.hwf.launcher.pilot;

import dev.hwf.launcher.ExitCodes;
import dev.hwf.launcher.HwfException;
import dev.hwf.launcher.exec.SiteFiles;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The classes a pilot agent runs on, for a cluster reached over SSH, where hwf's own files are not:
 * hwf's launcher jar, picocli and SLF4J with its simple logger (the agent needs nothing else),
 * taken from where this JVM loaded them and copied into the pilot task's directory on the
 * cluster's shared file system, where the pilot job's {@code java -cp 'DIR/*'} finds them.
 */
public final class AgentJars {
    private AgentJars() {
    }

    /** The jars, as this JVM loaded them. */
    public static List<Path> jars() {
        List<Path> out = new ArrayList<>();
        for (String cls : List.of("dev.hwf.launcher.cli.Main", "picocli.CommandLine", "org.slf4j.LoggerFactory",
                "org.slf4j.simple.SimpleServiceProvider")) {
            try {
                Path p = Path.of(Class.forName(cls).getProtectionDomain().getCodeSource().getLocation().toURI());
                if (!Files.isRegularFile(p)) {
                    throw new HwfException(ExitCodes.BAD_INPUT, "pilot agent: class " + cls + " is not loaded from a "
                            + "jar but from " + p + "; run hwf from its build (bin/hwf) to use pilots over SSH");
                }
                if (!out.contains(p)) {
                    out.add(p);
                }
            } catch (ClassNotFoundException | URISyntaxException | NullPointerException e) {
                throw new HwfException(ExitCodes.BAD_INPUT, "pilot agent: cannot find the jar of " + cls + ": " + e, e);
            }
        }
        return out;
    }

    /** Copies the jars into {@code dir} on the site (each written whole, then renamed into place). */
    public static void copyTo(SiteFiles files, String dir) {
        files.mkdirs(dir);
        for (Path jar : jars()) {
            String target = dir + "/" + jar.getFileName();
            try {
                files.write(target, Files.readAllBytes(jar), false);
            } catch (IOException e) {
                throw new HwfException(ExitCodes.BAD_INPUT, "pilot agent: cannot read " + jar + ": " + e, e);
            }
        }
    }
}
