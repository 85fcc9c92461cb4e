package dev.hwf.launcher.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hwf.api.JobState;
import dev.hwf.launcher.HwfException;
import dev.hwf.launcher.journal.ElementRecord;
import dev.hwf.launcher.journal.Journal;
import dev.hwf.launcher.journal.RunSnapshot;
import dev.hwf.launcher.journal.SpecCodec;
import dev.hwf.launcher.journal.WorkflowVersion;
import dev.hwf.launcher.local.LocalAdapter;
import dev.hwf.launcher.workflow.Workflow;
import dev.hwf.launcher.workflow.WorkflowLoader;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code hwf resume --file}: what a new workflow version changes in a run, planned from a real
 * journal and switched in one transaction.
 */
class RevisionPlanTest {
    private static final Instant T0 = Instant.parse("2026-11-30T10:00:00Z");
    private static final String CHAIN = """
            name: chain
            tasks:
              - { name: a, command: echo a }
              - { name: b, after: [a], command: exit 3 }
              - { name: c, after: [b], array: 3, command: echo c }
              - { name: d, command: echo d }
            """;

    @TempDir
    Path dir;
    Journal journal;
    String run;
    Workflow v1;

    @BeforeEach
    void open() throws Exception {
        journal = Journal.open(dir.resolve("journal.db"));
        v1 = wf(CHAIN);
        run = journal.createRun(v1, SpecCodec.toJson(v1), "/w", T0, CHAIN, List.of(), defs(v1), null);
        // a SUCCEEDED, b FAILED, c and d never ran (c: cancelled because b failed)
        sql("UPDATE hwf_element SET state='SUCCEEDED', attempt=1, exit_code=0 WHERE task='a'");
        sql("UPDATE hwf_element SET state='FAILED', attempt=1, exit_code=3, reason='exit 3' WHERE task='b'");
        sql("UPDATE hwf_element SET state='CANCELLED', reason='upstream b failed' WHERE task='c'");
        sql("UPDATE hwf_task SET attempt=1 WHERE name IN ('a','b')");
    }

    @AfterEach
    void close() {
        journal.close();
    }

    private static Workflow wf(String yaml) {
        return WorkflowLoader.parse(yaml, "chain.yaml", null, List.of());
    }

    private static Map<String, String> defs(Workflow wf) {
        return Definitions.of(wf, new LocalAdapter());
    }

    private void sql(String update) throws Exception {
        try (Connection c = journal.dataSource().getConnection(); Statement s = c.createStatement()) {
            s.executeUpdate(update);
        }
    }

    private RevisionPlan plan(String yaml) {
        return RevisionPlan.plan(journal.openSnapshot(run), v1, defs(v1), wf(yaml), defs(wf(yaml)));
    }

    private int apply(String yaml, RevisionPlan plan) {
        Workflow next = wf(yaml);
        return journal.switchVersion(run, 1, new WorkflowVersion(2, "fixed.yaml", yaml, List.of(),
                SpecCodec.toJson(next), defs(next), "resume --file fixed.yaml", T0), plan.revision(),
                next.serviceDependants(), T0);
    }

    private Map<String, String> states() {
        RunSnapshot s = journal.snapshot(run);
        return s.elements().stream().collect(Collectors.groupingBy(ElementRecord::task, java.util.TreeMap::new,
                Collectors.mapping(e -> e.state().name(), Collectors.joining(","))));
    }

    @Test
    void aFixedTaskRunsAgainWithWhatItFeedsAndTheRestIsKept() {
        String fixed = CHAIN.replace("exit 3", "echo fixed");
        RevisionPlan plan = plan(fixed);
        assertEquals("""
                  a                        kept        unchanged
                  b                        runs again  definition changed
                  c                        runs        upstream changed
                  d                        resumes     1 never ran
                """, plan.describe().replace("\r", ""));
        assertEquals(4, apply(fixed, plan), "b and c's three elements; d never ran, and simply runs");
        assertEquals(Map.of("a", "SUCCEEDED", "b", "WAITING", "c", "WAITING,WAITING,WAITING", "d", "WAITING"),
                states());
        assertEquals(2, journal.run(run).version());
        assertEquals(List.of(1, 2), journal.versions(run).stream().map(WorkflowVersion::version).toList());
        assertEquals(wf(fixed), SpecCodec.fromJson(journal.run(run).spec()), "the run goes on with version 2");
        assertEquals("run again: definition changed", journal.snapshot(run).elements().stream()
                .filter(e -> e.task().equals("b")).findFirst().orElseThrow().reason());
    }

    @Test
    void aChangedFirstTaskRunsEverythingDownstreamAgainAndArraysTakeTheirNewSize() {
        String changed = CHAIN.replace("echo a", "echo A").replace("array: 3", "array: 5");
        RevisionPlan plan = plan(changed);
        assertEquals(List.of(RevisionPlan.Action.RERUN, RevisionPlan.Action.RERUN, RevisionPlan.Action.RERUN,
                        RevisionPlan.Action.RESUME),
                plan.steps().stream().map(RevisionPlan.Step::action).toList());
        apply(changed, plan);
        assertEquals(Map.of("a", "WAITING", "b", "WAITING", "c", "WAITING,WAITING,WAITING,WAITING,WAITING",
                "d", "WAITING"), states());
        assertEquals(5, journal.openSnapshot(run).counts("c").of(JobState.WAITING), "the counts follow");
    }

    @Test
    void tasksMayBeAddedAndOneThatNeverRanRemovedButNotOneThatRan() {
        String more = CHAIN.replace("  - { name: d, command: echo d }\n", "  - { name: e, after: [a], command: x }\n");
        RevisionPlan plan = plan(more);
        apply(more, plan);
        assertEquals(Map.of("a", "SUCCEEDED", "b", "WAITING", "c", "WAITING,WAITING,WAITING", "e", "WAITING"),
                states(), "d (never submitted) is gone, e is new");
        String withoutA = "name: chain\ntasks:\n  - { name: x, command: echo x }\n";
        HwfException e = assertThrows(HwfException.class, () -> RevisionPlan.plan(journal.openSnapshot(run),
                wf(more), defs(wf(more)), wf(withoutA), defs(wf(withoutA))));
        assertTrue(e.getMessage().contains("task a ran in this run (attempt 1); a resume cannot remove a task that ran"),
                e.getMessage());
        assertTrue(e.getMessage().contains("Nothing was changed."), e.getMessage());
    }

    @Test
    void aSwitchThatCannotCompleteLeavesTheRunAsItWas() throws Exception {
        String fixed = CHAIN.replace("exit 3", "echo fixed").replace("echo a", "echo A");
        RevisionPlan plan = plan(fixed);
        Map<String, String> before = states();
        // between the plan and the switch, a's element went out again (another hwf): the switch,
        // one transaction, is refused as a whole
        sql("UPDATE hwf_element SET state='RUNNING' WHERE task='a'");
        HwfException e = assertThrows(HwfException.class, () -> apply(fixed, plan));
        assertTrue(e.getMessage().contains("task a has 1 element(s) queued or running"), e.getMessage());
        sql("UPDATE hwf_element SET state='SUCCEEDED' WHERE task='a'");
        assertEquals(before, states());
        assertEquals(1, journal.run(run).version());
        assertEquals(1, journal.versions(run).size());
        assertEquals(v1, SpecCodec.fromJson(journal.run(run).spec()));
    }

    @Test
    void aNewNameOrSchedulerIsRefused() {
        HwfException e = assertThrows(HwfException.class, () -> plan(CHAIN.replace("name: chain", "name: other")
                .replace("tasks:", "scheduler: slurm\ntasks:")));
        assertTrue(e.getMessage().contains("a run keeps its name") && e.getMessage().contains("stays on its scheduler"),
                e.getMessage());
    }
}
