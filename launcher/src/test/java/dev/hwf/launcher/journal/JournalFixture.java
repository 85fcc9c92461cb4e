package dev.hwf.launcher.journal;

import dev.hwf.api.JobState;
import dev.hwf.launcher.workflow.Workflow;
import dev.hwf.launcher.workflow.WorkflowLoader;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/**
 * A fresh journal on a real SQLite file for each test, and what the journal tests share: a small
 * workflow (a -> b, b an array of 3) and moving its elements as the engine would.
 */
abstract class JournalFixture {
    static final Instant T0 = Instant.parse("2030-01-02T03:04:05.123Z");

    /** a -> b, where b is an array of 3: enough for task and run derivation. */
    static final String WORKFLOW = """
            name: jt
            scheduler: local
            tasks:
              - name: a
                command: echo a
              - name: b
                after: [a]
                array: 3
                command: echo b
            """;

    @TempDir
    Path dir;

    Path file;
    Journal journal;

    /**
     * What schemas 10 (pending reasons), 9 (notifications), 8 (withdrawn attempts) and 7 (several sites) added, undone first to
     * make a journal as an older schema wrote it.
     */
    static final List<String> BEFORE_SITES = List.of("ALTER TABLE hwf_element DROP COLUMN pending",
            "ALTER TABLE hwf_element DROP COLUMN pending_block", "DROP TRIGGER hwf_notice_failed", "DROP TRIGGER hwf_notice_ended",
            "DROP TABLE hwf_delivery", "DROP TABLE hwf_notice", "ALTER TABLE hwf_run DROP COLUMN notify",
            "ALTER TABLE hwf_attempt DROP COLUMN withdrawn_at",
            "DROP TABLE hwf_copy", "DROP TABLE hwf_staging",
            "ALTER TABLE hwf_attempt DROP COLUMN site", "ALTER TABLE hwf_attempt DROP COLUMN placed",
            "ALTER TABLE hwf_attempt DROP COLUMN site_key", "ALTER TABLE hwf_attempt DROP COLUMN estimated_start");

    @BeforeEach
    void open() {
        file = dir.resolve("journal.db");
        journal = Journal.open(file);
    }

    @AfterEach
    void close() {
        journal.close();
    }

    static Workflow workflow(String yaml) {
        return WorkflowLoader.parse(yaml, "test.yaml", null, List.of());
    }

    String newRun() {
        return journal.createRun(workflow(WORKFLOW), "{\"spec\":1}", "/work/dir", T0);
    }

    static ElementRecord element(RunSnapshot snap, String task, int index) {
        return snap.elements().stream().filter(e -> e.task().equals(task) && e.index() == index).findFirst()
                .orElseThrow(() -> new AssertionError("no element " + task + "[" + index + "]"));
    }

    /** Moves elements of a task through the journal as the engine would: read, then compare-and-set. */
    int move(String runId, String task, List<Integer> indices, JobState to, Integer code, String reason, Instant at) {
        RunSnapshot snap = journal.snapshot(runId);
        List<Change> changes = new ArrayList<>();
        for (int i : indices) {
            ElementRecord e = element(snap, task, i);
            changes.add(new Change(e, e.with(to, code, reason, at)));
        }
        return journal.apply(runId, changes, at);
    }

    int count(String sql) throws SQLException {
        try (Connection c = journal.dataSource().getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getInt(1);
        }
    }
}
