package dev.hwf.launcher.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A sweep run on local: each element sees its parameters, and status --json shows which it had. */
class SweepStatusTest {
    @TempDir
    Path tmp;

    private String hwf(int expectedCode, String... args) {
        return CliRun.out(tmp.resolve("journal.db"), expectedCode, args);
    }

    @Test
    void elementsSeeTheirParametersAndStatusShowsThem() throws Exception {
        Path wf = tmp.resolve("wf.yaml");
        Files.writeString(wf, """
                name: sweep-demo
                tasks:
                  - name: train
                    matrix:
                      lr: [0.1, "1e-3"]
                      opt: [adam, "it's sgd"]
                    command: printf '%s|%s|%s' "$lr" "$opt" "$HWF_PARAMS"
                """);
        Path work = tmp.resolve("work");
        hwf(0, "submit", wf.toString(), "--set", "site.workdir=" + work);
        ObjectMapper json = new ObjectMapper();
        String run = json.readTree(hwf(0, "runs", "--json")).get(0).get("run").asText();

        String[][] expected = {{"0.1", "adam"}, {"0.1", "it's sgd"}, {"1e-3", "adam"}, {"1e-3", "it's sgd"}};
        JsonNode elements = json.readTree(hwf(0, "status", run, "--json")).get("tasks").get(0).get("elements");
        assertEquals(4, elements.size());
        for (int i = 0; i < expected.length; i++) {
            JsonNode el = elements.get(i);
            assertEquals(i, el.get("index").asInt());
            assertEquals("SUCCEEDED", el.get("state").asText());
            assertEquals(expected[i][0], el.get("params").get("lr").asText());
            assertEquals(expected[i][1], el.get("params").get("opt").asText());
            assertEquals(List.of("lr", "opt"), iterToList(el.get("params").fieldNames()));
            String out = Files.readString(work.resolve(run).resolve("train").resolve("out.1." + i + ".log"));
            assertEquals(expected[i][0] + "|" + expected[i][1] + "|lr=" + expected[i][0] + ",opt=" + expected[i][1],
                    out, "element " + i);
        }
    }

    @Test
    void theReportShowsEachElementsParameters() throws Exception {
        Path wf = tmp.resolve("wf.yaml");
        Files.writeString(wf, """
                name: sweep-report
                tasks:
                  - name: train
                    matrix:
                      lr: [0.1, "1e-3"]
                      opt: [adam, "<sgd>"]
                    command: "true"
                """);
        hwf(0, "submit", wf.toString(), "--set", "site.workdir=" + tmp.resolve("work"));
        ObjectMapper json = new ObjectMapper();
        String run = json.readTree(hwf(0, "runs", "--json")).get(0).get("run").asText();
        JsonNode elements = json.readTree(hwf(0, "report", run, "--json", "-")).get("tasks").get(0).get("elements");
        assertEquals(4, elements.size());
        assertEquals("{\"lr\":\"1e-3\",\"opt\":\"<sgd>\"}", elements.get(3).get("params").toString());
        Path html = tmp.resolve("r.html");
        hwf(0, "report", run, "--html", html.toString());
        String page = Files.readString(html);
        org.junit.jupiter.api.Assertions.assertTrue(page.contains("train[3] lr=1e-3 opt=&lt;sgd&gt;"),
                "the timeline names element 3's parameters");
        org.junit.jupiter.api.Assertions.assertTrue(page.contains("<span class=\"dim params\">lr=0.1 opt=adam</span>"),
                "the attempts table shows element 0's parameters");
    }

    private static List<String> iterToList(java.util.Iterator<String> it) {
        List<String> out = new ArrayList<>();
        it.forEachRemaining(out::add);
        return out;
    }
}
