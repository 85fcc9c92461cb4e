package dev.hwf.pbs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hwf.api.JobId;
import dev.hwf.api.JobState;
import dev.hwf.api.JobStatus;
import dev.hwf.testing.Fixture;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The PBS Pro adapter on output captured from a real OpenPBS 23.06.06 server
 * ({@code fixtures/pbspro/openpbs/README}): what the server says of array elements, of the
 * dependants it released or deleted, of jobs killed for their walltime or deleted, and finding an
 * orphan that has already finished by its name.
 */
class OpenPbsCapturedTest {
    private final PbsAdapter pro = new PbsAdapter("pbspro");

    private List<JobStatus> status(String name) {
        Fixture f = Fixture.load("pbspro", "openpbs/" + name);
        return pro.parseStatus(f.exitCode(), f.stdout(), f.stderr());
    }

    private static String line(JobStatus s) {
        return s.jobId().value() + (s.arrayIndex() == null ? "" : "[" + s.arrayIndex() + "]") + " " + s.state()
                + (s.reason() == null ? "" : " " + s.reason());
    }

    @Test
    void anElementThatRanNothingLooksFinishedWithExitZeroToTheServer() {
        // hence hwf's rule: only the element's own exit code file makes a success
        assertEquals(List.of("17[][0] SUCCEEDED", "17[][1] SUCCEEDED", "17[][2] SUCCEEDED"),
                status("array-subjob-exit0-nothing-run").stream().map(OpenPbsCapturedTest::line).toList());
    }

    @Test
    void theElementsSayHowTheyEndedWhateverTheArraysOwnExitStatus() {
        // the array's own Exit_status is 0 although element 0 exited 3: it is not read
        assertEquals(List.of("18[][0] FAILED exit 3", "18[][1] SUCCEEDED"),
                status("array-one-failed-not-last").stream().map(OpenPbsCapturedTest::line).toList());
        assertEquals(List.of("20[][0] FAILED exit 3", "20[][1] SUCCEEDED"),
                status("array-failed-last").stream().map(OpenPbsCapturedTest::line).toList());
    }

    @Test
    void aDependantTheServerDeletedForItsDependencyHasNoOutcomeToRead() {
        // F, substate 92, no Exit_status: hwf's journal decides (its upstream failed), never "finished 0"
        assertEquals(List.of(), status("array-failed-last-dependant"));
        assertEquals(List.of("19 SUCCEEDED"),
                status("array-one-failed-not-last-dependant").stream().map(OpenPbsCapturedTest::line).toList());
    }

    @Test
    void walltimeAndDeletedRunningJobs() {
        assertEquals(List.of("25 FAILED TIMEOUT"),
                status("walltime-exceeded").stream().map(OpenPbsCapturedTest::line).toList());
        assertEquals(List.of("26 CANCELLED CANCELLED"),
                status("deleted-running").stream().map(OpenPbsCapturedTest::line).toList());
    }

    @Test
    void anOrphanThatHasFinishedIsFoundByNameInTheServersHistory() {
        assertEquals(List.of("qstat", "-x", "-f", "-F", "json"),
                pro.findByNameCommand(List.of("hwf-fixture-r1-prep-1")).argv());
        List<String> names = List.of("hwf-fixture-r1-prep-1", "hwf-fixture-r1-live-1", "hwf-fixture-r1-sim-1",
                "hwf-fixture-r1-gone-1");
        Fixture with = Fixture.load("pbspro", "openpbs/find-by-name-with-history");
        assertEquals(Map.of("hwf-fixture-r1-prep-1", new JobId("22"), "hwf-fixture-r1-live-1", new JobId("23"),
                        "hwf-fixture-r1-sim-1", new JobId("17[]")),
                pro.parseFindByName(names, with.exitCode(), with.stdout(), with.stderr()));
        // what the lookup without -x saw: the finished job is not there, and its id would stay unknown
        Fixture without = Fixture.load("pbspro", "openpbs/find-by-name-without-history");
        assertEquals(Map.of("hwf-fixture-r1-live-1", new JobId("23")),
                pro.parseFindByName(names, without.exitCode(), without.stdout(), without.stderr()));
    }

    @Test
    void aDependencyOnAPbsProArrayIsNotOfferedOneOnAPlainJobIs() {
        assertTrue(!pro.offersArrayDependencies());
        assertTrue(new PbsAdapter("torque").offersArrayDependencies());
        assertTrue(pro.offersDependencies());
    }
}
