package dev.hwf.pbs;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hwf.api.JobId;
import dev.hwf.api.SchedulerOutputException;
import dev.hwf.testing.Fixture;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Finding jobs by name after a crash, cancelling, and history (fixtures/torque, fixtures/pbspro). */
class PbsRecoveryTest {
    private final PbsAdapter pro = new PbsAdapter("pbspro");
    private final PbsAdapter torque = new PbsAdapter("torque");
    private static final String RUN = "hwf-lucid-dose-20261122-101500-1a2b-";

    @Test
    void findIsOneQstatOverAllJobs() {
        // -x: the server's history too, so an orphan that has already finished is found by its name
        assertEquals(List.of("qstat", "-x", "-f", "-F", "json"), pro.findByNameCommand(List.of(RUN + "simulate-1")).argv());
        assertEquals(List.of("qstat", "-f"), torque.findByNameCommand(List.of(RUN + "simulate-1")).argv());
        assertThrows(IllegalArgumentException.class, () -> pro.findByNameCommand(List.of()));
        assertThrows(IllegalArgumentException.class, () -> pro.findByNameCommand(List.of("a b")));
    }

    @Test
    void pbsProFindsJobsArraysAndShortenedNames() {
        String longName = Fixture.read("pbspro", "long-name.txt", true).strip();
        List<String> names = List.of(RUN + "simulate-1", RUN + "train-1", longName, RUN + "missing-1");
        Fixture f = Fixture.load("pbspro", "qstat-find");
        Map<String, JobId> expected = new LinkedHashMap<>();
        expected.put(RUN + "simulate-1", new JobId("1201"));
        expected.put(RUN + "train-1", new JobId("1205[]"));
        expected.put(longName, new JobId("1221"));
        assertEquals(expected, pro.parseFindByName(names, f.exitCode(), f.stdout(), f.stderr()));
    }

    @Test
    void throughTheWrappersAnArrayIsFoundUnderItsFirstId() {
        // captured while other runs were live: array 221 shows as jobs 222, 223 and 221
        Fixture f = Fixture.load("torque", "qstat-f-all");
        List<String> names = List.of("hwf-crashy-20261122-043628-deba-b-1", "hwf-fix-held", "hwf-nothing-1");
        Map<String, JobId> expected = new LinkedHashMap<>();
        expected.put("hwf-crashy-20261122-043628-deba-b-1", new JobId("221"));
        expected.put("hwf-fix-held", new JobId("195"));
        assertEquals(expected, torque.parseFindByName(names, f.exitCode(), f.stdout(), f.stderr()));
    }

    @Test
    void noJobsAtAllIsAnEmptyAnswer() {
        // Slurm's wrappers exit 153 when qstat lists no job at all
        assertTrue(torque.parseFindByName(List.of("hwf-a-1"), 153, "", "").isEmpty());
        Fixture none = Fixture.load("pbspro", "qstat-no-jobs");
        assertTrue(pro.parseFindByName(List.of("hwf-a-1"), none.exitCode(), none.stdout(), none.stderr()).isEmpty());
        Fixture down = Fixture.load("pbspro", "qstat-server-down");
        assertThrows(SchedulerOutputException.class,
                () -> pro.parseFindByName(List.of("hwf-a-1"), down.exitCode(), down.stdout(), down.stderr()));
    }

    @Test
    void cancelIsOneQdel() {
        assertEquals(List.of("qdel", "1201", "1205[]"),
                pro.cancelCommand(List.of(new JobId("1201"), new JobId("1205[]"))).argv());
    }

    @Test
    void cancellingWhatHasEndedIsNoError() {
        for (String name : List.of("qdel-queued-and-running", "qdel-gone", "torque6-qdel-completed-documented")) {
            Fixture f = Fixture.load("torque", name);
            assertDoesNotThrow(() -> torque.checkCancel(f.exitCode(), f.stdout(), f.stderr()), name);
        }
        for (String name : List.of("qdel-finished", "qdel-unknown")) {
            Fixture f = Fixture.load("pbspro", name);
            assertDoesNotThrow(() -> pro.checkCancel(f.exitCode(), f.stdout(), f.stderr()), name);
        }
        Fixture down = Fixture.load("pbspro", "qdel-server-down");
        assertThrows(SchedulerOutputException.class, () -> pro.checkCancel(down.exitCode(), down.stdout(),
                down.stderr()));
    }

    @Test
    void qstatMinusXIsTheHistoryAndTorqueHasNone() {
        assertNull(pro.historyCommand(List.of(new JobId("1"))));
        assertNull(torque.historyCommand(List.of(new JobId("1"))));
    }
}
