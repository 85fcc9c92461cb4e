package dev.hwf.launcher.engine;

import static dev.hwf.launcher.engine.support.FixtureRunner.fixture;
import static dev.hwf.launcher.engine.support.PassHarness.element;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.hwf.api.JobState;
import dev.hwf.api.PendingReason;
import dev.hwf.launcher.journal.Outbox;
import dev.hwf.launcher.journal.RunSnapshot;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@code notify: stuck} on a pending reason (SPEC section 7): a pass that reads squeue keeps why the
 * job waits, and a reason that cannot clear by itself is heard at once, once per reason and attempt,
 * on output captured from Slurm 22.05 ({@code fixtures/slurm/squeue-pending-reasons}).
 */
class PassStuckTest extends PassTestCase {
    private static final String JOB = "7001";

    private static final String WORKFLOW = """
            name: held
            scheduler: slurm
            notify:
              - { on: [stuck], webhook: 'http://127.0.0.1:9/hook' }
            tasks:
              - name: a
                command: ./job
            """;

    /** A pass where squeue says of our job what it said of {@code captured} in the fixture. */
    private RunSnapshot squeueSays(String captured) {
        h.runner.on("squeue", fixture("slurm/squeue-pending-reasons").withJobId(captured, JOB));
        return h.passAfter(Duration.ofSeconds(30));
    }

    private List<Outbox.Notice> stuck() {
        return h.journal.outbox().notices(h.runId()).stream().filter(n -> n.kind().equals("stuck")).toList();
    }

    @Test
    void aHeldJobIsHeardAtOnceAndOnceAndAnOrdinaryReasonNever() {
        h.start(WORKFLOW);
        h.runner.on("sbatch", fixture("slurm/sbatch-parsable-plain").withJobId("21", JOB));
        h.pass();

        RunSnapshot s = squeueSays("55951"); // Priority
        assertEquals(PendingReason.clears("Priority"), element(s, "a", 0).pending());
        assertEquals(List.of(), stuck(), "an ordinary reason is heard only after stuckAfter");

        s = squeueSays("55944"); // JobHeldUser
        assertEquals(new PendingReason("JobHeldUser", PendingReason.Block.HELD), element(s, "a", 0).pending());
        assertEquals(1, stuck().size(), "held: heard at once");
        assertEquals("HELD", stuck().get(0).state());
        assertEquals("queued as job " + JOB + ": JobHeldUser", stuck().get(0).reason());

        squeueSays("55944");
        assertEquals(1, stuck().size(), "the same reason: not again");

        squeueSays("55945"); // JobHeldAdmin: another reason
        assertEquals(2, stuck().size());
        assertEquals("queued as job " + JOB + ": JobHeldAdmin", stuck().get(1).reason());

        // released: it runs, and why it waited is gone
        h.runner.on("squeue", fixture("slurm/squeue-mixed").withJobId("25", JOB));
        s = h.passAfter(Duration.ofSeconds(30));
        assertEquals(JobState.RUNNING, element(s, "a", 0).state());
        assertNull(element(s, "a", 0).pending());
        assertEquals(2, stuck().size());
    }
}
