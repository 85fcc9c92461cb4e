package dev.hwf.launcher.journal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The journal's times read back as they were written, by hand, and what Instant.parse would say otherwise. */
class RowsTest {
    @Test
    void everyTimeTheJournalWritesReadsBackAsTheSameInstant() {
        Random random = new Random(30);
        for (int i = 0; i < 20_000; i++) {
            // 1970 to 2200, with 0, 3, 6 or 9 digits of fraction as Instant.toString writes them
            long second = (long) (random.nextDouble() * 7_258_118_400L);
            int nanos = switch (i % 4) {
                case 0 -> 0;
                case 1 -> random.nextInt(1000) * 1_000_000;
                case 2 -> random.nextInt(1_000_000) * 1000;
                default -> random.nextInt(1_000_000_000);
            };
            Instant t = Instant.ofEpochSecond(second, nanos);
            assertEquals(t, Rows.parse(t.toString()), t.toString());
        }
        for (String edge : new String[] {"2024-02-29T23:59:59.999999999Z", "1970-01-01T00:00:00Z",
                "2026-12-05T18:24:01.8Z", "2026-12-05T18:24:01.81Z", "0001-01-01T00:00:00Z"}) {
            assertEquals(Instant.parse(edge), Rows.parse(edge), edge);
        }
    }

    @Test
    void otherFormsAreReadAsInstantParseReadsThem() {
        assertNull(Rows.parse(null));
        for (String other : new String[] {"+12026-12-05T18:24:01Z", "-0001-01-01T00:00:00Z",
                "2026-12-05T18:24:01+01:00", "2026-12-05T23:59:60Z"}) {
            assertEquals(Instant.parse(other), Rows.parse(other), other);
        }
    }

    @Test
    void brokenTimesFailAsInstantParseFails() {
        for (String broken : new String[] {"", "2026-12-05", "2026-02-30T00:00:00Z", "2026-13-05T18:24:01Z",
                "2026-12-05T24:00:01Z", "2026-12-05T18:24:01.1234567890Z",
                "2026-12-05 18:24:01Z", "2026-1x-05T18:24:01Z", "2026-12-05T18:24:01"}) {
            assertThrows(DateTimeParseException.class, () -> Rows.parse(broken), broken);
        }
    }
}
