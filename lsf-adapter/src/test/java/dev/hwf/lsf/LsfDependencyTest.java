package dev.hwf.lsf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hwf.api.Command;
import dev.hwf.api.JobId;
import dev.hwf.api.Upstream;
import java.util.List;
import org.junit.jupiter.api.Test;

/** bsub's {@code -w} dependency expression (LSF's documented form; no LSF runs here). */
class LsfDependencyTest {
    private final LsfAdapter lsf = new LsfAdapter();

    @Test
    void wholeJobsAndElementsByTheirOneBasedIndex() {
        Command submit = lsf.submitCommand(LsfDirectivesTest.plain("j", "/w/t"), "/w/t/job.1.sh");
        Command c = lsf.afterSuccess(submit, List.of(Upstream.job("123"), new Upstream(new JobId("124"), 0)));
        assertEquals(List.of("bsub", "-w", "done(123) && done(124[1])", "-cwd", "/w/t", "-o",
                "/w/t/lsf-%J_%I.out"), c.argv());
        assertEquals("/w/t/job.1.sh", c.stdinFile());
        assertTrue(lsf.offersDependencies());
    }

    @Test
    void onlyNumericJobIds() {
        Command submit = lsf.submitCommand(LsfDirectivesTest.plain("j", "/w/t"), "/w/t/job.1.sh");
        assertThrows(IllegalArgumentException.class, () -> lsf.afterSuccess(submit, List.of(Upstream.job("1)"))));
    }
}
