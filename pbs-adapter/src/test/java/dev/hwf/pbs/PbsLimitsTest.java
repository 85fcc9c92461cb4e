package dev.hwf.pbs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.hwf.api.Command;
import dev.hwf.api.Output;
import dev.hwf.api.SiteLimits;
import dev.hwf.testing.Fixture;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * PBS Pro's limits and limit refusals, on output captured from a running OpenPBS 23.06.06 server
 * ({@code fixtures/pbspro/limits/README.md}): server max_queued [u:PBS_GENERIC=3], queue workq
 * [u:PBS_GENERIC=2], max_array_size 10.
 */
class PbsLimitsTest {
    private final PbsAdapter pro = new PbsAdapter(PbsAdapter.PBSPRO);

    private static Output out(String name) {
        return out("pbspro/limits", name);
    }

    private static Output out(String dir, String name) {
        Fixture f = Fixture.load(dir, name);
        return new Output(f.exitCode(), f.stdout(), f.stderr());
    }

    private String refusal(String name) {
        Fixture f = Fixture.load("pbspro/limits", name);
        return pro.limitRefusal(f.exitCode(), f.stdout(), f.stderr());
    }

    @Test
    void theServerAndTheQueuesAreAskedAsJson() {
        assertEquals(List.of(Command.of("qstat", "-Bf", "-F", "json"), Command.of("qstat", "-Qf", "-F", "json")),
                pro.limitsCommands("alice", Set.of(), Set.of()));
        assertEquals(List.of(), new PbsAdapter(PbsAdapter.TORQUE).limitsCommands("alice", Set.of(), Set.of()),
                "Torque prints no JSON: its limits show only in qsub's refusals");
    }

    @Test
    void theDefaultQueuesLimitIsTheSmallest() {
        List<Output> outs = List.of(out("qstat-Bf-json"), out("qstat-Qf-json"));
        assertEquals(new SiteLimits(10, 2, "queue workq max_queued"), pro.parseLimits(outs, "alice", Set.of(), Set.of()),
                "tasks that name no queue go to the server's default_queue, workq");
        assertEquals(new SiteLimits(10, 3, "server max_queued"), pro.parseLimits(outs, "alice", Set.of("gpu"), Set.of()),
                "queue gpu sets no limit of its own");
    }

    /**
     * Found on a real OpenPBS 23.06.06: with queue workq's max_array_size at 3 below the server's 10000,
     * qsub refused `-J 0-3` into workq; the smaller of the two, for the queues the run uses, is the limit.
     */
    @Test
    void aQueuesOwnArraySizeLimitBelowTheServersIsTheLimit() {
        List<Output> outs = List.of(out("pbspro/openpbs", "qstat-Bf-queue-max_array_size"),
                out("pbspro/openpbs", "qstat-Qf-queue-max_array_size"));
        assertEquals(3, pro.parseLimits(outs, "pbsuser", Set.of(), Set.of()).maxArraySize(),
                "tasks that name no queue go to the default queue, workq");
        assertEquals(10000, pro.parseLimits(outs, "pbsuser", Set.of("gpu"), Set.of()).maxArraySize(),
                "queue gpu sets none: the server's");
        assertEquals(3, pro.parseLimits(outs, "pbsuser", Set.of("gpu", "workq"), Set.of()).maxArraySize());
    }

    @Test
    void aUsersOwnEntryWinsOverTheGenericOneAndTheOverallOneBoundsBoth() {
        assertEquals(5, PbsLimits.queued("[u:PBS_GENERIC=3],[u:alice=5]", "alice"));
        assertEquals(3, PbsLimits.queued("[u:PBS_GENERIC=3],[u:alice=5]", "bob"));
        assertEquals(4, PbsLimits.queued("[u:alice=5], [o:PBS_ALL=4]", "alice"));
        assertNull(PbsLimits.queued("[g:staff=2]", "alice"));
        assertNull(PbsLimits.queued(null, "alice"));
    }

    @Test
    void brokenOutputKnowsNothing() {
        assertEquals(SiteLimits.NONE, pro.parseLimits(List.of(new Output(0, "{\"timestamp\":", ""),
                new Output(2, "", "qstat: cannot connect to server")), "alice", Set.of(), Set.of()));
        assertEquals(SiteLimits.NONE, pro.parseLimits(List.of(), "alice", Set.of(), Set.of()));
    }

    @Test
    void aPerUserLimitIsNotNowAndAnArrayPastTheSizeIsNever() {
        assertEquals("qsub: would exceed queue generic's per-user limit", refusal("qsub-queue-per-user-limit"));
        assertEquals("qsub: would exceed complex's per-user limit", refusal("qsub-server-per-user-limit"));
        assertNull(refusal("qsub-array-over-max-array-size"));
        assertNull(pro.limitRefusal(0, "1020.vm\n", ""));
    }
}
