package dev.hwf.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hwf.api.JobState;
import dev.hwf.launcher.journal.Transitions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Several hwf processes on one journal at once, on the local scheduler, as on a login node: a
 * foreground submit, a detached run that only cron-like polls drive (started every second, never
 * waited for, so they overlap), status and runs readers all along, and a run cancelled half-way. In
 * WAL mode and in rollback mode on the local disk, and in rollback mode on a real FUSE mount (sshfs
 * through the test login node), where hwf chooses that mode itself. Afterwards the journal passes
 * {@code hwf journal check}, every element's recorded changes follow the declared transitions, and no
 * element ran twice (each element's command appends a line to a file). And a backup taken of the
 * journal on sshfs while a submit runs passes the check and holds the run.
 */
class JournalSoakIT {
    private static final String SOAK = """
            name: soak
            tasks:
              - name: sim
                array: 16
                command: echo "$HWF_RUN $HWF_TASK $HWF_ARRAY_INDEX" >> RAN; sleep 0.$((HWF_ARRAY_INDEX % 6))
              - name: fit
                after: [sim]
                array: 6
                command: echo "$HWF_RUN $HWF_TASK $HWF_ARRAY_INDEX" >> RAN; sleep 0.$((HWF_ARRAY_INDEX % 4))
              - name: gather
                after: [fit]
                command: echo "$HWF_RUN $HWF_TASK $HWF_ARRAY_INDEX" >> RAN
            """;
    private static final String SLOW = """
            name: slow
            tasks:
              - name: long
                array: 4
                command: echo "$HWF_RUN $HWF_TASK $HWF_ARRAY_INDEX" >> RAN; sleep 60
              - name: after
                after: [long]
                command: echo "$HWF_RUN $HWF_TASK $HWF_ARRAY_INDEX" >> RAN
            """;

    private static Path base;
    private static Path mount;

    /** A directory of this machine mounted over sshfs from the test login node, 127.0.0.1:2222. */
    @BeforeAll
    static void mountSshfs() throws Exception {
        base = Files.createTempDirectory(Path.of("/var/tmp"), "hwf-soak-");
        SshNode node = SshNode.up();
        Path remote = Files.createDirectories(base.resolve("remote"));
        mount = Files.createDirectories(base.resolve("mnt"));
        if (!Files.isExecutable(Path.of("/usr/bin/sshfs"))) {
            fail("sshfs is not installed: apt-get install sshfs (.ci/run installs it)");
        }
        Hwf.command("sshfs", "-p", String.valueOf(SshNode.PORT), "-o", "IdentityFile=" + node.key()
                + ",UserKnownHostsFile=" + node.knownHosts() + ",StrictHostKeyChecking=yes,IdentitiesOnly=yes,"
                + "BatchMode=yes,ConnectTimeout=10", "root@" + SshNode.HOST + ":" + remote, mount.toString());
        assertTrue(Files.readString(Path.of("/proc/self/mountinfo")).contains(" " + mount + " "),
                "sshfs mounted nothing on " + mount);
    }

    @AfterAll
    static void unmount() throws Exception {
        if (mount != null && Files.readString(Path.of("/proc/self/mountinfo")).contains(" " + mount + " ")) {
            Process p = new ProcessBuilder("fusermount3", "-u", mount.toString()).redirectErrorStream(true).start();
            if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
                new ProcessBuilder("umount", "-l", mount.toString()).start().waitFor(30, TimeUnit.SECONDS);
            }
        }
        if (base != null) {
            try (Stream<Path> all = Files.walk(base)) {
                all.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    @Test
    void walOnTheLocalDisk() throws Exception {
        JsonNode check = soak("wal-local", null, "wal");
        assertEquals(false, check.get("network").asBoolean(), check.toString());
    }

    @Test
    void rollbackOnTheLocalDisk() throws Exception {
        soak("rollback-local", null, "rollback");
    }

    @Test
    void rollbackOnSshfsChosenByHwfItself() throws Exception {
        JsonNode check = soak("rollback-sshfs", mount, null);
        assertEquals("fuse.sshfs", check.get("fileSystem").asText(), check.toString());
        assertEquals("rollback", check.get("mode").asText(), check.toString());
        assertEquals(true, check.get("network").asBoolean());
    }

    @Test
    void aBackupOfAJournalOnSshfsTakenDuringARunningSubmitPassesTheCheckAndHoldsTheRun() throws Exception {
        Path scratch = Files.createDirectories(base.resolve("backup"));
        Path journalDir = Files.createDirectories(mount.resolve("backup"));
        Hwf hwf = new Hwf(scratch, journalDir.resolve("journal.db"), "0.3");
        Path ran = scratch.resolve("ran.log");
        Path wf = hwf.workflow("w.yaml", SOAK.replace("RAN", ran.toString()));
        Process submit = hwf.start(scratch.resolve("submit.out"), "submit", wf.toString(),
                "--set", "site.workdir=" + scratch.resolve("work"));
        try {
            String run = waitForRun(hwf, submit);
            Path copy = scratch.resolve("copies/journal-copy.db");
            Hwf.Result backup = hwf.run(Duration.ofSeconds(60), "journal", "backup", copy.toString());
            assertEquals(0, backup.code(), backup.all());
            assertTrue(submit.isAlive(), "the backup was taken while the submit ran");
            assertEquals("rw-------", java.nio.file.attribute.PosixFilePermissions.toString(
                    Files.getPosixFilePermissions(copy)));
            Hwf.Result check = hwf.run(Duration.ofSeconds(60), "--journal", copy.toString(), "journal", "check");
            assertEquals(0, check.code(), check.all());
            Hwf.Result runs = hwf.run(Duration.ofSeconds(60), "--journal", copy.toString(), "runs", "--json");
            assertEquals(run, Hwf.JSON.readTree(runs.out()).get(0).get("run").asText(), runs.all());
            assertTrue(submit.waitFor(120, TimeUnit.SECONDS), "the submit ends");
            assertEquals(0, submit.exitValue(), Files.readString(scratch.resolve("submit.out")));
        } finally {
            submit.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }

    /** The id of the run a foreground submit made, once status shows it (bounded). */
    private static String waitForRun(Hwf hwf, Process submit) throws Exception {
        for (int i = 0; i < 100 && submit.isAlive(); i++) {
            Hwf.Result r = hwf.run(Duration.ofSeconds(60), "runs", "--json");
            if (r.code() == 0 && Hwf.JSON.readTree(r.out()).size() > 0) {
                return Hwf.JSON.readTree(r.out()).get(0).get("run").asText();
            }
            Thread.sleep(200);
        }
        throw new AssertionError("the submit made no run it could be seen in");
    }

    /**
     * The soak, with the journal in {@code journalDir} (else in the scratch directory), under
     * {@code HWF_JOURNAL_MODE=mode} (else hwf's choice); returns what {@code hwf journal check --json} said.
     */
    private JsonNode soak(String name, Path journalDir, String mode) throws Exception {
        Path scratch = Files.createDirectories(base.resolve(name));
        Path journal = (journalDir == null ? scratch : Files.createDirectories(journalDir.resolve(name)))
                .resolve("journal.db");
        Hwf hwf = new Hwf(scratch, journal, "0.3");
        if (mode != null) {
            hwf.env.put("HWF_JOURNAL_MODE", mode);
        }
        Path ran = scratch.resolve("ran.log");
        Path soak = hwf.workflow("soak.yaml", SOAK.replace("RAN", ran.toString()));
        Path slow = hwf.workflow("slow.yaml", SLOW.replace("RAN", ran.toString()));
        String work = "site.workdir=" + scratch.resolve("work");

        Hwf.Result detached = hwf.run(Duration.ofSeconds(120), "submit", soak.toString(), "--detach", "--set", work);
        assertEquals(0, detached.code(), detached.all());
        String cronRun = detached.out().strip();
        Hwf.Result slowSubmit = hwf.run(Duration.ofSeconds(120), "submit", slow.toString(), "--detach", "--set", work);
        assertEquals(0, slowSubmit.code(), slowSubmit.all());
        String cancelled = slowSubmit.out().strip();

        AtomicBoolean done = new AtomicBoolean();
        ExecutorService pool = Executors.newFixedThreadPool(4);
        List<Process> polls = new ArrayList<>();
        Process foreground = hwf.start(scratch.resolve("foreground.out"), "submit", soak.toString(), "--set", work);
        try {
            // cron: a poll every second, none waited for (bounded: 40 at the most)
            Future<?> cron = pool.submit(() -> {
                for (int i = 0; i < 40 && !done.get(); i++) {
                    synchronized (polls) {
                        polls.add(hwf.start(scratch.resolve("poll-" + i + ".out"), "-q", "poll"));
                    }
                    Thread.sleep(1000);
                }
                return null;
            });
            List<Future<Integer>> readers = new ArrayList<>();
            for (String[] args : List.of(new String[] {"status", "--json"}, new String[] {"runs", "--json"})) {
                readers.add(pool.submit(() -> {
                    int n = 0;
                    for (int i = 0; i < 60 && !done.get(); i++) {
                        Hwf.Result r = hwf.run(Duration.ofSeconds(60), args);
                        assertEquals(0, r.code(), r.all());
                        Hwf.JSON.readTree(r.out()); // whole JSON, whatever was committed last
                        n++;
                    }
                    return n;
                }));
            }
            Thread.sleep(3000);
            Hwf.Result cancel = hwf.run(Duration.ofSeconds(120), "cancel", cancelled);
            assertEquals(0, cancel.code(), cancel.all());

            assertTrue(foreground.waitFor(150, TimeUnit.SECONDS), "the foreground submit ends");
            assertEquals(0, foreground.exitValue(), Files.readString(scratch.resolve("foreground.out")));
            String cronState = hwf.status(cronRun).get("state").asText();
            for (int i = 0; i < 60 && cronState.equals("RUNNING"); i++) {
                Thread.sleep(500); // the cron polls carry it on
                cronState = hwf.status(cronRun).get("state").asText();
            }
            done.set(true);
            cron.get(60, TimeUnit.SECONDS);
            for (Future<Integer> r : readers) {
                assertTrue(r.get(120, TimeUnit.SECONDS) > 0, "a reader read");
            }
            assertEquals("SUCCEEDED", cronState, "the run that polls alone drove");
        } catch (Throwable t) {
            // leave nothing running behind a failure: the polls and the submit, and the slow run's jobs
            synchronized (polls) {
                polls.forEach(Process::destroyForcibly);
            }
            foreground.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            hwf.run(Duration.ofSeconds(120), "cancel", cancelled);
            throw t;
        } finally {
            done.set(true);
            pool.shutdownNow();
        }
        synchronized (polls) {
            for (int i = 0; i < polls.size(); i++) {
                Process p = polls.get(i);
                assertTrue(p.waitFor(120, TimeUnit.SECONDS), "poll " + i + " ends");
                assertEquals(0, p.exitValue(), Files.readString(scratch.resolve("poll-" + i + ".out")));
            }
        }
        assertEquals("CANCELLED", hwf.status(cancelled).get("state").asText());
        String foregroundRun = Files.readString(scratch.resolve("foreground.out")).lines().findFirst().orElseThrow()
                .replaceFirst("^run (\\S+?):.*", "$1");

        Hwf.Result check = hwf.run(Duration.ofSeconds(60), "journal", "check", "--json");
        assertEquals(0, check.code(), check.all());
        JsonNode report = Hwf.JSON.readTree(check.out());
        assertTrue(report.get("sound").asBoolean(), check.out());
        if (mode != null) {
            assertEquals(mode, report.get("mode").asText(), check.out());
        }
        assertTransitionsFollowed(journal);
        Map<String, Integer> counts = Hwf.ranCount(scratch);
        for (String run : List.of(cronRun, foregroundRun)) {
            for (String task : List.of("sim 16", "fit 6", "gather 1")) {
                String[] t = task.split(" ");
                for (int i = 0; i < Integer.parseInt(t[1]); i++) {
                    assertEquals(1, counts.getOrDefault(run + " " + t[0] + " " + i, 0), run + " " + t[0] + "[" + i
                            + "] ran once: " + counts);
                }
            }
        }
        counts.forEach((line, n) -> assertEquals(1, n, line + " ran " + n + " times"));
        assertEquals(0, counts.getOrDefault(cancelled + " after 0", 0), "the cancelled run's dependant never ran");
        return report;
    }

    /**
     * Every element's life as the events record it: WAITING at first, QUEUED when its task's attempt
     * that holds it was claimed (a SUBMITTING event), then each state its own events name; each step
     * must be one {@link Transitions} allows. Likewise each task's own state events.
     */
    private static void assertTransitionsFollowed(Path journal) throws Exception {
        Map<String, List<Integer>> indices = new HashMap<>();
        Map<String, JobState> element = new HashMap<>();
        Map<String, JobState> task = new HashMap<>();
        Set<String> states = Set.of("WAITING", "QUEUED", "RUNNING", "SUCCEEDED", "FAILED", "CANCELLED");
        List<String> wrong = new ArrayList<>();
        int steps = 0;
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + journal); Statement s = c.createStatement()) {
            try (ResultSet rs = s.executeQuery("SELECT run_id, task, attempt, indices FROM hwf_attempt")) {
                while (rs.next()) {
                    indices.put(rs.getString(1) + " " + rs.getString(2) + " " + rs.getInt(3),
                            Stream.of(rs.getString(4).replaceAll("[\\[\\] ]", "").split(",")).map(Integer::valueOf)
                                    .toList());
                }
            }
            try (ResultSet rs = s.executeQuery("SELECT run_id, task, idx, attempt, state FROM hwf_event "
                    + "WHERE task IS NOT NULL ORDER BY id")) {
                while (rs.next()) {
                    String key = rs.getString(1) + " " + rs.getString(2);
                    String state = rs.getString(5);
                    if (rs.getObject(3) != null) {
                        String el = key + " " + rs.getInt(3);
                        JobState from = element.getOrDefault(el, JobState.WAITING);
                        JobState to = JobState.valueOf(state);
                        if (!Transitions.elementMay(from, to)) {
                            wrong.add(el + ": " + from + " -> " + to);
                        }
                        element.put(el, to);
                        steps++;
                    } else if (state.equals("SUBMITTING")) {
                        for (int i : indices.getOrDefault(key + " " + rs.getInt(4), List.of())) {
                            String el = key + " " + i;
                            JobState from = element.getOrDefault(el, JobState.WAITING);
                            if (!Transitions.elementMay(from, JobState.QUEUED)) {
                                wrong.add(el + ": " + from + " -> QUEUED (claimed)");
                            }
                            element.put(el, JobState.QUEUED);
                            steps++;
                        }
                    } else if (states.contains(state)) {
                        JobState from = task.getOrDefault(key, JobState.WAITING);
                        JobState to = JobState.valueOf(state);
                        if (!Transitions.taskMay(from, to)) {
                            wrong.add("task " + key + ": " + from + " -> " + to);
                        }
                        task.put(key, to);
                    }
                }
            }
        }
        assertTrue(wrong.isEmpty(), "changes no transition allows: " + wrong);
        assertTrue(steps > 2 * (16 + 6 + 1) * 2, "the events hold every element's life: " + steps + " steps");
    }
}
