package dev.hwf.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** A job id as schedulers print them, and nothing that could mean more to a shell or a file name. */
class JobIdTest {
    @Test
    void idsSchedulersPrintAreKept() {
        for (String id : new String[] {"4711", "4711_3", "4711[]", "4711[0-7]", "123.pbs-server", "job-1.a_B"}) {
            assertEquals(id, new JobId(id).value());
        }
    }

    @Test
    void anythingElseIsRefusedWithTheId() {
        for (String id : new String[] {"47 11", "47;rm", "4711\n", "$(x)", "4711/..", "\u00e94711", "a:b"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new JobId(id), id);
            assertEquals("job id has unexpected characters: " + id, e.getMessage());
        }
        assertThrows(IllegalArgumentException.class, () -> new JobId(" "));
        assertThrows(IllegalArgumentException.class, () -> new JobId(null));
    }
}
