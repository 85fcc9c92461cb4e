package dev.hwf.launcher.engine;

import dev.hwf.launcher.engine.support.PassHarness;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/** What every pass-by-pass test class shares: a harness over a fresh journal in a temporary directory. */
abstract class PassTestCase {
    @TempDir
    Path tmp;

    PassHarness h;

    @BeforeEach
    void openHarness() {
        h = new PassHarness(tmp);
    }

    @AfterEach
    void closeHarness() {
        h.close();
    }
}
