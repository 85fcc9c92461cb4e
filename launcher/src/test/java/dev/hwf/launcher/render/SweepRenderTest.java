package dev.hwf.launcher.render;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hwf.launcher.local.LocalAdapter;
import dev.hwf.launcher.workflow.Task;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A sweep's parameters reach each element as exactly the values written, chosen by its index. */
class SweepRenderTest {
    @TempDir
    Path tmp;

    private static Task sweep(Map<String, List<String>> matrix, Map<String, String> env) {
        return new Task("t", "true", List.of(), 1, 1, 1, 0, 0, null, null, null, env, 0, List.of(), null, 0,
                Task.sweepSize(matrix), 0, matrix);
    }

    private static ScriptRenderer.Context context(Task t) {
        List<Integer> indices = IntStream.range(0, t.array()).boxed().toList();
        return new ScriptRenderer.Context("wf", "wf-1", 1, "/tmp/x",
                JobScripts.request(t, RunLayout.jobName("wf-1", t.name(), 1), "/tmp/x", indices, new LocalAdapter()));
    }

    private static String run(String script, int index) throws Exception {
        ProcessBuilder pb = new ProcessBuilder("bash", "-c", script).redirectErrorStream(true);
        pb.environment().put("HWF_LOCAL_INDEX", Integer.toString(index));
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(10, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), out);
        return out;
    }

    @Test
    void theCaseBlockIsExact() {
        Map<String, List<String>> m = new LinkedHashMap<>();
        m.put("lr", List.of("0.1", "0.01"));
        m.put("seed", List.of("1", "2"));
        String exports = ScriptRenderer.exports(sweep(m, Map.of()), new LocalAdapter(), context(sweep(m, Map.of())));
        assertTrue(exports.endsWith("""
                # parameter sweep: element index -> parameters (first matrix key varies slowest)
                case "$HWF_ARRAY_INDEX" in
                    0) export lr=0.1; export seed=1; export HWF_PARAMS=lr=0.1,seed=1 ;;
                    1) export lr=0.1; export seed=2; export HWF_PARAMS=lr=0.1,seed=2 ;;
                    2) export lr=0.01; export seed=1; export HWF_PARAMS=lr=0.01,seed=1 ;;
                    3) export lr=0.01; export seed=2; export HWF_PARAMS=lr=0.01,seed=2 ;;
                    *) echo "hwf: no sweep parameters for array index $HWF_ARRAY_INDEX" >&2; exit 1 ;;
                esac"""), exports);
    }

    @Test
    void hostileValuesArriveVerbatimAndParametersWinOverEnv() throws Exception {
        Path canary = tmp.resolve("canary");
        List<String> values = List.of("it's", "$(touch " + canary + ")", "a;b c", "x\ny", "");
        Map<String, List<String>> m = new LinkedHashMap<>();
        m.put("opt", List.of("adam", "sgd"));
        m.put("v", values);
        Task t = sweep(m, Map.of("opt", "from-env"));
        String exports = ScriptRenderer.exports(t, new LocalAdapter(), context(t));
        for (int i = 0; i < t.array(); i++) {
            String out = run(exports + "\nprintf '%s|%s|%s' \"$opt\" \"$v\" \"$HWF_PARAMS\"", i);
            String opt = i < values.size() ? "adam" : "sgd";
            String v = values.get(i % values.size());
            assertEquals(opt + "|" + v + "|opt=" + opt + ",v=" + v, out, "element " + i);
        }
        assertFalse(Files.exists(canary), "a value ran as code");
    }
}
