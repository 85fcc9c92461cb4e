package dev.hwf.e2e;

import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** The headless Chromium the browser tests drive: Debian's {@code chromium}, or {@code -Dhwf.browser=PATH}. */
final class Chromium {
    private Chromium() {
    }

    /** The browser to run; a test that needs one fails, saying how to get one, when there is none. */
    static String path(String test) {
        String chosen = System.getProperty("hwf.browser");
        if (chosen != null && !chosen.isBlank()) {
            return chosen;
        }
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin").split(":")) {
            for (String name : List.of("chromium", "chromium-browser")) {
                if (Files.isExecutable(Path.of(dir, name))) {
                    return Path.of(dir, name).toString();
                }
            }
        }
        return fail(test + " needs a headless Chromium: apt-get install chromium (.ci/run does), "
                + "or -Dhwf.browser=/path/to/chrome");
    }
}
