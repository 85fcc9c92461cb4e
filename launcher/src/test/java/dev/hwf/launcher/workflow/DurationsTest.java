package dev.hwf.launcher.workflow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class DurationsTest {
    @ParameterizedTest
    @CsvSource({
        "02:00:00, 7200",
        "00:30:00, 1800",
        "1:30:00, 5400",
        "48:00:00, 172800",
        "1-12:00:00, 129600",
        "0-00:00:45, 45",
        "90m, 5400",
        "2h, 7200",
        "1d, 86400",
        "45s, 45",
        "1h30m, 5400",
        "2H, 7200",
        "30, 1800",
        "' 10m ', 600",
        "0, 0"
    })
    void acceptsSchedulerStyleTimes(String text, long seconds) {
        assertEquals(seconds, Durations.parseSeconds(text));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "  ", "abc", "2 hours", "1.5h", "-1", "-5m", "00:60:00", "00:00:60",
        "1-24:00:00", "1:2:3", "h", "1w", "12:00:00:00"})
    void rejectsOtherText(String text) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Durations.parseSeconds(text));
        assertTrue(e.getMessage().contains("HH:MM:SS") || e.getMessage().contains("00..59")
                || e.getMessage().contains("00..23"), e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"30:00", "01:30"})
    void refusesToGuessBetweenMinutesSecondsAndHoursMinutes(String text) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Durations.parseSeconds(text));
        assertTrue(e.getMessage().contains("ambiguous"), e.getMessage());
    }

    @org.junit.jupiter.api.Test
    void nullIsRejectedWithAMessage() {
        assertThrows(IllegalArgumentException.class, () -> Durations.parseSeconds(null));
    }

    @ParameterizedTest
    @CsvSource({"0, 00:00:00", "45, 00:00:45", "7200, 02:00:00", "86399, 23:59:59", "86400, 1-00:00:00",
        "129600, 1-12:00:00", "1000000, 11-13:46:40"})
    void formatsAsDaysHoursMinutesSeconds(long seconds, String text) {
        assertEquals(text, Durations.format(seconds));
        assertEquals(seconds, Durations.parseSeconds(text));
    }

    @org.junit.jupiter.api.Test
    void formatRejectsNegative() {
        assertThrows(IllegalArgumentException.class, () -> Durations.format(-1));
    }
}
