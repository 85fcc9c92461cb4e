package dev.hwf.launcher.workflow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class SizesTest {
    @ParameterizedTest
    @CsvSource({
        "512, 512",
        "512M, 512",
        "512m, 512",
        "512MB, 512",
        "512MiB, 512",
        "16G, 16384",
        "16g, 16384",
        "16GB, 16384",
        "16GiB, 16384",
        "16gib, 16384",
        "1T, 1048576",
        "1.5G, 1536",
        "1024K, 1",
        "1K, 1",
        "1025K, 2",
        "' 4G ', 4096",
        "0, 0"
    })
    void readsBinaryUnitsIntoMiB(String text, long mib) {
        assertEquals(mib, Sizes.parseMegabytes(text));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "16Q", "G", "-1G", "16 GBs", "lots", "100B", "1,5G", "16GG"})
    void rejectsOtherText(String text) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Sizes.parseMegabytes(text));
        assertTrue(e.getMessage().contains("K, M, G or T"), e.getMessage());
    }

    @Test
    void rejectsNullAndOverflow() {
        assertThrows(IllegalArgumentException.class, () -> Sizes.parseMegabytes(null));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Sizes.parseMegabytes("999999999999999T"));
        assertTrue(e.getMessage().contains("too large"), e.getMessage());
    }
}
