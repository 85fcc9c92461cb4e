package dev.hwf.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Failure is normal: retries resubmit only what failed, hwf killed at any instant loses no job
 * and submits none twice, resume reruns only what did not succeed, cancel stops live jobs, and
 * reasons say what happened. The same on every scheduler.
 */
abstract class FailureScenarios {
    @TempDir
    Path scratch;

    Hwf hwf;
    Path work;

    abstract String scheduler();

    abstract String pollInterval();

    /** How long a run of the small workflows here may take on this scheduler. */
    abstract Duration runLimit();

    @BeforeEach
    void setUp() throws IOException {
        hwf = new Hwf(scratch, pollInterval());
        hwf.env.put("HWF_SUBMIT_GRACE", "8");
        work = scratch.resolve("work");
        Files.createDirectories(work);
    }

    String[] submitArgs(Path file, String... more) {
        return Stream.concat(Stream.of("submit", file.toString(), "--set", "scheduler=" + scheduler(),
                "--set", "site.workdir=" + work), Stream.of(more)).toArray(String[]::new);
    }

    /** Lines of the run's shared log, counted: every element appends "task index attempt". */
    Map<String, Integer> ranCount(String run) throws IOException {
        Map<String, Integer> count = new TreeMap<>();
        Path log = work.resolve(run).resolve("ran.log");
        if (Files.exists(log)) {
            for (String line : Files.readAllLines(log)) {
                count.merge(line.strip(), 1, Integer::sum);
            }
        }
        return count;
    }

    static final String CHAIN = """
            name: crashy
            tasks:
              - name: a
                command: echo "a $HWF_ARRAY_INDEX" >> ../ran.log; sleep 1
              - name: b
                after: [a]
                array: 3
                command: echo "b $HWF_ARRAY_INDEX" >> ../ran.log
              - name: c
                after: [b]
                command: echo "c $HWF_ARRAY_INDEX" >> ../ran.log
            """;

    static final Map<String, Integer> ONCE_EACH = Map.of("a 0", 1, "b 0", 1, "b 1", 1, "b 2", 1, "c 0", 1);

    @Test
    void arrayRetriesResubmitOnlyTheFailedElements() throws Exception {
        Path wf = hwf.workflow("retry.yaml", """
                name: retry
                tasks:
                  - name: train
                    array: 4
                    retries: 1
                    command: |
                      echo "train $HWF_ARRAY_INDEX $HWF_ATTEMPT" >> ../ran.log
                      if [ "$HWF_ARRAY_INDEX" = 1 ] || [ "$HWF_ARRAY_INDEX" = 3 ]; then
                        [ -f "../tried-$HWF_ARRAY_INDEX" ] || { touch "../tried-$HWF_ARRAY_INDEX"; exit 5; }
                      fi
                """);
        Hwf.Result r = hwf.run(submitArgs(wf));
        assertEquals(0, r.code(), r.all());
        String run = Hwf.runId(r);
        // elements 1 and 3 may fail in the same pass (one retry job) or in two (two retry jobs)
        Map<String, Integer> perElement = new TreeMap<>();
        for (Map.Entry<String, Integer> e : ranCount(run).entrySet()) {
            assertEquals(1, e.getValue(), "ran twice in one attempt: " + e.getKey());
            String[] f = e.getKey().split(" ");
            perElement.merge(f[1], 1, Integer::sum);
            if (f[1].equals("0") || f[1].equals("2")) {
                assertEquals("1", f[2], "a succeeded element ran again: " + e.getKey());
            }
        }
        assertEquals(Map.of("0", 1, "1", 2, "2", 1, "3", 2), perElement);
        JsonNode train = Hwf.task(hwf.status(run), "train");
        assertEquals("SUCCEEDED", train.get("state").asText());
        JsonNode attempts = train.get("attempts");
        assertEquals("[0,1,2,3]", attempts.get(0).get("elements").toString());
        List<Integer> resubmitted = new ArrayList<>();
        for (int a = 1; a < attempts.size(); a++) {
            attempts.get(a).get("elements").forEach(i -> resubmitted.add(i.asInt()));
        }
        assertEquals(List.of(1, 3), resubmitted.stream().sorted().toList(), "only failed elements resubmitted");
        for (JsonNode e : train.get("elements")) {
            int i = e.get("index").asInt();
            assertEquals(i % 2 == 1, e.get("attempt").asInt() > 1, e.toString());
        }
    }

    @Test
    void killedAtNamedPointsLosesNoJobAndSubmitsNoneTwice() throws Exception {
        Path wf = hwf.workflow("crash.yaml", CHAIN);
        // after-claim: the attempt is recorded, nothing submitted; after-submit: the scheduler has
        // the job, the journal not yet its id. :2 and :3 are the later tasks of the chain.
        for (String point : List.of("after-claim", "after-submit", "after-claim:2", "after-submit:2",
                "after-submit:3")) {
            hwf.env.put("HWF_CRASH_POINT", point);
            Hwf.Result r = hwf.run(submitArgs(wf));
            hwf.env.remove("HWF_CRASH_POINT");
            assertEquals(137, r.code(), point + ": " + r.all());
            String run = Hwf.runId(r);
            assertEquals("SUCCEEDED", hwf.pollUntilEnded(run, runLimit()), point);
            assertEquals(ONCE_EACH, ranCount(run), point + ": every element ran exactly once");
        }
    }

    @Test
    void killedAtRandomInstantsLosesNoJobAndSubmitsNoneTwice() throws Exception {
        Path wf = hwf.workflow("crash.yaml", CHAIN);
        List<String> runs = new ArrayList<>();
        // each kill lands a different time after the run was recorded: in the render step, among
        // the claims and submits of the first pass, or in the monitor step's later passes
        for (long delayMs : new long[] {0, 60, 150, 250, 400, 600, 900, 1300, 1800, 2500}) {
            Path out = scratch.resolve("kill-" + delayMs + ".out");
            Process p = hwf.start(out, submitArgs(wf));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            String first = "";
            while (!(first.startsWith("run ") && first.contains(":")) && p.isAlive()) {
                assertTrue(System.nanoTime() < deadline, "submit printed no run id: " + Files.readString(out));
                Thread.sleep(10);
                first = Files.readString(out).lines().findFirst().orElse("");
            }
            Thread.sleep(delayMs);
            p.destroyForcibly(); // SIGKILL, as kill -9
            assertTrue(p.waitFor(30, TimeUnit.SECONDS));
            first = Files.readString(out).lines().findFirst().orElse("");
            assertTrue(first.startsWith("run "), Files.readString(out));
            runs.add(first.substring(4, first.indexOf(':')));
        }
        for (String run : runs) {
            assertEquals("SUCCEEDED", hwf.pollUntilEnded(run, runLimit()), run);
            assertEquals(ONCE_EACH, ranCount(run), run + ": every element ran exactly once");
        }
    }

    @Test
    void concurrentPollsNeverSubmitTwice() throws Exception {
        Path wf = hwf.workflow("crash.yaml", CHAIN);
        Hwf.Result r = hwf.run(submitArgs(wf, "--detach"));
        assertEquals(0, r.code(), r.all());
        String run = r.out().strip();
        List<Process> pollers = new ArrayList<>();
        for (int p = 0; p < 3; p++) {
            // each poller: one pass after another until the run has ended (bounded)
            String loop = "for i in $(seq 120); do \"$0\" poll >/dev/null 2>&1; \"$0\" status \"$1\" --json | "
                    + "grep -q '^{\"run\":[^,]*,\"workflow\":[^,]*,\"scheduler\":[^,]*,\"state\":\"RUNNING\"' "
                    + "|| exit 0; sleep 0.2; done";
            ProcessBuilder pb = new ProcessBuilder("bash", "-c", loop, Hwf.home().resolve("bin/hwf").toString(), run)
                    .redirectErrorStream(true).redirectOutput(scratch.resolve("poller-" + p + ".out").toFile());
            pb.environment().put("HWF_JOURNAL", hwf.journal.toString());
            pb.environment().putAll(hwf.env);
            pollers.add(pb.start());
        }
        for (Process p : pollers) {
            assertTrue(p.waitFor(runLimit().toSeconds() + 60, TimeUnit.SECONDS), "a poller did not stop");
        }
        assertEquals("SUCCEEDED", hwf.status(run).get("state").asText());
        assertEquals(ONCE_EACH, ranCount(run), "three pollers at once: every element ran exactly once");
        JsonNode status = hwf.status(run);
        for (JsonNode t : status.get("tasks")) {
            assertEquals(1, t.get("attempts").size(), "submitted more than once: " + t);
        }
    }

    @Test
    void resumeAfterAKilledSubmitRestartsTheSameBatchJob() throws Exception {
        Path wf = hwf.workflow("killed.yaml", """
                name: killed
                tasks:
                  - name: a
                    command: echo "a $HWF_ARRAY_INDEX" >> ../ran.log; sleep 3
                  - name: b
                    after: [a]
                    command: echo "b $HWF_ARRAY_INDEX" >> ../ran.log
                """);
        Path out = scratch.resolve("killed.out");
        Process p = hwf.start(out, submitArgs(wf));
        String run = null;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (run == null || !Hwf.task(hwf.status(run), "a").get("state").asText().equals("RUNNING")) {
            assertTrue(System.nanoTime() < deadline, "a never ran: " + Files.readString(out));
            Thread.sleep(200);
            String first = Files.readString(out).lines().findFirst().orElse("");
            if (run == null && first.startsWith("run ") && first.contains(":")) {
                run = first.substring(4, first.indexOf(':'));
            }
        }
        p.destroyForcibly(); // SIGKILL in the monitor step
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        Hwf.Result resumed = hwf.run("resume", run);
        assertEquals(0, resumed.code(), resumed.all());
        assertEquals(Map.of("a 0", 1, "b 0", 1), ranCount(run));
        try (java.sql.Connection c = java.sql.DriverManager.getConnection("jdbc:sqlite:" + hwf.journal);
             java.sql.Statement s = c.createStatement();
             java.sql.ResultSet rs = s.executeQuery("SELECT e.STATUS, group_concat(s.STEP_NAME) FROM "
                     + "BATCH_JOB_EXECUTION e JOIN BATCH_STEP_EXECUTION s ON s.JOB_EXECUTION_ID = e.JOB_EXECUTION_ID "
                     + "GROUP BY e.JOB_EXECUTION_ID ORDER BY e.JOB_EXECUTION_ID")) {
            assertTrue(rs.next());
            assertEquals("FAILED", rs.getString(1), "the killed execution is recorded as failed");
            assertTrue(rs.next());
            assertEquals("COMPLETED", rs.getString(1));
            assertEquals(List.of("finish", "monitor"), List.of(rs.getString(2).split(",")).stream().sorted().toList(),
                    "the restart skipped the steps that had completed");
            assertFalse(rs.next(), "one job instance, restarted: no second instance");
        }
    }

    @Test
    void resumeRerunsOnlyWhatDidNotSucceed() throws Exception {
        Path wf = hwf.workflow("resume.yaml", """
                name: resumable
                tasks:
                  - name: a
                    command: echo "a $HWF_ARRAY_INDEX" >> ../ran.log
                  - name: b
                    after: [a]
                    array: 3
                    command: |
                      echo "b $HWF_ARRAY_INDEX" >> ../ran.log
                      [ "$HWF_ARRAY_INDEX" != 1 ] || [ -f ../fixed ] || exit 4
                  - name: c
                    after: [b]
                    command: echo "c $HWF_ARRAY_INDEX" >> ../ran.log
                """);
        Hwf.Result first = hwf.run(submitArgs(wf));
        assertEquals(1, first.code(), first.all());
        String run = Hwf.runId(first);
        JsonNode failed = hwf.status(run);
        assertEquals("FAILED", failed.get("state").asText());
        assertEquals("element 1: exit 4", Hwf.task(failed, "b").get("reason").asText());
        assertEquals("CANCELLED", Hwf.task(failed, "c").get("state").asText());

        Files.createFile(work.resolve(run).resolve("fixed"));
        Hwf.Result resumed = hwf.run("resume", run);
        assertEquals(0, resumed.code(), resumed.all());
        JsonNode done = hwf.status(run);
        assertEquals("SUCCEEDED", done.get("state").asText());
        assertEquals(Map.of("a 0", 1, "b 0", 1, "b 1", 2, "b 2", 1, "c 0", 1), ranCount(run),
                "only the failed element and the cancelled dependant ran again");
        assertEquals(1, Hwf.task(done, "a").get("attempt").asInt());
        assertEquals("[1]", Hwf.task(done, "b").get("attempts").get(1).get("elements").toString());

        Hwf.Result again = hwf.run("resume", run);
        assertEquals(0, again.code(), again.all());
        assertTrue(again.out().contains("nothing to resume"), again.out());
    }

    @Test
    void cancelStopsLiveJobsAndRecordsCancelled() throws Exception {
        // "sleep && echo": the line is written only if sleep ran to its end. Slurm's proctrack/linuxproc
        // signals a job's processes one at a time in /proc order; once pids have wrapped (pid_max 32768
        // here, reached during the suite) sleep can get SIGTERM before its shell, which could then run
        // a following command until its own signal arrives: that is the scheduler, not the cancel.
        // The job script's own end is checked below (its pid is gone).
        Path wf = hwf.workflow("cancel.yaml", """
                name: cancellable
                tasks:
                  - name: long
                    array: 2
                    command: echo "$$" > "../pid-$HWF_ARRAY_INDEX"; sleep 120 && echo "long $HWF_ARRAY_INDEX" >> ../ran.log
                  - name: after
                    after: [long]
                    command: echo after >> ../ran.log
                """);
        Hwf.Result r = hwf.run(submitArgs(wf, "--detach"));
        assertEquals(0, r.code(), r.all());
        String run = r.out().strip();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!(Files.exists(work.resolve(run).resolve("pid-0")) && Files.exists(work.resolve(run).resolve("pid-1")))) {
            assertTrue(System.nanoTime() < deadline, "the jobs did not start");
            Thread.sleep(300);
        }
        Hwf.Result cancel = hwf.run("cancel", run);
        assertEquals(0, cancel.code(), cancel.all());
        JsonNode status = hwf.status(run);
        assertEquals("CANCELLED", status.get("state").asText());
        assertEquals("CANCELLED", Hwf.task(status, "long").get("state").asText());
        assertEquals("CANCELLED", Hwf.task(status, "after").get("state").asText());
        for (int i = 0; i < 2; i++) {
            long pid = Long.parseLong(Files.readString(work.resolve(run).resolve("pid-" + i)).strip());
            long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
                assertTrue(System.nanoTime() < until, "element " + i + " still runs after cancel");
                Thread.sleep(200);
            }
        }
        assertEquals(Map.of(), ranCount(run), "nothing ran to its end");
        Hwf.Result poll = hwf.run("poll");
        assertEquals(0, poll.code(), poll.all());
        assertEquals("CANCELLED", hwf.status(run).get("state").asText(), "a poll after cancel changes nothing");
    }

    @Test
    void reasonsSayWhatHappened() throws Exception {
        Path wf = hwf.workflow("reasons.yaml", """
                name: reasons
                tasks:
                  - name: exits
                    command: exit 7
                  - name: killed
                    command: kill -9 $BASHPID
                """);
        Hwf.Result r = hwf.run(submitArgs(wf));
        assertEquals(1, r.code(), r.all());
        JsonNode status = hwf.status(Hwf.runId(r));
        assertEquals("exit 7", Hwf.task(status, "exits").get("reason").asText());
        assertEquals(7, Hwf.task(status, "exits").get("exitCode").asInt());
        assertEquals("signal 9", Hwf.task(status, "killed").get("reason").asText());
        assertEquals(137, Hwf.task(status, "killed").get("exitCode").asInt());
    }
}
