package dev.hwf.launcher.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hwf.api.Command;
import dev.hwf.api.JobId;
import dev.hwf.api.JobRequest;
import dev.hwf.api.JobState;
import dev.hwf.api.JobStatus;
import dev.hwf.api.SchedulerOutputException;
import dev.hwf.launcher.exec.CommandResult;
import dev.hwf.launcher.exec.LocalCommandRunner;
import dev.hwf.testing.Await;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The local scheduler's commands and parsers, on real processes: the driver it starts, and what
 * {@code ps} really prints about it, about foreign processes, zombies and ended jobs. A process
 * the test needs alive sleeps {@link #ALIVE} and is ended by the test; what the test waits for is
 * looked at every 20 ms, for {@link #TIMEOUT} at most.
 */
class LocalAdapterTest {
    private static final String JOB_NAME = "hwf-run-t-1";

    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    /** {@code sleep}'s argument for a process that must outlive the test's looks at it (it is killed after). */
    private static final String ALIVE = "10";

    private final LocalAdapter adapter = new LocalAdapter();
    private final LocalCommandRunner runner = new LocalCommandRunner();
    private final List<String> drivers = new ArrayList<>();
    private final List<Process> others = new ArrayList<>();

    @TempDir
    Path tmp;

    @AfterEach
    void cleanUp() throws Exception {
        for (String pid : drivers) {
            // the driver leads its own process group: end everything it started
            new ProcessBuilder("kill", "-KILL", "--", "-" + pid).redirectErrorStream(true).start()
                    .waitFor(5, TimeUnit.SECONDS);
        }
        for (Process p : others) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
        }
    }

    private static JobRequest request(List<Integer> indices, int arrayLimit, Map<String, String> extra) {
        return new JobRequest(JOB_NAME, "/work/run/t", 1, 1, 1, 0, 0, null, null, null, 0, indices,
                arrayLimit, List.of(), extra);
    }

    /** Submits {@code script} as the engine would and returns the job id (the driver's pid). */
    private JobId submit(Path script, List<Integer> indices, int slots) {
        Command cmd = adapter.submitCommand(request(indices, 0, Map.of(LocalAdapter.SLOTS,
                Integer.toString(slots))), script.toString());
        CommandResult r = runner.run(cmd, TIMEOUT);
        assertEquals(0, r.exitCode(), r.stderr());
        JobId id = adapter.parseSubmitOutput(r.stdout());
        drivers.add(id.value());
        return id;
    }

    private CommandResult ps(String... pids) {
        return runner.run(adapter.statusCommand(java.util.Arrays.stream(pids).map(JobId::new).toList()), TIMEOUT);
    }

    private Path script(String body) throws Exception {
        Path file = tmp.resolve("job.sh");
        Files.writeString(file, "#!/bin/bash\ncd " + tmp + " || exit 1\n" + body + "\n");
        return file;
    }

    /**
     * Waits until ps shows the driver by its marker: the submit prints the pid as it starts the
     * driver in the background, and until that process has exec'd, ps shows it with the submitting
     * shell's arguments.
     */
    private void awaitDriver(JobId job) throws InterruptedException {
        Await.until("job " + job + "'s driver started", TIMEOUT, () -> ps(job.value()).stdout()
                .contains(LocalAdapter.MARKER));
    }

    /** Waits until ps no longer shows the driver. */
    private void awaitEnd(JobId job) throws InterruptedException {
        Await.until("job " + job + " ended", TIMEOUT, () -> {
            CommandResult r = ps(job.value());
            return adapter.parseStatus(r.exitCode(), r.stdout(), r.stderr()).isEmpty();
        });
    }

    /** Whether the process {@code pid} is running sleep (a job's shell that has exec'd it). */
    private static boolean sleeping(long pid) {
        return ProcessHandle.of(pid).flatMap(p -> p.info().command()).map(c -> c.endsWith("/sleep")).orElse(false);
    }

    // ------------------------------------------------------------------ submit

    @Test
    void submitIsBashWithTheSlotsTheScriptAndTheIndicesAsSeparateArguments() {
        Command cmd = adapter.submitCommand(request(List.of(0, 1, 2, 3), 0, Map.of(LocalAdapter.SLOTS, "8")),
                "/work/my dir/job.1.sh");
        List<String> argv = cmd.argv();
        assertEquals(List.of("bash", "-c"), argv.subList(0, 2));
        assertTrue(argv.get(2).contains("setsid") && argv.get(2).contains(LocalAdapter.MARKER), argv.get(2));
        assertEquals(List.of("hwf-local-submit", JOB_NAME, "8", "/work/my dir/job.1.sh", "0", "1", "2", "3"),
                argv.subList(3, argv.size()));
        assertEquals(null, cmd.stdinFile());
    }

    @Test
    void theArrayLimitCapsTheSlots() {
        Command cmd = adapter.submitCommand(request(List.of(0, 1, 2, 3), 2, Map.of(LocalAdapter.SLOTS, "16")),
                "/s.sh");
        assertEquals("2", cmd.argv().get(5));
        Command fewCores = adapter.submitCommand(request(List.of(0, 1, 2, 3), 8, Map.of(LocalAdapter.SLOTS, "3")),
                "/s.sh");
        assertEquals("3", fewCores.argv().get(5));
        Command noSlots = adapter.submitCommand(request(List.of(0, 1), 0, Map.of()), "/s.sh");
        assertEquals("1", noSlots.argv().get(5), "one at a time when nothing says more");
    }

    @Test
    void aPlainTaskIsElementZeroAndAResubmissionOnlyItsIndices() {
        Command plain = adapter.submitCommand(request(List.of(), 0, Map.of()), "/s.sh");
        assertEquals(List.of("/s.sh", "0"), plain.argv().subList(6, plain.argv().size()));
        Command retry = adapter.submitCommand(request(List.of(1, 3), 0, Map.of()), "/s.sh");
        assertEquals(List.of("/s.sh", "1", "3"), retry.argv().subList(6, retry.argv().size()));
    }

    @Test
    void parseSubmitOutputTakesTheProcessId() {
        assertEquals(new JobId("12345"), adapter.parseSubmitOutput("12345\n"));
        assertEquals(new JobId("7"), adapter.parseSubmitOutput("  7  "));
    }

    @Test
    void parseSubmitOutputRefusesAnythingElse() {
        for (String garbage : List.of("", "\n", "bash: setsid: command not found", "123 456", "12a", "-1")) {
            SchedulerOutputException e = assertThrows(SchedulerOutputException.class,
                    () -> adapter.parseSubmitOutput(garbage), garbage);
            assertTrue(e.getMessage().contains("did not print a process id"), e.getMessage());
            assertEquals(garbage, e.output());
        }
    }

    // ------------------------------------------------------------------ status, from real ps output

    @Test
    void aRunningDriverIsRunningAndItsElementsRunTheScript() throws Exception {
        JobId job = submit(script("touch started.$HWF_LOCAL_INDEX; sleep " + ALIVE), List.of(0, 1), 2);
        awaitDriver(job);

        CommandResult r = ps(job.value());
        assertEquals(0, r.exitCode(), r.stderr());
        assertTrue(r.stdout().contains(LocalAdapter.MARKER), "real ps output shows the marker: " + r.stdout());
        List<JobStatus> st = adapter.parseStatus(r.exitCode(), r.stdout(), r.stderr());
        assertEquals(1, st.size(), r.stdout());
        assertEquals(job, st.get(0).jobId());
        assertEquals(JobState.RUNNING, st.get(0).state());
        assertEquals(null, st.get(0).arrayIndex(), "the driver answers for the whole job");

        Await.until("both elements started", TIMEOUT, () -> Files.exists(tmp.resolve("started.0"))
                && Files.exists(tmp.resolve("started.1")));
    }

    @Test
    void anEndedJobIsAbsent() throws Exception {
        JobId job = submit(script("touch done"), List.of(0), 1);
        awaitEnd(job); // until ps shows it gone, or only as a zombie its new parent has yet to reap
        assertTrue(Files.exists(tmp.resolve("done")));
        CommandResult r = ps(job.value());
        assertEquals(List.of(), adapter.parseStatus(r.exitCode(), r.stdout(), r.stderr()), r.stdout());
    }

    @Test
    void psExitingOneWithNoOutputMeansEveryJobHasEnded() throws Exception {
        // pids of processes that have ended and been reaped (by us): nothing left for ps to show
        Process a = new ProcessBuilder("true").start();
        Process b = new ProcessBuilder("true").start();
        assertTrue(a.waitFor(5, TimeUnit.SECONDS) && b.waitFor(5, TimeUnit.SECONDS));

        CommandResult r = ps(Long.toString(a.pid()), Long.toString(b.pid()));
        assertEquals(1, r.exitCode(), "real ps exits 1 when no pid exists");
        assertEquals("", r.stdout());
        assertEquals("", r.stderr());
        assertEquals(List.of(), adapter.parseStatus(r.exitCode(), r.stdout(), r.stderr()));
    }

    @Test
    void aForeignProcessWithoutTheMarkerIsIgnored() throws Exception {
        // a pid reused by some other program must not be taken for our job
        Process foreign = new ProcessBuilder("sleep", ALIVE).start();
        others.add(foreign);
        String pid = Long.toString(foreign.pid());
        JobId job = submit(script("sleep " + ALIVE), List.of(0), 1);
        awaitDriver(job);

        CommandResult r = ps(pid, job.value());
        assertEquals(0, r.exitCode(), r.stderr());
        assertTrue(r.stdout().contains("sleep " + ALIVE), r.stdout());
        List<JobStatus> st = adapter.parseStatus(r.exitCode(), r.stdout(), r.stderr());
        assertEquals(List.of(job), st.stream().map(JobStatus::jobId).toList());

        CommandResult onlyForeign = ps(pid);
        assertEquals(List.of(), adapter.parseStatus(onlyForeign.exitCode(), onlyForeign.stdout(),
                onlyForeign.stderr()));
    }

    @Test
    void aZombieIsNotALiveJob() throws Exception {
        // the child ends once its parent has become sleep, which never reaps it: a real zombie (a
        // child that ended before the exec could be reaped by bash first, and no zombie would appear)
        Process parent = new ProcessBuilder("bash", "-c", "bash -c 'for i in $(seq 500); do "
                + "[ \"$(cat /proc/$PPID/comm)\" = sleep ] && exit 0; sleep 0.01; done' " + LocalAdapter.MARKER
                + " & echo $!; exec sleep " + ALIVE).start();
        others.add(parent);
        String zombie = new java.io.BufferedReader(new java.io.InputStreamReader(parent.getInputStream()))
                .readLine().strip();
        Await.until("the child became a zombie", TIMEOUT,
                () -> ps(zombie).stdout().strip().matches("\\s*\\d+\\s+Z.*"));
        CommandResult r = ps(zombie);
        assertEquals(0, r.exitCode());
        assertEquals(List.of(), adapter.parseStatus(r.exitCode(), r.stdout(), r.stderr()), r.stdout());

        // where ps does show a zombie's arguments, the state still rules it out
        String fixture = zombie + " Z    bash -c slots=$1; script=$2 " + LocalAdapter.MARKER + " 1 /s.sh 0\n";
        assertEquals(List.of(), adapter.parseStatus(0, fixture, ""));
    }

    @Test
    void aMixedAnswerKeepsOnlyOurLiveDrivers() {
        String out = "  101 Ss   bash -c slots=$1; script=$2; shift 2 " + LocalAdapter.MARKER + " 2 /w/job.1.sh 0 1\n"
                + "  102 S    /usr/bin/python3 server.py\n"
                + "  103 Z    [bash] <defunct>\n"
                + "  104 R    bash -c x " + LocalAdapter.MARKER + " 1 /w/job.2.sh 3\n";
        List<JobStatus> st = adapter.parseStatus(0, out, "");
        assertEquals(List.of(new JobId("101"), new JobId("104")), st.stream().map(JobStatus::jobId).toList());
        assertTrue(st.stream().allMatch(s -> s.state() == JobState.RUNNING));
        assertEquals("Ss", st.get(0).rawState());
    }

    @Test
    void garbageOrAFailingPsIsNotAnAnswer() {
        assertThrows(SchedulerOutputException.class, () -> adapter.parseStatus(0, "PID STAT ARGS\n", ""));
        assertThrows(SchedulerOutputException.class, () -> adapter.parseStatus(0, "hello\n", ""));
        // a real ps error: exit 1 with a message, which is not "all jobs gone"
        CommandResult bad = runner.run(Command.of("ps", "-o", "pid=,stat=,args=", "-p", "not-a-pid"), TIMEOUT);
        assertTrue(bad.exitCode() != 0);
        assertFalse(bad.stderr().isBlank(), "ps explains itself on stderr");
        assertThrows(SchedulerOutputException.class,
                () -> adapter.parseStatus(bad.exitCode(), bad.stdout(), bad.stderr()));
        assertThrows(SchedulerOutputException.class, () -> adapter.parseStatus(2, "", ""));
    }

    @Test
    void statusIsOneCallForAllJobs() {
        Command cmd = adapter.statusCommand(List.of(new JobId("11"), new JobId("22"), new JobId("33")));
        assertEquals(List.of("ps", "-o", "pid=,stat=,args=", "-p", "11,22,33"), cmd.argv());
    }

    // ------------------------------------------------------------------ the driver's behaviour

    /**
     * An element that exits 255 must not stop the others: on a cluster, array elements are
     * independent, and xargs on its own aborts the rest after a 255.
     */
    @Test
    void anElementExiting255DoesNotStopTheOthers() throws Exception {
        JobId job = submit(script("touch ran.$HWF_LOCAL_INDEX; [ \"$HWF_LOCAL_INDEX\" = 0 ] && exit 255; exit 0"),
                List.of(0, 1, 2), 1);
        awaitEnd(job);
        for (int i = 0; i < 3; i++) {
            assertTrue(Files.exists(tmp.resolve("ran." + i)), "element " + i + " ran");
        }
    }

    @Test
    void anElementKilledBySignalDoesNotStopTheOthers() throws Exception {
        JobId job = submit(script("touch ran.$HWF_LOCAL_INDEX; [ \"$HWF_LOCAL_INDEX\" = 0 ] && kill -KILL $$; exit 0"),
                List.of(0, 1, 2), 1);
        awaitEnd(job);
        for (int i = 0; i < 3; i++) {
            assertTrue(Files.exists(tmp.resolve("ran." + i)), "element " + i + " ran");
        }
    }

    @Test
    void aScriptPathWithQuotesAndDollarsIsPassedAsOneWord() throws Exception {
        Path dir = tmp.resolve("it's a \"dir\" $(touch canary) `x` ;&");
        Files.createDirectories(dir);
        Path script = dir.resolve("job.1.sh");
        Files.writeString(script, "cd \"$(dirname \"$0\")\" && touch \"ran.$HWF_LOCAL_INDEX\"\n");
        JobId job = submit(script, List.of(0, 1), 2);
        awaitEnd(job);
        assertTrue(Files.exists(dir.resolve("ran.0")) && Files.exists(dir.resolve("ran.1")), "both elements ran");
        assertFalse(Files.exists(tmp.resolve("canary")) || Files.exists(Path.of("canary")), "nothing ran as code");
    }

    @Test
    void cancelEndsTheDriverAndEveryElement() throws Exception {
        JobId job = submit(script("echo $$ > pid.$HWF_LOCAL_INDEX; exec sleep " + ALIVE), List.of(0, 1), 2);
        long[] pids = new long[2];
        for (int i = 0; i < 2; i++) {
            Path pidFile = tmp.resolve("pid." + i);
            int index = i;
            // the pid file is whole once the element's shell has become its sleep
            Await.until("element " + i + " reached its sleep", TIMEOUT, () -> {
                try {
                    String text = Files.exists(pidFile) ? Files.readString(pidFile) : "";
                    pids[index] = text.endsWith("\n") ? Long.parseLong(text.strip()) : 0;
                } catch (java.io.IOException e) {
                    return false;
                }
                return pids[index] > 0 && sleeping(pids[index]);
            });
        }

        Command cancel = adapter.cancelCommand(List.of(job));
        assertEquals(List.of("kill", "-TERM", "--", "-" + job.value()), cancel.argv());
        assertEquals(0, runner.run(cancel, TIMEOUT).exitCode());

        awaitEnd(job);
        for (int i = 0; i < 2; i++) {
            long pid = pids[i];
            Await.until("element " + i + " ended by the cancel", TIMEOUT,
                    () -> !ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)
                            || ps(Long.toString(pid)).stdout().matches("\\s*\\d+\\s+Z[\\s\\S]*"));
        }
    }

    @Test
    void aRunningJobIsFoundByItsNameAndOthersAreNot() throws Exception {
        JobId job = submit(script("exec sleep " + ALIVE), List.of(0), 1);
        try {
            awaitDriver(job);
            Command find = adapter.findByNameCommand(List.of(JOB_NAME, "hwf-other-1"));
            var r = runner.run(find, TIMEOUT);
            assertEquals(java.util.Map.of(JOB_NAME, job),
                    adapter.parseFindByName(List.of(JOB_NAME, "hwf-other-1"), r.exitCode(), r.stdout(), r.stderr()));
            assertTrue(adapter.parseFindByName(List.of("hwf-run-t-2"), r.exitCode(), r.stdout(), r.stderr()).isEmpty(),
                    "only the names asked for are found");
        } finally {
            runner.run(adapter.cancelCommand(List.of(job)), TIMEOUT);
            awaitEnd(job);
        }
    }
}
