package dev.hwf.launcher.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.hwf.api.JobState;
import dev.hwf.launcher.journal.AttemptRecord;
import dev.hwf.launcher.journal.ElementRecord;
import dev.hwf.launcher.journal.Journal;
import dev.hwf.launcher.journal.RunRecord;
import dev.hwf.launcher.journal.RunSnapshot;
import dev.hwf.launcher.journal.SpecCodec;
import dev.hwf.launcher.journal.TaskRecord;
import dev.hwf.launcher.workflow.Workflow;
import dev.hwf.launcher.workflow.WorkflowLoader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code hwf logs} and {@code hwf serve}'s element view on a run of several sites: an element's log
 * is read in the work directory of the site its attempt ran on, through that site's files. Both
 * sites are this machine, each with a work directory of its own.
 */
class SiteLogsTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    private Path journal() {
        return tmp.resolve("journal.db");
    }

    private String sites() {
        return """
                sites:
                  here: { scheduler: local, workdir: "%s" }
                  there: { scheduler: local, workdir: "%s" }
                defaultSite: here
                """.formatted(tmp.resolve("here"), tmp.resolve("there"));
    }

    /** A finished run: {@code first} on the default site, {@code second} (an array of 2) on the other. */
    private String run() throws IOException {
        Path wf = tmp.resolve("wf.yaml");
        Files.writeString(wf, "name: two-sites\n" + sites() + """
                tasks:
                  - name: first
                    command: echo "first here"
                  - name: second
                    site: there
                    array: 2
                    after: [first]
                    command: echo "second $HWF_ARRAY_INDEX there"
                """);
        CliRun.Result r = CliRun.hwf(journal(), "-q", "submit", wf.toString());
        assertEquals(0, r.code(), r.all());
        try (Journal j = Journal.openForReading(journal())) {
            return j.runs().get(0).id();
        }
    }

    @Test
    void logsOfAnElementOnAnotherSiteAreReadInThatSitesWorkDirectory() throws IOException {
        String id = run();
        assertEquals("first here\n", CliRun.out(journal(), 0, "logs", id, "first"));
        assertEquals("second 1 there\n", CliRun.out(journal(), 0, "logs", id, "second", "--element", "1"));
        assertTrue(Files.exists(tmp.resolve("there/" + id + "/second/out.1.1.log")));

        Files.delete(tmp.resolve("there/" + id + "/second/out.1.0.log"));
        CliRun.Result gone = CliRun.hwf(journal(), "logs", id, "second");
        assertEquals(2, gone.code(), gone.all());
        assertTrue(gone.err().contains("no log " + tmp.resolve("there/" + id + "/second/out.1.0.log")
                + " on site there (this machine): the job never started, or the file was removed"), gone.all());
    }

    @Test
    void serveShowsTheLogsOfAnElementOnAnotherSite() throws IOException {
        String id = run();
        Path file = journal().toAbsolutePath();
        ServeData data = new ServeData(file, () -> Journal.openForReading(file));
        JsonNode second = JSON.readTree(data.element(id, "second", 1, null, 1000));
        assertEquals("second 1 there\n", second.get("stdout").get("text").asText());
        assertEquals(tmp.resolve("there/" + id + "/second/out.1.1.log").toString(),
                second.get("stdout").get("path").asText());
        JsonNode first = JSON.readTree(data.element(id, "first", 0, null, 1000));
        assertEquals("first here\n", first.get("stdout").get("text").asText(), "the default site's, after the other's");
        data.close();
    }

    @Test
    void aRunOnOneSiteReadsItsWorkDirectoryAsBefore() throws IOException {
        Path wf = tmp.resolve("one.yaml");
        Files.writeString(wf, "name: one-site\ntasks:\n  - name: t\n    array: 2\n    command: echo \"t $HWF_ARRAY_INDEX\"\n");
        CliRun.Result r = CliRun.hwf(journal(), "-q", "submit", wf.toString(), "--set",
                "site.workdir=" + tmp.resolve("work"));
        assertEquals(0, r.code(), r.all());
        String id;
        try (Journal j = Journal.openForReading(journal())) {
            id = j.runs().get(0).id();
        }
        assertEquals("t 1\n", CliRun.out(journal(), 0, "logs", id, "t", "--element", "1"));
        Path file = journal().toAbsolutePath();
        ServeData data = new ServeData(file, () -> Journal.openForReading(file));
        assertEquals("t 0\n", JSON.readTree(data.element(id, "t", 0, null, 1000)).get("stdout").get("text").asText());
        data.close();
        Files.delete(tmp.resolve("work/" + id + "/t/out.1.0.log"));
        CliRun.Result gone = CliRun.hwf(journal(), "logs", id, "t");
        assertEquals(2, gone.code(), gone.all());
        assertTrue(gone.err().contains("no log " + tmp.resolve("work/" + id + "/t/out.1.0.log")
                + ": the job never started"), "no site named where there is one: " + gone.all());
    }

    /**
     * A task hwf places on one of two sites: attempt 1 went to the second site, attempt 2 to the
     * first (each as recorded with the attempt).
     */
    @Test
    void theSiteIsTheOneRecordedWithTheAttempt() {
        Workflow wf = WorkflowLoader.parse("name: placed\n" + sites() + """
                tasks:
                  - name: t
                    site: [here, there]
                    array: 2
                    command: 'true'
                """, "wf.yaml", tmp, List.of());
        Instant at = Instant.parse("2026-02-01T00:00:00Z");
        RunRecord run = new RunRecord("r-1", "placed", "local", "RUNNING", null, "wf.yaml", SpecCodec.toJson(wf),
                tmp.resolve("here").toString(), at, null);
        RunSnapshot snap = new RunSnapshot(run,
                List.of(new TaskRecord("t", 0, JobState.RUNNING, null, 2, "2", null, 2, at, at, null)),
                List.of(new ElementRecord("t", 0, JobState.SUCCEEDED, 1, 1, "1", 0, null, null, at, at),
                        new ElementRecord("t", 1, JobState.RUNNING, 2, 2, "2", null, null, null, at, null)),
                List.of(new AttemptRecord("t", 1, "j-1", "1", "[0, 1]", at, null, null, 0, null, 1, "there",
                                "placed on there", null),
                        new AttemptRecord("t", 2, "j-2", "2", "[1]", at, null, null, 0, null, 1, "here",
                                "placed on here", null)));
        LogsCommand.Target zero = LogsCommand.locate(snap, "t", 0, null, false);
        assertEquals(tmp.resolve("there/r-1/t/out.1.0.log").toString(), zero.path());
        assertEquals("there", zero.site().name());
        assertEquals(tmp.resolve("here/r-1/t/err.2.1.log").toString(),
                LogsCommand.locate(snap, "t", 1, null, true).path());
        assertEquals(tmp.resolve("there/r-1/t/out.1.1.log").toString(),
                LogsCommand.locate(snap, "t", 1, 1, false).path(), "attempt 1 of element 1 ran on there");
        assertEquals(" on site there (this machine)", zero.onSite("this machine"));
    }
}
