package dev.hwf.lsf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.hwf.api.Command;
import dev.hwf.api.Output;
import dev.hwf.api.SiteLimits;
import dev.hwf.testing.Fixture;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** LSF's limits and limit refusals, on its documented output formats (README.md beside the fixtures). */
class LsfLimitsTest {
    private final LsfAdapter lsf = new LsfAdapter();

    private static Output out(String name) {
        Fixture f = Fixture.load("lsf", name);
        return new Output(f.exitCode(), f.stdout(), f.stderr());
    }

    @Test
    void bparamsAndBusersTellTheArraySizeAndTheUsersJobLimit() {
        assertEquals(List.of(Command.of("bparams", "-a"), Command.of("busers", "alice")),
                lsf.limitsCommands("alice", Set.of(), Set.of()));
        assertEquals(new SiteLimits(1000, 200, "busers MAX"),
                lsf.parseLimits(List.of(out("bparams-a"), out("busers")), "alice", Set.of(), Set.of()));
        assertEquals(new SiteLimits(1000, null, null),
                lsf.parseLimits(List.of(out("bparams-a"), out("busers-unlimited")), "alice", Set.of(), Set.of()));
        assertEquals(SiteLimits.NONE, lsf.parseLimits(List.of(new Output(255, "", "LSF is down"),
                new Output(0, "garbage", "")), "alice", Set.of(), Set.of()));
    }

    @Test
    void thePendingJobThresholdIsNotNowAndABadQueueIsNever() {
        Fixture f = Fixture.load("lsf", "bsub-pending-threshold");
        assertEquals("Pending job threshold reached. Retrying in 60 seconds...",
                lsf.limitRefusal(f.exitCode(), f.stdout(), f.stderr()));
        Fixture bad = Fixture.load("lsf", "bsub-bad-queue");
        assertNull(lsf.limitRefusal(bad.exitCode(), bad.stdout(), bad.stderr()));
    }
}
