package dev.hwf.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a user checks after running workflows with bin/hwf, the same on every scheduler:
 * a chain with env values succeeds; a failing task fails the run, records its exit code and
 * never runs its dependants; bad files are refused with nothing journaled; hostile values stay
 * inert; a detached run is driven to its end by hwf poll.
 */
abstract class SchedulerScenarios {
    @TempDir
    Path scratch;

    Hwf hwf;
    Path work;

    abstract String scheduler();

    abstract String pollInterval();

    @BeforeEach
    void setUp() throws IOException {
        hwf = new Hwf(scratch, pollInterval());
        work = scratch.resolve("work");
        Files.createDirectories(work);
    }

    /** More {@code --set} overrides for every submit of a subclass (e.g. {@code site.flavor=torque}). */
    List<String> extraSets() {
        return List.of();
    }

    Hwf.Result submit(Path file, String... more) {
        Stream<String> sets = extraSets().stream().flatMap(kv -> Stream.of("--set", kv));
        String[] args = Stream.of(Stream.of("submit", file.toString(), "--set", "scheduler=" + scheduler(),
                "--set", "site.workdir=" + work), sets, Stream.of(more)).flatMap(x -> x).toArray(String[]::new);
        return hwf.run(args);
    }

    Path taskDir(String runId, String task) {
        return work.resolve(runId).resolve(task);
    }

    @Test
    void chainWithEnvRunsInOrderToSucceeded() throws IOException {
        Path wf = hwf.workflow("chain.yaml", """
                name: chain
                defaults:
                  env: { GREETING: "hello from defaults" }
                tasks:
                  - name: first
                    command: echo "$GREETING" > ../first.txt; date +%s%N > ../first.end
                  - name: second
                    after: [first]
                    env: { GREETING: "hello from second" }
                    command: test -f ../first.end && date +%s%N > ../second.start && echo "$GREETING $HWF_TASK $HWF_ATTEMPT" > ../second.txt
                """);
        Hwf.Result r = submit(wf);
        assertEquals(0, r.code(), r.all());
        String run = Hwf.runId(r);
        JsonNode status = hwf.status(run);
        assertEquals("SUCCEEDED", status.get("state").asText());
        assertEquals(scheduler(), status.get("scheduler").asText());
        for (String t : new String[] {"first", "second"}) {
            JsonNode task = Hwf.task(status, t);
            assertEquals("SUCCEEDED", task.get("state").asText(), status.toString());
            assertEquals(0, task.get("exitCode").asInt());
            assertEquals(1, task.get("attempt").asInt());
            assertTrue(task.get("jobId").asText().matches("\\d+"), task.toString());
        }
        Path runDir = work.resolve(run);
        assertEquals("hello from defaults", Files.readString(runDir.resolve("first.txt")).strip());
        assertEquals("hello from second second 1", Files.readString(runDir.resolve("second.txt")).strip());
        long firstEnd = Long.parseLong(Files.readString(runDir.resolve("first.end")).strip());
        long secondStart = Long.parseLong(Files.readString(runDir.resolve("second.start")).strip());
        assertTrue(secondStart > firstEnd, "second started before first ended");
        assertTrue(Files.exists(taskDir(run, "second").resolve("exit.1.0")));
        assertTrue(Files.exists(taskDir(run, "second").resolve("job.1.sh")));
    }

    /**
     * Whether the scheduler keeps dependencies, so that dependants wait in its queue under them
     * ({@code site.dependencies: scheduler}): a dependant of a failing task is then submitted, and
     * cancelled once its upstream has failed, instead of never being submitted.
     */
    boolean dependantsWaitInTheQueue() {
        return false;
    }

    @Test
    void failingTaskFailsRunAndItsDependantsNeverRun() throws IOException {
        Path wf = hwf.workflow("fail.yaml", """
                name: failing
                tasks:
                  - name: ok
                    command: "true"
                  - name: broken
                    after: [ok]
                    command: echo "about to fail" >&2; exit 3
                  - name: downstream
                    after: [broken]
                    command: touch ../downstream-ran
                  - name: further
                    after: [downstream]
                    command: touch ../further-ran
                """);
        Hwf.Result r = submit(wf);
        assertEquals(1, r.code(), r.all());
        String run = Hwf.runId(r);
        JsonNode status = hwf.status(run);
        assertEquals("FAILED", status.get("state").asText());
        JsonNode broken = Hwf.task(status, "broken");
        assertEquals("FAILED", broken.get("state").asText());
        assertEquals(3, broken.get("exitCode").asInt());
        assertEquals("exit 3", broken.get("reason").asText());
        JsonNode downstream = Hwf.task(status, "downstream");
        assertEquals("CANCELLED", downstream.get("state").asText());
        assertTrue(downstream.get("reason").asText().contains("broken"), downstream.toString());
        assertEquals("CANCELLED", Hwf.task(status, "further").get("state").asText());
        assertEquals("SUCCEEDED", Hwf.task(status, "ok").get("state").asText());
        assertFalse(Files.exists(work.resolve(run).resolve("downstream-ran")));
        assertFalse(Files.exists(work.resolve(run).resolve("further-ran")));
        if (!dependantsWaitInTheQueue()) {
            assertTrue(downstream.get("jobId").isNull(), "a dependant of a failed task was submitted");
        }
        assertEquals("3", Files.readString(taskDir(run, "broken").resolve("exit.1.0")).strip());
        assertEquals("about to fail", Files.readString(taskDir(run, "broken").resolve("err.1.0.log")).strip());
    }

    @Test
    void badFileIsRefusedWithLineAndKeyAndNothingJournaled() {
        Path wf = hwf.workflow("bad.yaml", """
                name: bad
                tasks:
                  - name: a
                    command: "true"
                    walltime: "forever"
                  - name: b
                    after: [nope]
                    command: "true"
                    colour: blue
                """);
        Hwf.Result r = submit(wf);
        assertEquals(2, r.code(), r.all());
        assertTrue(r.err().contains("bad.yaml:5"), r.err());
        assertTrue(r.err().contains("walltime"), r.err());
        assertTrue(r.err().contains("bad.yaml:7"), r.err());
        assertTrue(r.err().contains("nope"), r.err());
        assertTrue(r.err().contains("colour"), r.err());
        assertFalse(Files.exists(hwf.journal), "a bad file created the journal");
        Hwf.Result runs = hwf.run("runs", "--json");
        assertEquals("[]", runs.out().strip(), "a bad file left a run in the journal");
        assertTrue(isEmptyDir(work), "a bad file left files in the work directory");
    }

    @Test
    void hostileValuesStayInertAndWorkdirMayHaveSpaces() throws IOException {
        work = scratch.resolve("work dir with 'quotes' and spaces");
        Files.createDirectories(work);
        Path canary = scratch.resolve("canary");
        Path wf = hwf.workflow("hostile.yaml", """
                name: hostile
                tasks:
                  - name: quoting
                    env:
                      V1: "it's \\"quoted\\""
                      V2: "$(touch CANARY)"
                      V3: "`touch CANARY`"
                      V4: "a; touch CANARY && echo $HOME | cat"
                    command: printf '%s\\n' "$V1" "$V2" "$V3" "$V4" > ../values.txt
                """.replace("CANARY", canary.toString()));
        Hwf.Result r = submit(wf);
        assertEquals(0, r.code(), r.all());
        String run = Hwf.runId(r);
        assertEquals(String.join("\n", "it's \"quoted\"", "$(touch " + canary + ")", "`touch " + canary + "`",
                        "a; touch " + canary + " && echo $HOME | cat") + "\n",
                Files.readString(work.resolve(run).resolve("values.txt")));
        assertFalse(Files.exists(canary), "a value was executed");

        Path bad = hwf.workflow("newline.yaml", """
                name: newline
                tasks:
                  - name: t
                    command: "true"
                    directives: ["--exclusive\\n#SBATCH --wrap=touch CANARY"]
                """.replace("CANARY", canary.toString()));
        Hwf.Result refused = submit(bad);
        assertEquals(2, refused.code(), refused.all());
        assertTrue(refused.err().contains("directives"), refused.err());
        assertFalse(Files.exists(canary));
    }

    @Test
    void detachedRunIsDrivenToItsEndByPoll() throws Exception {
        Path wf = hwf.workflow("detached.yaml", """
                name: detached
                tasks:
                  - name: a
                    command: sleep 1
                  - name: b
                    after: [a]
                    array: 3
                    command: echo "$HWF_ARRAY_INDEX" > "../b-$HWF_ARRAY_INDEX"
                """);
        Hwf.Result r = submit(wf, "--detach");
        assertEquals(0, r.code(), r.all());
        String run = r.out().strip();
        assertTrue(run.matches("detached-\\d{8}-\\d{6}-[0-9a-f]{4}"), "--detach must print the run id alone: " + r.out());
        String state = "RUNNING";
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        while (state.equals("RUNNING") && System.nanoTime() < deadline) {
            Thread.sleep(1000);
            Hwf.Result poll = hwf.run(Duration.ofSeconds(60), "poll");
            assertEquals(0, poll.code(), poll.all());
            state = hwf.status(run).get("state").asText();
        }
        assertEquals("SUCCEEDED", state);
        for (int i = 0; i < 3; i++) {
            assertEquals(Integer.toString(i), Files.readString(work.resolve(run).resolve("b-" + i)).strip());
        }
        JsonNode b = Hwf.task(hwf.status(run), "b");
        assertEquals(3, b.get("elements").size());
    }

    @Test
    void readmeExampleWorkflowRunsToSucceeded() throws Exception {
        Hwf.Result r = submit(Hwf.home().resolve("workflows/hybrid.yaml"));
        assertEquals(0, r.code(), r.all());
        String run = Hwf.runId(r);
        assertTrue(r.out().contains("train"), "no progress shown:\n" + r.out());
        JsonNode status = hwf.status(run);
        assertEquals("SUCCEEDED", status.get("state").asText());
        JsonNode train = Hwf.task(status, "train");
        assertEquals(4, train.get("elements").size());
        for (JsonNode e : train.get("elements")) {
            assertEquals("SUCCEEDED", e.get("state").asText());
        }
        assertTrue(Files.readString(taskDir(run, "train").resolve("out.1.3.log")).startsWith("shard 3 of 4"));
        String summary = Files.readString(work.resolve(run).resolve("data/summary.txt"));
        assertEquals(4, summary.lines().count(), summary);
    }

    static boolean isEmptyDir(Path dir) {
        try (Stream<Path> s = Files.list(dir)) {
            return s.findAny().isEmpty();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
