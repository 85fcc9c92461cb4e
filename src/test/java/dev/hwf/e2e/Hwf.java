package dev.hwf.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs bin/hwf as a user does: a separate process, with its own journal file. Every call is
 * bounded in time and kills the process when it overruns.
 */
final class Hwf {
    static final ObjectMapper JSON = new ObjectMapper();

    final Path journal;
    final Path scratch;
    final String pollInterval;
    /** Extra environment for every hwf command (crash points, grace periods). */
    final java.util.Map<String, String> env = new java.util.HashMap<>();

    Hwf(Path scratch, String pollInterval) {
        this(scratch, scratch.resolve("journal.db"), pollInterval);
    }

    /** With the journal elsewhere than in the scratch directory (on another file system). */
    Hwf(Path scratch, Path journal, String pollInterval) {
        this.scratch = scratch;
        this.journal = journal;
        this.pollInterval = pollInterval;
    }

    static Path home() {
        return Path.of(System.getProperty("hwf.home", "../..")).toAbsolutePath().normalize();
    }

    record Result(int code, String out, String err) {
        String all() {
            return "exit " + code + "\n--- stdout\n" + out + "--- stderr\n" + err;
        }
    }

    Result run(Duration timeout, String... args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(home().resolve("bin/hwf").toString());
        cmd.addAll(List.of(args));
        try {
            Path out = Files.createTempFile(scratch, "hwf", ".out");
            Path err = Files.createTempFile(scratch, "hwf", ".err");
            ProcessBuilder pb = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile());
            pb.environment().put("HWF_JOURNAL", journal.toString());
            pb.environment().put("HWF_POLL_INTERVAL", pollInterval);
            pb.environment().putAll(env);
            Process p = pb.start();
            if (!p.waitFor(timeout.toSeconds(), TimeUnit.SECONDS)) {
                p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                fail("hwf " + String.join(" ", args) + " ran past " + timeout.toSeconds() + " s\n"
                        + Files.readString(out) + Files.readString(err));
            }
            return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                    Files.readString(err, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Starts hwf without waiting for it, for tests that kill it at some instant. */
    Process start(Path out, String... args) throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(home().resolve("bin/hwf").toString());
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectErrorStream(true);
        pb.environment().put("HWF_JOURNAL", journal.toString());
        pb.environment().put("HWF_POLL_INTERVAL", pollInterval);
        pb.environment().putAll(env);
        return pb.start();
    }

    /** Runs hwf poll until the run has ended (bounded); returns its final state. */
    String pollUntilEnded(String runId, Duration limit) throws InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        String state = status(runId).get("state").asText();
        while (state.equals("RUNNING") && System.nanoTime() < deadline) {
            Thread.sleep(500);
            Result poll = run(Duration.ofSeconds(120), "poll");
            assertEquals(0, poll.code(), poll.all());
            state = status(runId).get("state").asText();
        }
        return state;
    }

    /** The newest run's id. */
    String newestRun() {
        Result r = run(Duration.ofSeconds(60), "runs", "--json");
        try {
            JsonNode runs = JSON.readTree(r.out());
            return runs.get(0).get("run").asText();
        } catch (IOException e) {
            throw new AssertionError(r.all(), e);
        }
    }

    Result run(String... args) {
        return run(Duration.ofSeconds(240), args);
    }

    /** The run id a foreground submit prints on its first line ("run ID: ..."). */
    static String runId(Result submit) {
        String first = submit.out().lines().findFirst().orElse("");
        if (!first.startsWith("run ")) {
            fail("submit printed no run id:\n" + submit.all());
        }
        return first.substring(4, first.indexOf(':'));
    }

    JsonNode status(String runId) {
        Result r = run(Duration.ofSeconds(60), "status", runId, "--json");
        assertEquals(0, r.code(), r.all());
        try {
            return JSON.readTree(r.out());
        } catch (IOException e) {
            throw new AssertionError("status --json is not JSON: " + r.out(), e);
        }
    }

    static JsonNode task(JsonNode status, String name) {
        for (JsonNode t : status.get("tasks")) {
            if (t.get("name").asText().equals(name)) {
                return t;
            }
        }
        throw new AssertionError("no task " + name + " in " + status);
    }

    /** Runs a command of the site's (squeue, scontrol) to its end, which must be exit 0; its output. */
    static String command(String... argv) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            fail(String.join(" ", argv) + " ran past 30 s");
        }
        assertEquals(0, p.exitValue(), out);
        return out;
    }

    /**
     * A run's jobs in squeue, one line each in {@code format} (which starts with {@code %j}: a job's
     * name is hwf-RUN-TASK-ATTEMPT), without the "hwf-RUN-" before the task.
     */
    static List<String> queued(String run, String format, String... options) throws IOException,
            InterruptedException {
        List<String> argv = new ArrayList<>(List.of("squeue", "--noheader", "--format=" + format));
        argv.addAll(List.of(options));
        String prefix = "hwf-" + run + "-";
        List<String> mine = new ArrayList<>();
        for (String line : command(argv.toArray(String[]::new)).lines().toList()) {
            if (line.startsWith(prefix)) {
                mine.add(line.substring(prefix.length()));
            }
        }
        return mine;
    }

    /** How often each line is in a run's ran.log (where the tests' commands write what ran), by line. */
    static java.util.Map<String, Integer> ranCount(Path runDir) throws IOException {
        java.util.Map<String, Integer> count = new java.util.TreeMap<>();
        Path log = runDir.resolve("ran.log");
        if (Files.exists(log)) {
            Files.readAllLines(log).forEach(l -> count.merge(l.strip(), 1, Integer::sum));
        }
        return count;
    }

    /** Writes a workflow file into the scratch directory. */
    Path workflow(String name, String yaml) {
        try {
            Path p = scratch.resolve(name);
            Files.writeString(p, yaml);
            return p;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
