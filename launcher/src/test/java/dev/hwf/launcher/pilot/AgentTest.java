package dev.hwf.launcher.pilot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hwf.launcher.exec.LocalFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Pilot agents on a real directory, running real bash: claims that have one winner, every element
 * run once in a slot of its own, and agents that end by themselves.
 */
class AgentTest {
    private static final Duration LIMIT = Duration.ofSeconds(60);

    @TempDir
    Path tmp;

    /** hwf's side of the pilots' directory, as the engine writes it (through this machine's files). */
    private PilotQueue hwf() {
        return new PilotQueue(new LocalFiles(), tmp.resolve("pilot").toString());
    }

    private Agent.Config config(String name, int cores, int gpus, Duration idle) {
        return new Agent.Config(name, cores, gpus, idle, Duration.ofMillis(50), Duration.ofMillis(20));
    }

    /** An element script that records who ran it with which GPUs, and holds a lock per GPU while it runs. */
    private Path script() throws IOException {
        Path s = tmp.resolve("element.sh");
        Files.writeString(s, """
                out=%1$s/out; busy=%1$s/busy; mkdir -p "$out" "$busy"
                for g in ${CUDA_VISIBLE_DEVICES//,/ }; do
                    mkdir "$busy/$HWF_PILOT_AGENT.$g" 2>/dev/null || echo "gpu $g of $HWF_PILOT_AGENT twice" >>%1$s/clashes
                done
                [ -z "$CUDA_VISIBLE_DEVICES" ] && { mkdir "$busy/$HWF_PILOT_AGENT.cpu" 2>/dev/null \\
                    || echo "two 2-core elements on $HWF_PILOT_AGENT" >>%1$s/clashes; }
                echo "$HWF_PILOT_AGENT $CUDA_VISIBLE_DEVICES" >>"$out/$HWF_PILOT_INDEX"
                sleep 0.05
                for g in ${CUDA_VISIBLE_DEVICES//,/ }; do rmdir "$busy/$HWF_PILOT_AGENT.$g"; done
                [ -z "$CUDA_VISIBLE_DEVICES" ] && rmdir "$busy/$HWF_PILOT_AGENT.cpu"
                exit 0
                """.formatted(tmp));
        return s;
    }

    @Test
    void aBundleRenamedByManyClaimersHasExactlyOneWinner() throws Exception {
        PilotDir dir = new PilotDir(tmp.resolve("pilot"));
        for (int b = 0; b < 200; b++) {
            hwf().enqueue(String.format("b%04d", b), List.of(new PilotDir.Item(b, 1, 0, "/x.sh")));
        }
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<List<Integer>>> got = new ArrayList<>();
            for (int a = 0; a < 4; a++) {
                String agent = "a" + a;
                Callable<List<Integer>> claimer = () -> {
                    List<Integer> mine = new ArrayList<>();
                    for (String name : dir.queued()) {
                        List<PilotDir.Item> items = dir.claim(name, agent);
                        if (items != null) {
                            mine.add(items.get(0).index());
                        }
                    }
                    return mine;
                };
                got.add(pool.submit(claimer));
            }
            List<Integer> all = new ArrayList<>();
            for (Future<List<Integer>> f : got) {
                all.addAll(f.get());
            }
            assertEquals(200, all.size(), "every bundle claimed, none twice");
            assertEquals(200, new HashSet<>(all).size());
            assertEquals(List.of(), dir.queued());
            int taken = 0;
            for (String agent : dir.agents()) {
                taken += dir.taken(agent).size();
            }
            assertEquals(200, taken);
        } finally {
            pool.shutdownNow();
        }
        assertNull(dir.claim("b0000", "late"), "a bundle taken already is not there to claim");
    }

    @Test
    void twoAgentsRunEveryElementOnceEachOnGpusOfItsOwn() throws Exception {
        PilotDir dir = new PilotDir(tmp.resolve("pilot"));
        String script = script().toString();
        for (int b = 0; b < 8; b++) {
            List<PilotDir.Item> items = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                items.add(new PilotDir.Item(b * 5 + i, 1, 1, script));
            }
            hwf().enqueue(String.format("b%02d", b), items);
        }
        hwf().stop(); // everything is queued: the agents end once it has run
        List<Agent.Summary> done = runAgents(dir, config("n1", 2, 2, LIMIT), config("n2", 2, 2, LIMIT));

        assertEquals(40, done.stream().mapToInt(Agent.Summary::elements).sum());
        assertEquals(8, done.stream().mapToInt(Agent.Summary::bundles).sum());
        assertEquals(8, dir.done("n1").size() + dir.done("n2").size(), "each bundle marked done once run");
        assertEquals(List.of(), dir.taken("n1"));
        assertEquals(List.of(), dir.taken("n2"));
        assertTrue(Files.notExists(tmp.resolve("clashes")), () -> read(tmp.resolve("clashes")));
        TreeMap<Integer, String> ran = new TreeMap<>();
        try (var files = Files.list(tmp.resolve("out"))) {
            for (Path p : files.toList()) {
                List<String> lines = Files.readAllLines(p);
                assertEquals(1, lines.size(), "element " + p.getFileName() + " ran once: " + lines);
                ran.put(Integer.parseInt(p.getFileName().toString()), lines.get(0));
            }
        }
        assertEquals(40, ran.size());
        for (String who : ran.values()) {
            assertTrue(who.matches("n[12] [01]"), "one GPU of the two, named by its index: " + who);
        }
    }

    @Test
    void anElementNeedingMoreCoresRunsAloneWhereTwoWouldNotFit() throws Exception {
        PilotDir dir = new PilotDir(tmp.resolve("pilot"));
        String script = script().toString();
        List<PilotDir.Item> items = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            items.add(new PilotDir.Item(i, 2, 0, script));
        }
        hwf().enqueue("b0", items);
        hwf().stop();
        List<Agent.Summary> done = runAgents(dir, config("n1", 3, 0, LIMIT));
        assertEquals(6, done.get(0).elements());
        assertTrue(Files.notExists(tmp.resolve("clashes")), () -> read(tmp.resolve("clashes")));
    }

    @Test
    void anAgentWithNoWorkBeatsItsHeartAndEndsAfterItsIdleLimit() throws Exception {
        PilotDir dir = new PilotDir(tmp.resolve("pilot"));
        List<Agent.Summary> done = runAgents(dir, config("n1", 1, 0, Duration.ofMillis(400)));
        assertEquals(new Agent.Summary(0, 0, 0), done.get(0));
        assertTrue(dir.lastBeat("n1") >= 2, "it beat while it waited, and once more as it ended: " + dir.lastBeat("n1"));
        assertEquals(-1, dir.lastBeat("never-started"));
    }

    @Test
    void workQueuedWhileAnAgentWaitsIsTakenWithoutRestartingIt() throws Exception {
        PilotDir dir = new PilotDir(tmp.resolve("pilot"));
        String script = script().toString();
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
            Future<Agent.Summary> agent = pool.submit(() -> new Agent(dir, config("n1", 2, 0, LIMIT)).run());
            for (int b = 0; b < 3; b++) {
                Thread.sleep(100);
                hwf().enqueue("late" + b, List.of(new PilotDir.Item(b, 1, 0, script)));
            }
            hwf().stop();
            Agent.Summary s = assertTimeoutPreemptively(LIMIT, () -> agent.get());
            assertEquals(3, s.elements());
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aTaggedElementsLogsAndExitCodeAreRecordedByTheAgentBesideItsScript() throws Exception {
        Path task = Files.createDirectories(tmp.resolve("task"));
        Path script = task.resolve("job.2.sh");
        Files.writeString(script, "echo \"out of $HWF_LOCAL_INDEX in $(basename \"$PWD\") as $(basename \"$0\")\"; "
                + "read -r line && echo \"read $line\"; echo oops >&2; "
                + "[ \"$HWF_LOCAL_INDEX\" = 1 ] && kill -KILL $$; exit $HWF_LOCAL_INDEX\n");
        PilotDir dir = new PilotDir(tmp.resolve("pilot"));
        hwf().enqueue("b0", List.of(new PilotDir.Item(0, 1, 0, script.toString(), "2.0"),
                new PilotDir.Item(1, 1, 0, script.toString(), "2.1"),
                new PilotDir.Item(3, 1, 0, script.toString(), "2.3")));
        hwf().stop();
        runAgents(dir, config("n1", 2, 0, LIMIT));
        assertEquals("out of 0 in task as job.2.sh", Files.readString(task.resolve("out.2.0.log")).strip());
        assertEquals("oops", Files.readString(task.resolve("err.2.3.log")).strip());
        assertEquals("0", Files.readString(task.resolve("exit.2.0")).strip());
        assertEquals("137", Files.readString(task.resolve("exit.2.1")).strip(), "killed by signal 9: 128 + 9");
        assertEquals("3", Files.readString(task.resolve("exit.2.3")).strip());
        assertTrue(Files.notExists(task.resolve(".exit.2.0.tmp")), "written whole, then renamed into place");
        assertEquals("0\t0\n1\t137\n3\t3\n", Files.readString(tmp.resolve("pilot/taken/n1/b0.done")),
                "the done bundle lists each element's outcome");
        assertEquals(java.util.Map.of(0, 0, 1, 137, 3, 3), PilotDir.doneCodes(Files.readString(
                tmp.resolve("pilot/taken/n1/b0.done"))));
        assertEquals(List.of(), dir.taken("n1"), "the claimed bundle is gone once done");
        assertThrows(IllegalArgumentException.class, () -> new PilotDir.Item(0, 1, 0, "/x.sh", "2"));
    }

    @Test
    void aRunningElementHwfAsksToStopGetsSigtermAndOneAskedBeforeItStartsNeverRuns() throws Exception {
        Path task = Files.createDirectories(tmp.resolve("task"));
        Path script = task.resolve("job.1.sh");
        Files.writeString(script, "trap 'echo term > stopped.$HWF_LOCAL_INDEX; exit 143' TERM\n"
                + "touch started.$HWF_LOCAL_INDEX; sleep 60 & wait\n");
        PilotDir dir = new PilotDir(tmp.resolve("pilot"));
        hwf().enqueue("b0", List.of(new PilotDir.Item(0, 1, 0, script.toString(), "1.0"),
                new PilotDir.Item(1, 1, 0, script.toString(), "1.1")));
        hwf().stop();
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
            Future<Agent.Summary> agent = pool.submit(() -> new Agent(dir, config("n1", 1, 0, LIMIT)).run());
            long deadline = System.nanoTime() + LIMIT.toNanos();
            while (Files.notExists(task.resolve("started.0"))) {
                assertTrue(System.nanoTime() < deadline, "element 0 never started");
                Thread.sleep(20);
            }
            // what hwf writes to stop a service whose dependants have ended: one file per element
            Files.createDirectories(tmp.resolve("pilot/cancel"));
            Files.writeString(tmp.resolve("pilot/cancel/1.1"), "");
            Files.writeString(tmp.resolve("pilot/cancel/1.0"), "");
            Agent.Summary s = assertTimeoutPreemptively(Duration.ofSeconds(20), () -> agent.get(),
                    "the agent stopped its element and ended, long before its sleep 60");
            assertEquals(1, s.elements());
        } finally {
            pool.shutdownNow();
        }
        assertEquals("term", Files.readString(task.resolve("stopped.0")).strip(),
                "SIGTERM, as a scheduler stops a job");
        assertEquals("143", Files.readString(task.resolve("exit.1.0")).strip());
        assertTrue(Files.notExists(task.resolve("started.1")), "asked to stop before it started: never ran");
        assertEquals(java.util.Map.of(0, 143),
                PilotDir.doneCodes(Files.readString(tmp.resolve("pilot/taken/n1/b0.done"))));
    }

    /** A packed task's element script that sleeps this long. */
    private Path sleeper(String seconds) throws IOException {
        Path script = Files.createDirectories(tmp.resolve("task")).resolve("job.1.sh");
        Files.writeString(script, "sleep " + seconds + "\n");
        return script;
    }

    /** One slot, in a pilot of this walltime. */
    private Agent.Config withWalltime(Duration walltime) {
        return new Agent.Config("n1", 1, 0, LIMIT, Duration.ofMillis(50), Duration.ofMillis(20), walltime);
    }

    @Test
    void nearItsPilotsEndAnAgentStartsNothingThatWouldNotEndInTimeLeavesItForAnotherAndEnds() throws Exception {
        // a pilot of 4 s; elements of 1 s, which hwf expects to take 1 s: one slot runs about two of
        // them in the 2 s the agent has before its margin, then hands back the rest and ends early
        Path script = sleeper("1");
        List<PilotDir.Item> items = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            items.add(new PilotDir.Item(i, 1, 0, script.toString(), "1." + i, 1));
        }
        hwf().enqueue("b0", items);
        PilotDir dir = new PilotDir(tmp.resolve("pilot"));
        Agent.Config c = withWalltime(Duration.ofSeconds(4));
        long t0 = System.nanoTime();
        Agent.Summary s = new Agent(dir, c).run(Duration.ZERO); // no stop file: it ends for want of time
        double took = (System.nanoTime() - t0) / 1e9;
        assertTrue(took < 3.0, "it ended before its pilot's end (4 s), not at its idle limit: " + took + " s");
        assertTrue(s.elements() >= 1 && s.elements() <= 2, s.toString());
        assertEquals(8, s.elements() + s.handedBack(), s.toString());
        Map<Integer, Integer> codes = PilotDir.doneCodes(Files.readString(tmp.resolve("pilot/taken/n1/b0.done")));
        assertEquals(s.elements(), codes.size(), "only what ran has an outcome; hwf hands back the rest");
        assertTrue(codes.values().stream().allMatch(code -> code == 0), "nothing killed: " + codes);
    }

    @Test
    void theRunsAgentsShareHowLongATasksElementsRunAndTrustThatOverHwfsGuess() throws Exception {
        // hwf guesses 60 s (the task's walltime), which would leave everything for another pilot with
        // 18 s left; but a first agent (another pilot) saw five elements end in about 0.1 s, and the
        // second goes by that and runs them all
        Path script = sleeper("0.1");
        List<PilotDir.Item> first = new ArrayList<>();
        List<PilotDir.Item> rest = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            (i < Agent.SAMPLES ? first : rest).add(new PilotDir.Item(i, 1, 0, script.toString(), "1." + i,
                    i < Agent.SAMPLES ? 0 : 60));
        }
        PilotDir dir = new PilotDir(tmp.resolve("pilot"));
        hwf().enqueue("b0", first);
        hwf().stop();
        assertEquals(new Agent.Summary(1, Agent.SAMPLES, 0, 0), new Agent(dir, config("n0", 1, 0, LIMIT)).run());
        assertEquals(Agent.SAMPLES, dir.runTimes("task").size(), "each kept in the pilots' directory");
        assertTrue(dir.runTimes("task").stream().allMatch(ms -> ms >= 100 && ms < 5000), dir.runTimes("task").toString());
        hwf().enqueue("b1", rest);
        Agent.Summary s = new Agent(dir, withWalltime(Duration.ofSeconds(120))).run(Duration.ofSeconds(100)); // 18 s left
        assertEquals(new Agent.Summary(1, 15, 0, 0), s);
    }

    @Test
    void anElementThatKillsItselfWhileItsPilotGoesOnKeepsItsOutcome() throws Exception {
        Path task = Files.createDirectories(tmp.resolve("task"));
        Path script = task.resolve("job.1.sh");
        Files.writeString(script, "kill -TERM $BASHPID\n");
        hwf().enqueue("b0", List.of(new PilotDir.Item(0, 1, 0, script.toString(), "1.0")));
        hwf().stop();
        runAgents(new PilotDir(tmp.resolve("pilot")), config("n1", 1, 0, LIMIT));
        assertEquals("143", Files.readString(task.resolve("exit.1.0")).strip(), "killed by SIGTERM: 128 + 15");
    }

    @Test
    void aTornOrOddRunTimeLineIsReadAsNone() throws Exception {
        PilotDir dir = new PilotDir(tmp.resolve("pilot"));
        dir.addRunTime("t", 1500);
        Files.writeString(tmp.resolve("pilot/times/t"), "15\nx\n-3\n", java.nio.file.StandardOpenOption.APPEND);
        dir.addRunTime("t", 7);
        assertEquals(List.of(1500L, 15L, 7L), dir.runTimes("t"));
        assertEquals(List.of(), dir.runTimes("other"));
    }

    @Test
    void anElementLineKeepsWhatHwfExpectsOfItAndOlderLinesReadAsUnknown() {
        PilotDir.Item i = new PilotDir.Item(3, 2, 1, "/w/t/job.1.sh", "1.3", 42);
        assertEquals(i, PilotDir.Item.parse(i.line(), Path.of("b")));
        assertEquals(new PilotDir.Item(3, 2, 1, "/w/t/job.1.sh", "1.3", 0),
                PilotDir.Item.parse("3\t2\t1\t/w/t/job.1.sh\t1.3", Path.of("b")));
    }

    @Test
    void aDoneFileWithoutAnOutcomeOrWithOddLinesGivesOnlyTheOutcomesItHas() {
        assertEquals(java.util.Map.of(7, 2), PilotDir.doneCodes("5\t\nx\t1\n7\t2\n8\t9\t9\n9\tkilled\n\n"));
        assertEquals(java.util.Map.of(), PilotDir.doneCodes(""));
        assertEquals(java.util.Map.of(1, 0), PilotDir.doneCodes("1\t0"), "a last line without its newline");
    }

    @Test
    void badNamesAndItemsAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> config("no/slash", 1, 0, LIMIT));
        assertThrows(IllegalArgumentException.class, () -> new PilotDir.Item(0, 0, 0, "/x.sh"));
        assertThrows(IllegalArgumentException.class, () -> new PilotDir.Item(0, 1, 0, "/x\n.sh"));
        PilotDir dir = new PilotDir(tmp.resolve("pilot"));
        assertThrows(IllegalArgumentException.class, () -> hwf().enqueue("../escape", List.of()));
    }

    private List<Agent.Summary> runAgents(PilotDir dir, Agent.Config... configs) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(configs.length);
        try {
            List<Future<Agent.Summary>> fs = new ArrayList<>();
            for (Agent.Config c : configs) {
                fs.add(pool.submit(() -> new Agent(dir, c).run()));
            }
            List<Agent.Summary> out = new ArrayList<>();
            for (Future<Agent.Summary> f : fs) {
                out.add(assertTimeoutPreemptively(LIMIT, () -> f.get()));
            }
            return out;
        } finally {
            pool.shutdownNow();
        }
    }

    private static String read(Path p) {
        try {
            return Files.readString(p);
        } catch (IOException e) {
            return "";
        }
    }
}
