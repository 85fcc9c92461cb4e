package dev.hwf.launcher.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hwf.api.JobState;
import dev.hwf.launcher.engine.phase.ObservePilotBundles;
import dev.hwf.launcher.engine.support.OpenSnapshots;
import dev.hwf.launcher.journal.ElementRecord;
import dev.hwf.launcher.journal.Event;
import dev.hwf.launcher.journal.Journal;
import dev.hwf.launcher.journal.RunSnapshot;
import dev.hwf.launcher.journal.SpecCodec;
import dev.hwf.launcher.journal.TaskRecord;
import dev.hwf.launcher.render.RunLayout;
import dev.hwf.launcher.site.Scheduler;
import dev.hwf.launcher.site.Schedulers;
import dev.hwf.launcher.workflow.Workflow;
import dev.hwf.launcher.workflow.WorkflowLoader;
import dev.hwf.testing.Await;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Whole runs on the {@code local} scheduler with real processes: the engine is advanced pass by
 * pass, as {@code hwf submit} and {@code hwf poll} do, until the run has ended; then the journal
 * and the files the jobs left are checked against what a user expects. Here is what only real
 * processes show: the job scripts, the local driver and the pilot agent at work, a real service
 * answering its dependants, signals and kills, two hwf processes on one journal. The decisions of
 * a pass are tested on the test clock in the Pass*Test classes (services: PassServiceTest; a
 * retry under arrayLimit: PassLimitsTest; hwf killed between queueing bundles and recording them:
 * PassPilotTest).
 */
class RunEngineLocalTest {
    /** No run here needs more than a few seconds; this only bounds a hang. */
    private static final Duration RUN_LIMIT = Duration.ofSeconds(30);
    /** How long a process may take to reach a state the test waits for, at most. */
    private static final Duration SETTLE = Duration.ofSeconds(10);

    @TempDir
    Path tmp;

    private Journal journal;
    private String workdir;
    private final Set<String> runIds = new LinkedHashSet<>();

    @BeforeEach
    void setUp() {
        journal = Journal.open(tmp.resolve("journal.db"));
        workdir = tmp.resolve("work dir").toString(); // a space, as a user's path may have
    }

    @AfterEach
    void tearDown() throws Exception {
        // every local job leads its own process group: end whatever a test left running
        try {
            for (String jobId : jobIds()) {
                new ProcessBuilder("kill", "-KILL", "--", "-" + jobId).redirectErrorStream(true).start()
                        .waitFor(5, TimeUnit.SECONDS);
            }
        } finally {
            journal.close();
        }
    }

    private Set<String> jobIds() throws Exception {
        Set<String> ids = new LinkedHashSet<>();
        try (Connection c = journal.dataSource().getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT job_id FROM hwf_attempt WHERE job_id IS NOT NULL")) {
            while (rs.next()) {
                ids.add(rs.getString(1));
            }
        }
        return ids;
    }

    private Workflow workflow(String yaml) {
        return WorkflowLoader.parse(yaml, "wf.yaml", tmp, List.of());
    }

    private String start(Workflow wf) {
        String id = journal.createRun(wf, SpecCodec.toJson(wf), workdir, Instant.now());
        runIds.add(id);
        return id;
    }

    /** The scheduler exactly as {@code hwf} builds it for the workflow. */
    private RunEngine engine(Workflow wf) {
        return engine(journal, wf);
    }

    private static RunEngine engine(Journal j, Workflow wf) {
        Scheduler s = Schedulers.forWorkflow(wf);
        assertEquals("local", s.adapter().name());
        assertEquals(Duration.ZERO, s.lostAfter(), "a local job with no exit file is lost at once");
        return new RunEngine(j, s, Clock.systemUTC());
    }

    /** Advances the run until {@code until} holds (or the run ends, when {@code until} is null). */
    private RunSnapshot advance(RunEngine engine, String runId, Predicate<RunSnapshot> until)
            throws InterruptedException {
        long deadline = System.nanoTime() + RUN_LIMIT.toNanos();
        while (true) {
            RunSnapshot snap = OpenSnapshots.checked(journal, engine.advance(runId));
            if (until == null ? snap.run().isFinished() : until.test(snap)) {
                return snap;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("run " + runId + " not there after " + RUN_LIMIT + ": " + snap);
            }
            Thread.sleep(50);
        }
    }

    private RunSnapshot runToEnd(RunEngine engine, String runId) throws InterruptedException {
        return advance(engine, runId, null);
    }

    /** A workflow with one pilot of 2 cores and a packed task score of {@code n} elements running {@code command}. */
    private static String packed(String name, int n, String command) {
        return "name: " + name + "\npilot: { jobs: 1, cpus: 2, idle: 20 }\ntasks:\n  - name: score\n    pilot: true\n"
                + "    array: " + n + "\n    command: '" + command.replace("'", "''") + "'\n";
    }

    private Path taskDir(String runId, String task) {
        return Path.of(RunLayout.taskDir(workdir, runId, task));
    }

    private static ElementRecord element(RunSnapshot snap, String task, int index) {
        return snap.elements().stream().filter(e -> e.task().equals(task) && e.index() == index).findFirst()
                .orElseThrow();
    }

    /**
     * Whether the process whose pid {@code pidFile} holds (a whole line) has a sleep among its
     * descendants: the command that wrote the file has moved on to its sleep.
     */
    private static boolean sleepingUnder(Path pidFile) {
        try {
            String text = Files.readString(pidFile);
            return text.endsWith("\n") && ProcessHandle.of(Long.parseLong(text.strip()))
                    .map(p -> p.descendants().anyMatch(d -> d.info().command().orElse("").endsWith("/sleep")))
                    .orElse(false);
        } catch (IOException e) {
            return false;
        }
    }

    private static long nanos(Path file) throws IOException {
        return Long.parseLong(Files.readString(file).strip());
    }

    private static List<String> filesIn(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    // ------------------------------------------------------------------ success

    /**
     * A service web (in a pilot's slot when {@code packed}) that is ready once it has touched its
     * file {@code up}, and a packed task score of {@code n} elements that record its URL and agent.
     * Its command would run longer than {@link #RUN_LIMIT}: a run that ends was not waiting for it.
     */
    private Workflow served(String name, boolean packed, int port, int n) {
        return workflow("name: " + name + "\npilot: { jobs: 1, cpus: 2, idle: 20 }\ntasks:\n  - name: web\n"
                + (packed ? "    pilot: true\n" : "") + "    service: true\n    port: " + port + "\n"
                + "    ready: \"test -f up\"\n    command: touch up; sleep 120\n"
                + "  - name: score\n    after: [web]\n    pilot: true\n    array: " + n + "\n"
                + "    command: echo \"$HWF_SERVICE_WEB_URL $HWF_PILOT_AGENT\" > \"url.$HWF_ARRAY_INDEX\"\n");
    }

    @Test
    void packedDependantsOfAServiceGetItsEndpointInTheirSlotsAndTheServiceStopsAfterThem() throws Exception {
        Workflow wf = served("served", false, 18777, 20);
        String id = start(wf);
        RunSnapshot end = runToEnd(engine(wf), id);

        assertEquals("SUCCEEDED", end.run().state(), end.toString());
        assertEquals(20, end.counts("score").of(JobState.SUCCEEDED));
        for (int i = 0; i < 20; i++) {
            assertTrue(Files.readString(taskDir(id, "score").resolve("url." + i)).startsWith("127.0.0.1:18777 p0-a1-"),
                    "element " + i + " in a pilot's slot has the service's endpoint");
        }
        assertEquals(Services.STOPPED, element(end, "web", 0).reason(), "stopped once its packed dependants ended");
    }

    @Test
    void aServiceInAPilotSlotServesPackedDependantsInOtherSlotsAndItsAgentStopsItAfterThem() throws Exception {
        Workflow wf = served("slotted", true, 18778, 10);
        String id = start(wf);
        RunSnapshot end = runToEnd(engine(wf), id); // within RUN_LIMIT: the service was stopped, not waited for

        assertEquals("SUCCEEDED", end.run().state(), end.toString());
        assertTrue(element(end, "web", 0).jobId().startsWith("pilot:"), "the service ran in a pilot's slot");
        assertEquals(Services.STOPPED, element(end, "web", 0).reason());
        for (int i = 0; i < 10; i++) {
            assertTrue(Files.readString(taskDir(id, "score").resolve("url." + i)).startsWith("127.0.0.1:18778 p0-a1-"),
                    "element " + i + " in another slot reached the service");
        }
        assertEquals(JobState.SUCCEEDED, end.task("pilot").state(), "the agent stopped the service, then ended");
        assertTrue(Files.exists(taskDir(id, "pilot").resolve("cancel/1.0")), "asked through the pilots' directory");
    }

    @Test
    void packedElementsRunOnceEachInsideAPilotAndTheirDependantAfterThem() throws Exception {
        Workflow wf = workflow(packed("packed", 150,
                "echo \"$HWF_ARRAY_INDEX $HWF_PILOT_AGENT\" >> \"ran.$HWF_ARRAY_INDEX\"") + """
                  - name: gather
                    after: [score]
                    command: ls ../score | grep -c '^ran[.]' > count
                """);
        String id = start(wf);
        RunSnapshot end = runToEnd(engine(wf), id);

        assertEquals("SUCCEEDED", end.run().state(), end.toString());
        assertEquals(JobState.SUCCEEDED, end.task("score").state());
        assertEquals(150, end.counts("score").of(JobState.SUCCEEDED));
        Path score = taskDir(id, "score");
        for (int i = 0; i < 150; i++) {
            List<String> lines = Files.readAllLines(score.resolve("ran." + i));
            assertEquals(1, lines.size(), "element " + i + " ran once: " + lines);
            assertTrue(lines.get(0).matches(i + " p0-a1-.*"), "in the first pilot's agent: " + lines);
            assertTrue(element(end, "score", i).jobId().startsWith("pilot:"), "no scheduler job of its own");
        }
        assertEquals("150", Files.readString(taskDir(id, "gather").resolve("count")).strip());
        // one pilot job ran them all: the pilot task's one element, ended once told to stop
        assertEquals(JobState.SUCCEEDED, end.task("pilot").state(), end.toString());
        assertEquals(1, end.task("pilot").attempt());
        assertEquals(3, end.task("score").attempt(), "150 elements went out in bundles of 64");
        assertTrue(Files.exists(taskDir(id, "pilot").resolve("stop")));
    }

    @Test
    void aPilotKilledMidRunHandsItsUnfinishedElementsBackAndAnotherRunsThem() throws Exception {
        Workflow wf = workflow(packed("killed", 16,
                "echo start >> \"ran.$HWF_ARRAY_INDEX\"; sleep 0.2; echo end >> \"ran.$HWF_ARRAY_INDEX\""));
        String id = start(wf);
        RunEngine engine = engine(wf);
        Path score = taskDir(id, "score");
        advance(engine, id, s -> s.counts("score").of(JobState.SUCCEEDED) >= 4);
        String pilotJob = journal.snapshot(id).task("pilot").jobId();
        new ProcessBuilder("kill", "-KILL", "--", "-" + pilotJob).start().waitFor(5, TimeUnit.SECONDS);

        RunSnapshot end = runToEnd(engine, id);
        assertEquals("SUCCEEDED", end.run().state(), end.toString());
        assertEquals(16, end.counts("score").of(JobState.SUCCEEDED));
        assertEquals(2, end.task("pilot").attempt(), "the killed pilot was replaced once");
        int again = 0;
        for (int i = 0; i < 16; i++) {
            List<String> lines = Files.readAllLines(score.resolve("ran." + i));
            assertEquals(1, lines.stream().filter("end"::equals).count(), "element " + i + " ran through once: "
                    + lines);
            again += lines.size() == 3 ? 1 : 0; // started in the killed pilot, run again in the next
        }
        assertTrue(again <= 2, "at most the two elements the killed pilot's slots held started twice: " + again);
        assertTrue(journal.events(id).stream().anyMatch(e -> ObservePilotBundles.HANDED_BACK.equals(e.reason())
                || "WAITING".equals(e.state())), "elements were handed back");
    }

    @Test
    void aChainRunsInOrderAndEachTaskSeesTheOutputOfTheOneBefore() throws Exception {
        Workflow wf = workflow("""
                name: chain
                tasks:
                  - name: a
                    command: date +%s%N > start; echo 21 > result; sleep 0.2; date +%s%N > end
                  - name: b
                    after: [a]
                    command: date +%s%N > start; echo $(( $(cat ../a/result) * 2 )) > result; date +%s%N > end
                  - name: c
                    after: [b]
                    command: date +%s%N > start; cat ../b/result; date +%s%N > end
                """);
        String id = start(wf);
        RunSnapshot end = runToEnd(engine(wf), id);

        assertEquals("SUCCEEDED", end.run().state(), end.toString());
        assertNotNull(end.run().endedAt());
        for (String t : List.of("a", "b", "c")) {
            TaskRecord task = end.task(t);
            assertEquals(JobState.SUCCEEDED, task.state(), t);
            assertEquals(0, task.exitCode(), t);
            assertEquals(1, task.attempt(), t);
            assertNotNull(task.jobId(), t);
            assertTrue(Files.exists(taskDir(id, t).resolve("job.1.sh")), t);
            assertEquals("0\n", Files.readString(taskDir(id, t).resolve("exit.1.0")), t);
        }
        assertEquals("42\n", Files.readString(taskDir(id, "c").resolve("out.1.0.log")));

        // each task started only after the one before it had ended: on the clock of the jobs ...
        assertTrue(nanos(taskDir(id, "a").resolve("end")) < nanos(taskDir(id, "b").resolve("start")));
        assertTrue(nanos(taskDir(id, "b").resolve("end")) < nanos(taskDir(id, "c").resolve("start")));
        // ... and in the journal: a task is submitted only once its upstream is recorded SUCCEEDED
        assertFalse(end.task("b").submittedAt().isBefore(end.task("a").endedAt()));
        assertFalse(end.task("c").submittedAt().isBefore(end.task("b").endedAt()));
        List<String> succeeded = journal.events(id).stream()
                .filter(e -> e.index() == null && e.task() != null && "SUCCEEDED".equals(e.state()))
                .map(Event::task).toList();
        assertEquals(List.of("a", "b", "c"), succeeded);
    }

    @Test
    void anArrayNeverRunsMoreElementsAtOnceThanItsLimit() throws Exception {
        Workflow wf = workflow("""
                name: limited
                tasks:
                  - name: t
                    array: 5
                    arrayLimit: 2
                    command: date +%s%N > start.$HWF_ARRAY_INDEX; sleep 0.3; date +%s%N > end.$HWF_ARRAY_INDEX
                """);
        String id = start(wf);
        RunSnapshot end = runToEnd(engine(wf), id);

        assertEquals("SUCCEEDED", end.run().state(), end.toString());
        Path dir = taskDir(id, "t");
        long[][] spans = new long[5][];
        for (int i = 0; i < 5; i++) {
            spans[i] = new long[] {nanos(dir.resolve("start." + i)), nanos(dir.resolve("end." + i))};
            ElementRecord e = element(end, "t", i);
            assertEquals(JobState.SUCCEEDED, e.state());
            assertEquals(0, e.exitCode());
            assertEquals(end.task("t").jobId(), e.jobId(), "one job for the whole array");
        }
        int most = 0;
        for (long[] s : spans) {
            int running = 0; // elements running at the moment element s started
            for (long[] o : spans) {
                if (o[0] <= s[0] && s[0] < o[1]) {
                    running++;
                }
            }
            most = Math.max(most, running);
        }
        assertTrue(most <= 2, "at most 2 at once, saw " + most);
        if (Runtime.getRuntime().availableProcessors() >= 2) {
            assertEquals(2, most, "with 2 cores or more the limit is used, not just respected");
        }
    }

    // ------------------------------------------------------------------ failure

    @Test
    void aFailedTaskCancelsItsDependantsWhichNeverRun() throws Exception {
        Workflow wf = workflow("""
                name: failing
                tasks:
                  - name: a
                    command: echo trying; exit 3
                  - name: b
                    after: [a]
                    command: echo b
                  - name: c
                    after: [b]
                    command: echo c
                  - name: other
                    command: sleep 0.3
                """);
        String id = start(wf);
        RunSnapshot end = runToEnd(engine(wf), id);

        assertEquals("FAILED", end.run().state());
        assertEquals("task a failed: exit 3", end.run().reason());
        TaskRecord a = end.task("a");
        assertEquals(JobState.FAILED, a.state());
        assertEquals(3, a.exitCode());
        assertEquals("exit 3", a.reason());
        assertEquals("trying\n", Files.readString(taskDir(id, "a").resolve("out.1.0.log")));

        TaskRecord b = end.task("b");
        assertEquals(JobState.CANCELLED, b.state());
        assertEquals("upstream a FAILED", b.reason());
        TaskRecord c = end.task("c");
        assertEquals(JobState.CANCELLED, c.state());
        assertEquals("upstream b CANCELLED", c.reason());
        for (TaskRecord never : List.of(b, c)) {
            assertEquals(0, never.attempt(), never.name());
            assertNull(never.jobId(), never.name());
            assertNull(never.submittedAt(), never.name());
            assertTrue(filesIn(taskDir(id, never.name())).stream().noneMatch(f -> f.startsWith("out.")),
                    never.name() + " never ran: " + filesIn(taskDir(id, never.name())));
        }
        assertEquals(JobState.SUCCEEDED, end.task("other").state(), "an independent task runs to its end");
    }

    @Test
    void anExitCodeAbove128IsReportedAsTheSignal() throws Exception {
        Workflow wf = workflow("""
                name: signalled
                tasks:
                  - name: t
                    command: kill -KILL $BASHPID
                """);
        String id = start(wf);
        RunSnapshot end = runToEnd(engine(wf), id);

        TaskRecord t = end.task("t");
        assertEquals(JobState.FAILED, t.state());
        assertEquals(137, t.exitCode());
        assertEquals("signal 9", t.reason());
        assertEquals("137\n", Files.readString(taskDir(id, "t").resolve("exit.1.0")));
    }

    @Test
    void aJobKilledWithSigkillLeavesNoExitFileAndIsLost() throws Exception {
        Workflow wf = workflow("""
                name: killed
                tasks:
                  - name: t
                    command: echo $$ > script.pid; exec sleep 10
                """);
        String id = start(wf);
        RunEngine engine = engine(wf);
        Path pidFile = taskDir(id, "t").resolve("script.pid");
        advance(engine, id, s -> Files.exists(pidFile) && s.task("t").state() == JobState.RUNNING);
        // the pid file is whole once the command has moved on to its sleep
        Await.until("the job's command reached its sleep", SETTLE, () -> sleepingUnder(pidFile));
        // the job script's own shell dies without running its EXIT trap, as on an OOM kill
        long pid = Long.parseLong(Files.readString(pidFile).strip());
        new ProcessBuilder("kill", "-KILL", Long.toString(pid)).start().waitFor(5, TimeUnit.SECONDS);

        RunSnapshot end = runToEnd(engine, id);
        TaskRecord t = end.task("t");
        assertEquals(JobState.FAILED, t.state());
        assertEquals("LOST", t.reason());
        assertNull(t.exitCode());
        assertFalse(Files.exists(taskDir(id, "t").resolve("exit.1.0")), "no exit code file");
        assertEquals("FAILED", end.run().state());
        assertEquals("task t failed: LOST", end.run().reason());
    }

    // ------------------------------------------------------------------ retries

    @Test
    void onlyTheFailedElementIsRetriedAndTheRetrySucceeds() throws Exception {
        Workflow wf = workflow("""
                name: flaky
                tasks:
                  - name: t
                    array: 3
                    retries: 1
                    command: |
                      if [ "$HWF_ARRAY_INDEX" = 1 ] && [ ! -e marker ]; then touch marker; echo first try fails; exit 1; fi
                      sleep 0.2
                      echo "element $HWF_ARRAY_INDEX attempt $HWF_ATTEMPT"
                """);
        String id = start(wf);
        RunSnapshot end = runToEnd(engine(wf), id);

        assertEquals("SUCCEEDED", end.run().state(), end.toString());
        TaskRecord t = end.task("t");
        assertEquals(JobState.SUCCEEDED, t.state());
        assertEquals(2, t.attempt());
        assertEquals(1, element(end, "t", 0).attempt());
        assertEquals(2, element(end, "t", 1).attempt());
        assertEquals(2, element(end, "t", 1).tries());
        assertEquals(1, element(end, "t", 2).attempt());
        assertEquals(1, element(end, "t", 2).tries());
        assertNotEquals(element(end, "t", 0).jobId(), element(end, "t", 1).jobId(), "a new job for the retry");

        Path dir = taskDir(id, "t");
        List<String> files = filesIn(dir);
        assertTrue(files.containsAll(List.of("job.1.sh", "job.2.sh", "out.1.0.log", "out.1.1.log", "out.1.2.log",
                "out.2.1.log", "exit.1.0", "exit.1.1", "exit.1.2", "exit.2.1")), files.toString());
        assertFalse(files.contains("out.2.0.log") || files.contains("out.2.2.log"),
                "succeeded elements are not run again: " + files);
        assertEquals("first try fails\n", Files.readString(dir.resolve("out.1.1.log")));
        assertEquals("1\n", Files.readString(dir.resolve("exit.1.1")));
        assertEquals("element 1 attempt 2\n", Files.readString(dir.resolve("out.2.1.log")));
        assertTrue(journal.events(id).stream().anyMatch(e -> "t".equals(e.task()) && Integer.valueOf(1)
                .equals(e.index()) && "WAITING".equals(e.state()) && "exit 1; retry 1 of 1".equals(e.reason())),
                "the retry is recorded with its cause");
    }

    @Test
    void aTaskThatFailsEveryTryEndsFailedAfterItsRetries() throws Exception {
        Workflow wf = workflow("""
                name: hopeless
                tasks:
                  - name: t
                    retries: 2
                    command: echo "try $HWF_ATTEMPT"; exit 4
                """);
        String id = start(wf);
        RunSnapshot end = runToEnd(engine(wf), id);

        TaskRecord t = end.task("t");
        assertEquals(JobState.FAILED, t.state());
        assertEquals("exit 4", t.reason());
        assertEquals(4, t.exitCode());
        assertEquals(3, t.attempt(), "the first try and 2 retries");
        for (int a = 1; a <= 3; a++) {
            assertEquals("try " + a + "\n", Files.readString(taskDir(id, "t").resolve("out." + a + ".0.log")));
        }
        assertFalse(Files.exists(taskDir(id, "t").resolve("job.4.sh")));
    }

    // ------------------------------------------------------------------ two hwf processes at once

    @Test
    void twoProcessesAdvancingTheSameRunNeverSubmitTwice() throws Exception {
        Workflow wf = workflow("""
                name: raced
                tasks:
                  - name: a
                    command: echo run >> ../a.runs
                  - name: b
                    after: [a]
                    array: 3
                    command: echo run >> ../b.runs.$HWF_ARRAY_INDEX
                """);
        String id = start(wf);
        ExecutorService pool = Executors.newFixedThreadPool(2);
        List<Journal> journals = new ArrayList<>();
        try {
            List<Future<RunSnapshot>> ends = new ArrayList<>();
            for (int i = 0; i < 2; i++) {
                Journal j = Journal.open(tmp.resolve("journal.db")); // as a second `hwf poll` would
                journals.add(j);
                RunEngine e = engine(j, wf);
                ends.add(pool.submit(() -> runToEnd(e, id)));
            }
            for (Future<RunSnapshot> f : ends) {
                assertEquals("SUCCEEDED", f.get(RUN_LIMIT.toSeconds() + 5, TimeUnit.SECONDS).run().state());
            }
        } finally {
            pool.shutdownNow();
            journals.forEach(Journal::close);
        }
        Path runDir = Path.of(workdir, id);
        assertEquals("run\n", Files.readString(runDir.resolve("a.runs")), "a ran once");
        for (int i = 0; i < 3; i++) {
            assertEquals("run\n", Files.readString(runDir.resolve("b.runs." + i)), "b[" + i + "] ran once");
        }
        assertEquals(2, jobIds().size(), "one job per task");
    }

    // ------------------------------------------------------------------ services

    /** A TCP port nothing listens on now. */
    private static int freePort() throws IOException {
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private static boolean listening(int port) {
        try (java.net.Socket s = new java.net.Socket()) {
            s.connect(new java.net.InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), port), 500);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** A toy model service on loopback: answers every GET with "score <path>". */
    private static String serviceYaml(String name, int port, String dependants) {
        return "name: " + name + "\n"
                + "tasks:\n"
                + "  - name: model\n"
                + "    service: true\n"
                + "    port: " + port + "\n"
                + "    command: |\n"
                + "      exec python3 -c '\n"
                + "      import http.server, os\n"
                + "      class H(http.server.BaseHTTPRequestHandler):\n"
                + "          def do_GET(self):\n"
                + "              self.send_response(200); self.end_headers(); self.wfile.write(b\"score \" + self.path.encode())\n"
                + "          def log_message(self, *a): pass\n"
                + "      http.server.HTTPServer((os.environ[\"HWF_SERVICE_HOST\"], int(os.environ[\"HWF_SERVICE_PORT\"])), H).serve_forever()\n"
                + "      '\n"
                + dependants;
    }

    /**
     * A dependant's GET of {@code /dose/<its index>} from the service at HWF_SERVICE_MODEL_URL, in
     * bash alone (no interpreter to start): the answer's body, on a line.
     */
    private static final String QUERY = """
                      exec 3<>"/dev/tcp/${HWF_SERVICE_MODEL_URL%:*}/${HWF_SERVICE_MODEL_URL##*:}"
                      printf 'GET /dose/%s HTTP/1.0\\r\\n\\r\\n' "$HWF_ARRAY_INDEX" >&3
                      sed '1,/^\\r$/d' <&3
                      echo
                """;

    /**
     * The dependants reach the service at the endpoint hwf gave them, and it is stopped once they
     * have ended: its port closes. When they go and when it is stopped: PassServiceTest.
     */
    @Test
    void dependantsReachTheServiceAtItsEndpointAndItIsStoppedAfterTheLast() throws Exception {
        int port = freePort();
        Workflow wf = workflow(serviceYaml("served", port, """
                  - name: sim
                    after: [model]
                    array: 3
                    command: |
                %s  - name: post
                    after: [sim]
                    command: cat ../sim/out.1.*.log
                """.formatted(QUERY)));
        String id = start(wf);
        RunSnapshot end = runToEnd(engine(wf), id);

        assertEquals("SUCCEEDED", end.run().state(), end.toString());
        TaskRecord model = end.task("model");
        assertEquals(JobState.SUCCEEDED, model.state());
        assertEquals(Services.STOPPED, model.reason());
        var attempt = end.attempt("model", 1).orElseThrow();
        assertEquals("127.0.0.1:" + port, attempt.endpoint());
        assertEquals("score /dose/0\nscore /dose/1\nscore /dose/2\n",
                Files.readString(taskDir(id, "post").resolve("out.1.0.log")), "each element got its answer");
        String script = Files.readString(taskDir(id, "sim").resolve("job.1.sh"));
        assertTrue(script.contains("export HWF_SERVICE_MODEL_URL=127.0.0.1:" + port), script);
        Await.until("the service was stopped: its port closed", SETTLE, () -> !listening(port));
    }
}
