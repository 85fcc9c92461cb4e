package dev.hwf.launcher.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A service run on local: status --json and the report (JSON and HTML) show where it answered. */
class ServiceReportTest {
    @TempDir
    Path tmp;

    @Test
    void statusAndReportShowTheServicesEndpoint() throws Exception {
        Path wf = tmp.resolve("wf.yaml");
        Files.writeString(wf, """
                name: service-report
                tasks:
                  - name: model
                    service: true
                    port: 4711
                    ready: test -e up
                    command: touch up; sleep 60
                  - name: sim
                    after: [model]
                    command: echo "model at $HWF_SERVICE_MODEL_URL"
                """);
        Path journal = tmp.resolve("journal.db");
        CliRun.Result submit = CliRun.hwf(journal, "submit", wf.toString(), "--set", "site.workdir=" + tmp.resolve("work"));
        assertEquals(0, submit.code(), submit.all());
        assertTrue(submit.out().contains("ready at 127.0.0.1:4711"), submit.all());
        ObjectMapper json = new ObjectMapper();
        String run = json.readTree(CliRun.hwf(journal, "runs", "--json").out()).get(0).get("run").asText();

        JsonNode status = json.readTree(CliRun.hwf(journal, "status", run, "--json").out());
        JsonNode model = status.get("tasks").get(0);
        assertEquals("127.0.0.1:4711", model.get("endpoint").asText(), model.toString());
        assertFalse(status.get("tasks").get(1).has("endpoint"), "only services have an endpoint key");

        JsonNode report = json.readTree(CliRun.hwf(journal, "report", run, "--json", "-").out());
        assertEquals("127.0.0.1:4711", report.get("tasks").get(0).get("endpoint").asText());
        assertFalse(report.get("tasks").get(1).has("endpoint"));

        Path html = tmp.resolve("r.html");
        assertEquals(0, CliRun.hwf(journal, "report", run, "--html", html.toString()).code());
        assertTrue(Files.readString(html).contains("answered at <code>127.0.0.1:4711</code>"));

        CliRun.Result table = CliRun.hwf(journal, "status", run);
        assertTrue(table.out().contains("stopped by hwf: its dependants ended"), table.all());
    }
}
