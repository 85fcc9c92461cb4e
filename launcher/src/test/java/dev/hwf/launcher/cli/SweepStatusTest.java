package dev.hwf.launcher.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
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
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        List<String> all = new ArrayList<>(List.of("--journal", tmp.resolve("journal.db").toString()));
        all.addAll(List.of(args));
        int code = Main.run(all.toArray(String[]::new), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        String text = out.toString(StandardCharsets.UTF_8);
        assertEquals(expectedCode, code, text + err.toString(StandardCharsets.UTF_8));
        return text;
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

    private static List<String> iterToList(java.util.Iterator<String> it) {
        List<String> out = new ArrayList<>();
        it.forEachRemaining(out::add);
        return out;
    }
}
