package dev.hwf.launcher.ssh;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** How staging reads {@code sha256sum}'s answer from a cluster (fixture: coreutils 9.1, see its README). */
class SftpStoreParseTest {
    private static String fixture() throws Exception {
        try (var in = SftpStoreParseTest.class.getResourceAsStream("/fixtures/coreutils/sha256sum-9.1.out")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void everyAskedFileItPrintsPlainlyIsRead() throws Exception {
        List<String> asked = List.of("/tmp/shafix/dose 1.csv", "/tmp/shafix/it's.csv", "/tmp/shafix/back\\slash.csv",
                "/tmp/shafix/missing.csv");
        Map<String, String> sums = SftpStore.parseSha256sum(fixture(), asked);
        assertEquals(Map.of(
                "/tmp/shafix/dose 1.csv", "87428fc522803d31065e7bce3cf03fe475096631e5e07bbd7a0fde60c4cf25c7",
                "/tmp/shafix/it's.csv", "0263829989b6fd954f72baaf2fc64bc2e2f01d692d4de72986ea808f6e99813f"), sums,
                "a missing file and an escaped name are left out: copied again, never taken as equal");
    }

    @Test
    void emptyBrokenOrUnaskedOutputGivesNothing() throws Exception {
        assertEquals(Map.of(), SftpStore.parseSha256sum("", List.of("/a")));
        assertEquals(Map.of(), SftpStore.parseSha256sum("sha256sum: command not found\n", List.of("/a")));
        assertEquals(Map.of(), SftpStore.parseSha256sum("87428fc5  /a\n", List.of("/a")));
        assertEquals(Map.of(), SftpStore.parseSha256sum(fixture(), List.of("/elsewhere")));
        assertEquals(Map.of(), SftpStore.parseSha256sum(fixture().toUpperCase(), List.of("/TMP/SHAFIX/DOSE 1.CSV")));
    }
}
