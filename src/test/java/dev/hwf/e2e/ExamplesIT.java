package dev.hwf.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every example in workflows/ runs as its header says, on the {@code local} scheduler, through
 * bin/hwf, to SUCCEEDED: a foreground submit, or (for an example whose header says {@code --detach})
 * a detached submit driven by {@code hwf poll} as cron would. The README names every example.
 */
class ExamplesIT {
    @TempDir
    Path scratch;

    static List<Path> examples() throws IOException {
        try (Stream<Path> files = Files.list(Hwf.home().resolve("workflows"))) {
            return files.filter(p -> p.toString().endsWith(".yaml")).sorted().toList();
        }
    }

    @Test
    void theExamplesAreThereAndTheReadmeNamesEach() throws IOException {
        List<String> names = examples().stream().map(p -> p.getFileName().toString()).toList();
        assertTrue(names.containsAll(List.of("hybrid.yaml", "sweep.yaml", "campaign.yaml")), names.toString());
        String readme = Files.readString(Hwf.home().resolve("README.md"));
        for (String n : names) {
            assertTrue(readme.contains("workflows/" + n), "README.md mentions workflows/" + n);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("examples")
    void runsOnLocalToSucceeded(Path file) throws Exception {
        Hwf hwf = new Hwf(scratch, "0.3");
        String work = "site.workdir=" + scratch.resolve("work");
        Hwf.Result valid = hwf.run("validate", file.toString());
        assertEquals(0, valid.code(), valid.all());
        String run;
        boolean cron = Files.readString(file).lines().takeWhile(l -> l.startsWith("#")).anyMatch(l -> l.contains("--detach"));
        if (cron) {
            Hwf.Result r = hwf.run("submit", file.toString(), "--set", "scheduler=local", "--set", work, "--detach");
            assertEquals(0, r.code(), r.all());
            run = r.out().strip();
            assertEquals("SUCCEEDED", hwf.pollUntilEnded(run, Duration.ofMinutes(4)));
        } else {
            Hwf.Result r = hwf.run("submit", file.toString(), "--set", "scheduler=local", "--set", work);
            assertEquals(0, r.code(), r.all());
            run = Hwf.runId(r);
        }
        JsonNode status = hwf.status(run);
        assertEquals("SUCCEEDED", status.get("state").asText(), status.toString());
        for (JsonNode t : status.get("tasks")) {
            assertEquals("SUCCEEDED", t.get("state").asText(), t.toString());
            assertEquals(1, t.get("attempt").asInt(), "no example needs a retry: " + t);
        }
        // every task said something on stdout, readable with hwf logs
        for (JsonNode t : status.get("tasks")) {
            Hwf.Result logs = hwf.run("logs", run, t.get("name").asText());
            assertEquals(0, logs.code(), logs.all());
            assertTrue(!logs.out().isBlank(), "task " + t.get("name").asText() + " printed nothing");
        }
    }

    @Test
    void theSweepRetriesAFailedElementAloneAndPicksTheBest() throws Exception {
        Hwf hwf = new Hwf(scratch, "0.3");
        Path file = Hwf.home().resolve("workflows/sweep.yaml");
        Hwf.Result r = hwf.run("submit", file.toString(), "--set", "site.workdir=" + scratch.resolve("work"),
                "--set", "tasks.sweep.env.FAIL_ONCE=6");
        assertEquals(0, r.code(), r.all());
        String run = Hwf.runId(r);
        JsonNode sweep = Hwf.task(hwf.status(run), "sweep");
        assertEquals(2, sweep.get("attempt").asInt(), sweep.toString());
        assertEquals("[6]", sweep.get("attempts").get(1).get("elements").toString(), "only element 6 again");
        List<Integer> attempts = new ArrayList<>();
        for (JsonNode e : sweep.get("elements")) {
            attempts.add(e.get("attempt").asInt());
        }
        assertEquals(List.of(1, 1, 1, 1, 1, 1, 2, 1, 1, 1, 1, 1), attempts);
        Hwf.Result err = hwf.run("logs", run, "sweep", "--element", "6", "--attempt", "1", "--stderr");
        assertTrue(err.out().contains("simulated GPU fault"), err.all());
        Hwf.Result best = hwf.run("logs", run, "best");
        assertEquals(4, best.out().lines().count(), "a header and the best three:\n" + best.all());
        // parameters came from HWF_ARRAY_INDEX: 12 distinct (lr, batch) points
        Path results = scratch.resolve("work").resolve(run).resolve("results");
        List<String> points = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            String[] f = Files.readString(results.resolve("point-" + i + ".txt")).strip().split(" ");
            points.add(f[0] + "/" + f[1]);
        }
        assertEquals(12, points.stream().distinct().count(), points.toString());
    }
}
