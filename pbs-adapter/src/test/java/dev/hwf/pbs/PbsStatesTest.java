package dev.hwf.pbs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Every state letter of both flavours, and every kind of end. */
class PbsStatesTest {

    private static String describe(boolean torque, String letter) {
        if (PbsStates.isEnd(torque, letter)) {
            return "END";
        }
        return String.valueOf(PbsStates.live(torque, letter));
    }

    @Test
    void everyPbsProState() {
        Map<String, String> expected = new LinkedHashMap<>();
        for (String q : new String[] {"Q", "H", "W", "T", "M"}) {
            expected.put(q, "QUEUED");
        }
        for (String r : new String[] {"R", "E", "S", "U", "B"}) {
            expected.put(r, "RUNNING");
        }
        expected.put("F", "END");
        expected.put("X", "END");
        expected.put("C", "QUEUED"); // no PBS Pro state: unknown, so not an end
        Map<String, String> actual = new LinkedHashMap<>();
        expected.keySet().forEach(l -> actual.put(l, describe(false, l)));
        assertEquals(expected, actual);
    }

    @Test
    void everyTorqueState() {
        Map<String, String> expected = new LinkedHashMap<>();
        for (String q : new String[] {"Q", "H", "W", "T"}) {
            expected.put(q, "QUEUED");
        }
        for (String r : new String[] {"R", "E", "S"}) {
            expected.put(r, "RUNNING");
        }
        expected.put("C", "END");
        expected.put("F", "QUEUED");
        expected.put("X", "QUEUED");
        Map<String, String> actual = new LinkedHashMap<>();
        expected.keySet().forEach(l -> actual.put(l, describe(true, l)));
        assertEquals(expected, actual);
    }

    @Test
    void whatIsNoStateLetterIsRefused() {
        for (String s : new String[] {null, "", "r", "RR", "1", "?"}) {
            assertNull(PbsStates.live(false, s), String.valueOf(s));
            assertNull(PbsStates.live(true, s), String.valueOf(s));
        }
    }

    private static String end(boolean torque, Integer exit, Integer substate) {
        PbsStates.Mapped m = PbsStates.ended(torque, exit, substate);
        return m.state() == null ? "UNKNOWN" : m.state() + (m.reason() == null ? "" : " " + m.reason());
    }

    @Test
    void pbsProEnds() {
        assertEquals("SUCCEEDED", end(false, 0, 92));
        assertEquals("FAILED exit 1", end(false, 1, 92));
        assertEquals("FAILED exit 128", end(false, 128, 92));
        assertEquals("FAILED signal 15", end(false, 143, 92));
        assertEquals("FAILED signal 15", end(false, 271, 92));
        assertEquals("FAILED TIMEOUT", end(false, -29, 92));
        assertEquals("FAILED OUT_OF_MEMORY", end(false, -27, 92));
        assertEquals("FAILED OUT_OF_MEMORY", end(false, -26, 92));
        assertEquals("FAILED CPU_TIME_LIMIT", end(false, -28, 92));
        assertEquals("FAILED CPU_LIMIT", end(false, -25, 92));
        assertEquals("FAILED CPU_LIMIT", end(false, -24, 92));
        assertEquals("FAILED pbs exec -3", end(false, -3, 93));
        assertEquals("CANCELLED CANCELLED", end(false, 271, 91));
        assertEquals("CANCELLED CANCELLED", end(false, null, 91));
        assertEquals("UNKNOWN", end(false, null, 92));
        assertEquals("UNKNOWN", end(false, null, null));
    }

    @Test
    void torqueEnds() {
        assertEquals("SUCCEEDED", end(true, 0, null));
        assertEquals("FAILED exit 3", end(true, 3, null));
        assertEquals("FAILED TIMEOUT", end(true, -11, null));
        assertEquals("FAILED OUT_OF_MEMORY", end(true, -10, null));
        assertEquals("FAILED CPU_TIME_LIMIT", end(true, -12, null));
        assertEquals("FAILED signal 15", end(true, 271, null));
        assertEquals("FAILED pbs exec -29", end(true, -29, null)); // PBS Pro's number means nothing here
        assertEquals("UNKNOWN", end(true, null, null));
        assertTrue(PbsStates.ended(true, null, 91).state() == null, "substates are PBS Pro's");
    }
}
