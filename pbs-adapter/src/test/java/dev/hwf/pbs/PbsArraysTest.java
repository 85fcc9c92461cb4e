package dev.hwf.pbs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

class PbsArraysTest {

    @Test
    void torqueLists() {
        assertEquals("0-7", PbsArrays.torque(Requests.range(8)));
        assertEquals("2,5,9", PbsArrays.torque(List.of(5, 9, 2, 5)));
        assertEquals("0-3,7", PbsArrays.torque(List.of(7, 0, 1, 2, 3)));
        assertEquals("4", PbsArrays.torque(List.of(4)));
    }

    @Test
    void pbsProRanges() {
        assertEquals(new PbsArrays.ProRange("0-7", null), PbsArrays.pbsPro(Requests.range(8)));
        assertEquals(new PbsArrays.ProRange("3-4", null), PbsArrays.pbsPro(List.of(4, 3)));
        assertEquals(new PbsArrays.ProRange("1-9:2", null), PbsArrays.pbsPro(List.of(1, 3, 5, 7, 9)));
        assertEquals(new PbsArrays.ProRange("0-1", "0"), PbsArrays.pbsPro(List.of(0)));
        assertEquals(new PbsArrays.ProRange("2-9", "2:5:9"), PbsArrays.pbsPro(List.of(9, 5, 2)));
        assertEquals(new PbsArrays.ProRange("0-12", "0-1:12"), PbsArrays.pbsPro(List.of(0, 1, 12)));
        assertEquals(new PbsArrays.ProRange("4-20:4", "4:8:20"), PbsArrays.pbsPro(List.of(4, 8, 20)));
    }

    @Test
    void badIndicesAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> PbsArrays.torque(List.of()));
        assertThrows(IllegalArgumentException.class, () -> PbsArrays.pbsPro(List.of(-1)));
        assertThrows(IllegalArgumentException.class, () -> PbsArrays.torque(java.util.Arrays.asList(1, null)));
    }
}
