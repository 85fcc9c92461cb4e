package dev.hwf.launcher.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.hwf.api.JobState;
import dev.hwf.launcher.cli.CliRun.Result;
import dev.hwf.launcher.journal.Change;
import dev.hwf.launcher.journal.ElementRecord;
import dev.hwf.launcher.journal.Journal;
import dev.hwf.launcher.journal.RunSnapshot;
import dev.hwf.launcher.journal.SpecCodec;
import dev.hwf.launcher.workflow.Workflow;
import dev.hwf.launcher.workflow.WorkflowLoader;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code hwf usage} on a real journal holding runs with known element times:
 * <ul>
 *   <li>{@code nightly} run 1, submitted 2026-11-01 02:00: {@code sim} (2 processes × 4 cores) runs
 *       1 h: 8 core-hours; {@code train} (array of 2, 1 core and 2 GPUs each) runs 30 + 90 min:
 *       2 core-hours, 4 GPU-hours;</li>
 *   <li>{@code other}, submitted 2026-11-01 12:00: {@code post} (3 cores) runs 2 h: 6 core-hours;</li>
 *   <li>{@code nightly} run 2, submitted 2026-11-02 02:00, whose file gained a task {@code eval}:
 *       {@code sim} runs 30 min: 4 core-hours; {@code train} element 0 runs 1 h, element 1 never
 *       starts: 1 core-hour, 2 GPU-hours; {@code eval} (1 core) runs 15 min: 0.25 core-hours.</li>
 * </ul>
 * So the campaign {@code nightly} is sim 12, train 3 (6 GPU-hours), eval 0.25: 15.25 core-hours
 * and 6 GPU-hours over 2 runs.
 */
class UsageCommandTest {
    private static final String NIGHTLY = """
            name: nightly
            scheduler: local
            tasks:
              - name: sim
                ntasks: 2
                cpus: 4
                command: echo sim
              - name: train
                after: [sim]
                array: 2
                gpus: 2
                command: echo train
            """;
    private static final String EVAL = """
              - name: eval
                after: [train]
                command: echo eval
            """;
    private static final String OTHER = """
            name: other
            scheduler: local
            tasks:
              - name: post
                cpus: 3
                command: echo post
            """;
    private static final Instant NOV1 = Instant.parse("2026-11-01T02:00:00Z");
    private static final Instant NOV1_NOON = Instant.parse("2026-11-01T12:00:00Z");
    private static final Instant NOV2 = Instant.parse("2026-11-02T02:00:00Z");

    @TempDir
    Path tmp;

    private final List<String> nightly = new ArrayList<>();
    private String other;

    private Result hwf(String... args) {
        return CliRun.hwf(tmp.resolve("journal.db"), args);
    }

    private JsonNode json(String... args) throws Exception {
        Result r = hwf(args);
        assertEquals(0, r.code(), r.all());
        return new ObjectMapper().readTree(r.out());
    }

    private static Instant min(Instant t, double minutes) {
        return t.plus(Duration.ofMillis((long) (minutes * 60_000)));
    }

    /** Claims a task's elements and records each running from {@code startEnd[2i]} to {@code startEnd[2i+1]}. */
    private static void ran(Journal j, String run, String task, Instant... startEnd) {
        List<Integer> indices = new ArrayList<>();
        for (int i = 0; i < startEnd.length / 2; i++) {
            indices.add(i);
        }
        j.claim(run, task, 0, indices, "hwf-" + run + "-" + task + "-1", startEnd[0]);
        for (int step = 0; step < 2; step++) {
            List<Change> changes = new ArrayList<>();
            for (ElementRecord e : j.snapshot(run).elements()) {
                if (e.task().equals(task) && e.index() < indices.size()) {
                    Instant at = startEnd[2 * e.index() + step];
                    changes.add(new Change(e, step == 0 ? e.with(JobState.RUNNING, null, null, at)
                            : e.with(JobState.SUCCEEDED, 0, null, at)));
                }
            }
            j.apply(run, changes, startEnd[step]);
        }
    }

    private static String create(Journal j, String yaml, Instant at) {
        Workflow wf = WorkflowLoader.parse(yaml, "test.yaml", null, List.of());
        return j.createRun(wf, SpecCodec.toJson(wf), "/work", at);
    }

    @BeforeEach
    void journal() {
        try (Journal j = Journal.open(tmp.resolve("journal.db"))) {
            String a1 = create(j, NIGHTLY, NOV1);
            ran(j, a1, "sim", min(NOV1, 10), min(NOV1, 70));
            ran(j, a1, "train", min(NOV1, 80), min(NOV1, 110), min(NOV1, 80), min(NOV1, 170));
            nightly.add(a1);
            other = create(j, OTHER, NOV1_NOON);
            ran(j, other, "post", min(NOV1_NOON, 5), min(NOV1_NOON, 125));
            String a2 = create(j, NIGHTLY + EVAL, NOV2);
            ran(j, a2, "sim", min(NOV2, 10), min(NOV2, 40));
            ran(j, a2, "train", min(NOV2, 50), min(NOV2, 110)); // element 1 is never claimed
            ran(j, a2, "eval", min(NOV2, 120), min(NOV2, 135));
            nightly.add(a2);
        }
    }

    @Test
    void aCampaignBudgetIsShownWithTheShareUsed() throws Exception {
        Path file = tmp.resolve("alloc.db");
        String yaml = NIGHTLY.replace("name: nightly\n", "name: alloc\nbudget: { gpuHours: 24, per: campaign }\n");
        try (Journal j = Journal.open(file)) {
            String run = create(j, yaml, NOV1);
            ran(j, run, "train", min(NOV1, 0), min(NOV1, 60), min(NOV1, 0), min(NOV1, 120)); // 3 h x 2 GPUs
        }
        Result table = CliRun.hwf(file, "usage");
        assertEquals(0, table.code(), table.all());
        assertTrue(table.out().startsWith("workflow alloc: 1 run, budget 24 GPU-hours per campaign (25% used)\n"),
                table.all());
        Result since = CliRun.hwf(file, "usage", "--since", "2026-11-01");
        assertTrue(since.out().startsWith("workflow alloc: 1 run, budget 24 GPU-hours per campaign\n"),
                "with --since the share of the whole campaign is not shown:\n" + since.all());
        JsonNode c = new ObjectMapper().readTree(CliRun.hwf(file, "usage", "--json").out()).get("campaigns").get(0);
        assertEquals(24.0, c.get("budgetGpuHours").asDouble());
        assertEquals(6.0, c.get("gpuHours").asDouble());
    }

    /** The table's blocks: workflow header line to its rows, each row TASK to [core-hours, GPU-hours, runs]. */
    private static Map<String, Map<String, List<String>>> blocks(String table) {
        Map<String, Map<String, List<String>>> out = new LinkedHashMap<>();
        Map<String, List<String>> block = null;
        for (String line : table.lines().toList()) {
            if (line.startsWith("workflow ")) {
                block = new LinkedHashMap<>();
                out.put(line, block);
            } else if (line.startsWith("  ") && !line.strip().startsWith("TASK")) {
                String[] cells = line.strip().split("\\s+");
                block.put(cells[0], List.of(cells[1], cells[2], cells[3]));
            }
        }
        return out;
    }

    @Test
    void aCampaignSumsItsRunsPerTaskAndEachWorkflowIsItsOwn() {
        Result r = hwf("usage");
        assertEquals(0, r.code(), r.all());
        Map<String, Map<String, List<String>>> blocks = blocks(r.out());
        assertEquals(List.of("workflow nightly: 2 runs", "workflow other: 1 run"), List.copyOf(blocks.keySet()),
                r.out());
        Map<String, List<String>> nightlyRows = blocks.get("workflow nightly: 2 runs");
        assertEquals(List.of("sim", "train", "eval", "total"), List.copyOf(nightlyRows.keySet()),
                "tasks in the order first seen, then the total:\n" + r.out());
        assertEquals(List.of("12", "0", "2"), nightlyRows.get("sim"), "8 + 4 core-hours:\n" + r.out());
        assertEquals(List.of("3", "6", "2"), nightlyRows.get("train"), "2 + 1 core-hours, 4 + 2 GPU-hours");
        assertEquals(List.of("0.25", "0", "1"), nightlyRows.get("eval"), "only in the second run");
        assertEquals(List.of("15.25", "6", "2"), nightlyRows.get("total"));
        Map<String, List<String>> otherRows = blocks.get("workflow other: 1 run");
        assertEquals(List.of("6", "0", "1"), otherRows.get("post"));
        assertEquals(List.of("6", "0", "1"), otherRows.get("total"));
        assertTrue(r.out().endsWith("all 2 workflows: 3 runs, 21.25 core-hours, 6 GPU-hours\n"), r.out());
    }

    @Test
    void jsonHasStableKeysAndTheSameFigures() throws Exception {
        JsonNode all = json("usage", "--json");
        assertEquals(List.of("campaigns", "coreHours", "gpuHours"), fields(all));
        assertEquals(21.25, all.get("coreHours").asDouble(), 1e-9);
        assertEquals(6.0, all.get("gpuHours").asDouble(), 1e-9);
        JsonNode campaigns = all.get("campaigns");
        assertEquals(2, campaigns.size(), all.toString());

        JsonNode a = campaigns.get(0);
        assertEquals(List.of("workflow", "runs", "coreHours", "gpuHours", "tasks", "runIds", "budgetGpuHours"), fields(a));
        assertTrue(a.get("budgetGpuHours").isNull(), "no campaign budget");
        assertEquals("nightly", a.get("workflow").asText(), "workflows ordered by name");
        assertEquals(2, a.get("runs").asInt());
        assertEquals(15.25, a.get("coreHours").asDouble(), 1e-9);
        assertEquals(6.0, a.get("gpuHours").asDouble(), 1e-9);
        assertEquals(nightly, texts(a.get("runIds")), "oldest first");
        JsonNode tasks = a.get("tasks");
        assertEquals(List.of("name", "runs", "coreHours", "gpuHours"), fields(tasks.get(0)));
        assertTask(tasks.get(0), "sim", 2, 12, 0);
        assertTask(tasks.get(1), "train", 2, 3, 6);
        assertTask(tasks.get(2), "eval", 1, 0.25, 0);
        assertEquals(3, tasks.size());

        JsonNode b = campaigns.get(1);
        assertEquals("other", b.get("workflow").asText());
        assertEquals(1, b.get("runs").asInt());
        assertEquals(List.of(other), texts(b.get("runIds")));
        assertTask(b.get("tasks").get(0), "post", 1, 6, 0);

        // each campaign's figure is the sum of what 'hwf status' shows for its runs
        double core = 0;
        double gpu = 0;
        for (String run : nightly) {
            JsonNode status = json("status", run, "--json");
            core += status.get("coreHours").asDouble();
            gpu += status.get("gpuHours").asDouble();
        }
        assertEquals(core, a.get("coreHours").asDouble(), 1e-9);
        assertEquals(gpu, a.get("gpuHours").asDouble(), 1e-9);
    }

    private static void assertTask(JsonNode t, String name, int runs, double core, double gpu) {
        assertEquals(name, t.get("name").asText(), t.toString());
        assertEquals(runs, t.get("runs").asInt(), t.toString());
        assertEquals(core, t.get("coreHours").asDouble(), 1e-9, t.toString());
        assertEquals(gpu, t.get("gpuHours").asDouble(), 1e-9, t.toString());
    }

    private static List<String> fields(JsonNode n) {
        List<String> out = new ArrayList<>();
        for (Iterator<String> it = n.fieldNames(); it.hasNext(); ) {
            out.add(it.next());
        }
        return out;
    }

    private static List<String> texts(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }

    @Test
    void workflowNamesOneCampaign() throws Exception {
        JsonNode only = json("usage", "nightly", "--json");
        assertEquals(1, only.get("campaigns").size(), only.toString());
        assertEquals("nightly", only.get("campaigns").get(0).get("workflow").asText());
        assertEquals(15.25, only.get("coreHours").asDouble(), 1e-9);

        Result table = hwf("usage", "other");
        assertEquals(0, table.code(), table.all());
        assertEquals(List.of("workflow other: 1 run"), List.copyOf(blocks(table.out()).keySet()), table.out());
        assertTrue(!table.out().contains("all "), "no grand total for one campaign:\n" + table.out());
    }

    @Test
    void sinceKeepsRunsSubmittedAtOrAfterIt() throws Exception {
        JsonNode noon = json("usage", "--since", "2026-11-01T12:00:00Z", "--json");
        assertEquals(2, noon.get("campaigns").size(), "other was submitted at 12:00 exactly: " + noon);
        JsonNode a = noon.get("campaigns").get(0);
        assertEquals(List.of(nightly.get(1)), texts(a.get("runIds")));
        assertTask(a.get("tasks").get(0), "sim", 1, 4, 0);
        assertTask(a.get("tasks").get(1), "train", 1, 1, 2);
        assertEquals(5.25, a.get("coreHours").asDouble(), 1e-9);
        assertEquals(11.25, noon.get("coreHours").asDouble(), 1e-9);

        JsonNode day = json("usage", "nightly", "--since", "2026-11-02", "--json");
        assertEquals(List.of(nightly.get(1)), texts(day.get("campaigns").get(0).get("runIds")),
                "a day means its start, UTC: " + day);
        JsonNode offset = json("usage", "--since", "2026-11-01T13:00:00+01:00", "--json");
        assertEquals(2, offset.get("campaigns").size(), "13:00+01:00 is 12:00Z: " + offset);
    }

    @Test
    void nothingMatchingIsSaidAndIsNoError() throws Exception {
        Result none = hwf("usage", "nightly", "--since", "2027-01-01");
        assertEquals(0, none.code(), none.all());
        assertTrue(none.out().startsWith("no runs of workflow nightly submitted since 2027-01-01T00:00:00Z"),
                none.all());
        Result quiet = hwf("-q", "usage", "--since", "2027-01-01");
        assertEquals(0, quiet.code(), quiet.all());
        assertEquals("", quiet.out(), "--quiet prints no hint");
        JsonNode empty = json("usage", "--since", "2027-01-01", "--json");
        assertEquals(0, empty.get("campaigns").size());
        assertEquals(0.0, empty.get("coreHours").asDouble());
        assertEquals(0.0, empty.get("gpuHours").asDouble());
    }

    @Test
    void anUnknownWorkflowIsExit2NamingThoseThatExist() {
        Result r = hwf("usage", "nightyl");
        assertEquals(2, r.code(), r.all());
        assertEquals("", r.out(), r.all());
        assertTrue(r.err().contains("no runs of workflow 'nightyl'") && r.err().contains("nightly, other"),
                r.all());
    }

    @Test
    void aBadSinceIsExit2NamingTheOptionAndAnExample() {
        for (String bad : List.of("yesterday", "2026-13-01", "2026-11-01 12:00", "2026-11-01T12:00")) {
            Result r = hwf("usage", "--since", bad);
            assertEquals(2, r.code(), r.all());
            assertTrue(r.err().contains("--since") && r.err().contains("'" + bad + "'")
                    && r.err().contains("2026-11-01T12:00:00Z"), r.all());
            assertEquals("", r.out(), r.all());
        }
    }

    @Test
    void helpHasExamplesAndCompletionKnowsTheCommand() {
        Result help = hwf("usage", "--help");
        assertEquals(0, help.code(), help.all());
        assertTrue(help.out().contains("Usage: hwf usage") && help.out().contains("Examples:")
                && help.out().contains("--since") && help.out().contains("--json"), help.out());
        Result top = hwf("--help");
        assertTrue(top.out().contains("  usage "), "hwf --help lists usage:\n" + top.out());
        Result bash = hwf("completion", "bash");
        assertTrue(bash.out().contains("usage") && bash.out().contains("--since"), "completion covers usage");
    }

    @Test
    void bulkSnapshotsReadWhatOneByOneReads() {
        try (Journal j = Journal.open(tmp.resolve("journal.db"))) {
            List<String> ids = List.of(nightly.get(1), other, "no-such-run", nightly.get(0));
            List<RunSnapshot> bulk = j.snapshots(ids);
            assertEquals(List.of(j.snapshot(nightly.get(1)), j.snapshot(other), j.snapshot(nightly.get(0))), bulk,
                    "in the order asked, a run that is not there left out");
            assertEquals(List.of(), j.snapshots(List.of()));
        }
    }
}
