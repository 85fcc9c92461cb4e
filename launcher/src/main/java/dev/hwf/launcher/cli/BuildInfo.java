package dev.hwf.launcher.cli;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/**
 * What this build of hwf is: its version and the commit it was built from, as the build wrote them
 * ({@code hwf-build.properties}); "development build" and "unknown" where a build did not.
 */
record BuildInfo(String version, String commit) {
    static BuildInfo read() {
        Properties p = new Properties();
        try (InputStream in = BuildInfo.class.getResourceAsStream("/dev/hwf/launcher/hwf-build.properties")) {
            if (in != null) {
                p.load(in);
            }
        } catch (IOException e) {
            // as a build that wrote none
        }
        return new BuildInfo(known(p.getProperty("version"), "development build"), known(p.getProperty("commit"),
                "unknown"));
    }

    /** A value the build filled in; {@code otherwise} for none, or one left as the build's placeholder. */
    private static String known(String v, String otherwise) {
        return v == null || v.isBlank() || v.startsWith("${") ? otherwise : v.strip();
    }
}
