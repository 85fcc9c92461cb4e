package dev.hwf.launcher.render;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hwf.api.SchedulerAdapter;
import dev.hwf.launcher.ExitCodes;
import dev.hwf.launcher.HwfException;
import dev.hwf.launcher.local.LocalAdapter;
import dev.hwf.launcher.workflow.Task;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Rendered scripts run by a real bash: every value a user writes (env values, the task directory)
 * comes back exactly as written, and none of it runs as code.
 */
class ScriptRendererTest {
    private static final SchedulerAdapter LOCAL = new LocalAdapter();

    @TempDir
    Path tmp;

    /** Created only if some value escaped its quotes and ran. */
    private Path canary;
    private List<String> hostile;

    @BeforeEach
    void hostileValues() {
        canary = tmp.resolve("canary");
        String c = canary.toString();
        hostile = List.of(
                "it's",
                "\"double\" and 'single' quotes",
                "'",
                "'\\''",
                "$(touch " + c + ")",
                "`touch " + c + "`",
                "a; touch " + c,
                "a && touch " + c,
                "a || touch " + c + " | cat &",
                "first\ntouch " + c + "\nlast",
                "trailing newlines\n\n",
                "back\\slash\\",
                "\\'; touch " + c + "; echo '",
                "tab\there\rcr",
                "héllo wörld ✓ 日本語 🚀",
                "-n",
                "--help",
                "-e \\t",
                "",
                " leading and trailing spaces ",
                "$HOME ${PATH} $1 $$ !! ~root * ?",
                "x=1 y=2",
                "}}{{exports}}{{command}}",
                "\"; touch " + c + "; \"");
    }

    private static Task task(String name, String command, Map<String, String> env, int array, String template) {
        return new Task(name, command, List.of(), 1, 1, 1, 0, 0, null, null, null, env, 0, List.of(), template,
                0, array, 0);
    }

    private Map<String, String> hostileEnv() {
        Map<String, String> env = new LinkedHashMap<>();
        for (int i = 0; i < hostile.size(); i++) {
            env.put("V" + i, hostile.get(i));
        }
        return env;
    }

    private static ScriptRenderer.Context context(Task t, String runId, int attempt, String dir) {
        List<Integer> indices = t.isArray() ? java.util.stream.IntStream.range(0, t.array()).boxed().toList()
                : List.of(0);
        return new ScriptRenderer.Context("wf", runId, attempt, dir,
                JobScripts.request(t, RunLayout.jobName(runId, t.name(), attempt), dir, indices, LOCAL));
    }

    /** Runs bash with the given arguments in {@code dir}; returns stdout. Fails on a non-zero exit. */
    private static String bash(Path dir, Map<String, String> env, String... args) throws Exception {
        List<String> argv = new ArrayList<>(List.of("bash"));
        argv.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(argv).directory(dir.toFile()).redirectErrorStream(true);
        pb.environment().remove("HWF_LOCAL_INDEX");
        pb.environment().putAll(env);
        Process p = pb.start();
        try {
            byte[] out = p.getInputStream().readAllBytes();
            assertTrue(p.waitFor(10, TimeUnit.SECONDS), "bash did not finish");
            String text = new String(out, StandardCharsets.UTF_8);
            assertEquals(0, p.exitValue(), "bash failed: " + text);
            return text;
        } finally {
            p.destroyForcibly();
        }
    }

    @Test
    void exportedValuesComeBackByteForByteAndNothingRuns() throws Exception {
        Task t = task("t", "true", hostileEnv(), 0, null);
        String exports = ScriptRenderer.exports(t, LOCAL, context(t, "wf-1", 1, tmp.toString()));

        for (int i = 0; i < hostile.size(); i++) {
            // printf, not echo: echo would eat "-n" and "-e" and add a newline
            String out = bash(tmp, Map.of(), "-c", exports + "\nprintf '%s' \"$V" + i + "\"");
            assertEquals(hostile.get(i), out, "V" + i);
        }
        assertFalse(Files.exists(canary), "a value ran as code");
    }

    @Test
    void eachValueIsOneExportLine() {
        Task t = task("t", "true", hostileEnv(), 0, null);
        String exports = ScriptRenderer.exports(t, LOCAL, context(t, "wf-1", 1, tmp.toString()));
        assertTrue(exports.startsWith("export HWF_RUN=wf-1\nexport HWF_TASK=t\nexport HWF_ATTEMPT=1\n"), exports);
        assertTrue(exports.contains("\nexport V0='it'\\''s'\n"), exports);
        assertTrue(exports.contains("\nexport V18=''\n"), "the empty string is an empty word: " + exports);
    }

    /**
     * The whole default local template, run by bash from a task directory whose name has spaces,
     * quotes and a command substitution: the command sees every value exactly, the logs and the
     * exit code file land in that directory.
     */
    @Test
    void theRenderedLocalScriptRunsInAHostileDirectoryWithExactValues() throws Exception {
        Path taskDir = tmp.resolve("it's a \"dir\" $(touch " + canary + ") `x`");
        Files.createDirectories(taskDir);
        StringBuilder command = new StringBuilder("set -e\n");
        for (int i = 0; i < hostile.size(); i++) {
            command.append("printf '%s' \"$V").append(i).append("\" > value.").append(i).append('\n');
        }
        command.append("printf '%s|%s|%s|%s|%s' \"$HWF_RUN\" \"$HWF_TASK\" \"$HWF_ATTEMPT\" \"$HWF_ARRAY_INDEX\" "
                + "\"$HWF_ARRAY_SIZE\" > hwf.vars\n");
        command.append("pwd > where\n");
        command.append("echo to-stdout; echo to-stderr >&2\n");
        Task t = task("t", command.toString(), hostileEnv(), 4, null);
        String script = ScriptRenderer.render(ScriptRenderer.template(t, "local"), t, LOCAL,
                context(t, "wf-20300101-000000-abcd", 3, taskDir.toString()));
        Path scriptFile = tmp.resolve("job.3.sh");
        Files.writeString(scriptFile, script);

        bash(tmp, Map.of("HWF_LOCAL_INDEX", "2"), scriptFile.toString());

        for (int i = 0; i < hostile.size(); i++) {
            assertEquals(hostile.get(i), Files.readString(taskDir.resolve("value." + i), StandardCharsets.UTF_8),
                    "V" + i);
        }
        assertEquals("wf-20300101-000000-abcd|t|3|2|4", Files.readString(taskDir.resolve("hwf.vars")));
        assertEquals(taskDir.toString(), Files.readString(taskDir.resolve("where")).strip());
        assertEquals("to-stdout\n", Files.readString(taskDir.resolve("out.3.2.log")));
        assertEquals("to-stderr\n", Files.readString(taskDir.resolve("err.3.2.log")));
        assertEquals("0\n", Files.readString(taskDir.resolve("exit.3.2")));
        assertFalse(Files.exists(canary), "a value ran as code");
        assertTrue(script.contains("# hwf job script: workflow wf, run wf-20300101-000000-abcd, task t, attempt 3."),
                script);
        // every placeholder is filled: the only braces left are the two inside value V22
        assertEquals(2, script.split("\\{\\{", -1).length - 1, script);
    }

    @Test
    void theExitCodeFileHoldsTheCommandsCode() throws Exception {
        Path taskDir = tmp.resolve("task dir");
        Files.createDirectories(taskDir);
        Task t = task("t", "echo failing; exit 3", Map.of(), 0, null);
        Path scriptFile = taskDir.resolve("job.1.sh");
        Files.writeString(scriptFile, ScriptRenderer.render(ScriptRenderer.template(t, "local"), t, LOCAL,
                context(t, "wf-1", 1, taskDir.toString())));

        ProcessBuilder pb = new ProcessBuilder("bash", scriptFile.toString());
        pb.environment().remove("HWF_LOCAL_INDEX");
        Process p = pb.start();
        assertTrue(p.waitFor(10, TimeUnit.SECONDS));
        assertEquals(3, p.exitValue());
        assertEquals("3\n", Files.readString(taskDir.resolve("exit.1.0")), "a plain task is element 0");
        assertEquals("failing\n", Files.readString(taskDir.resolve("out.1.0.log")));
    }

    @Test
    void theTaskDirectoryIsQuotedInTheScript() {
        String dir = "/scratch/my dir/it's \"here\"";
        Task t = task("t", "true", Map.of(), 0, null);
        String script = ScriptRenderer.render(ScriptRenderer.template(t, "local"), t, LOCAL,
                context(t, "wf-1", 1, dir));
        assertTrue(script.contains("hwf_dir='/scratch/my dir/it'\\''s \"here\"'\n"), script);
    }

    @Test
    void aPlaceholderInAValueIsNotExpandedAgain() {
        Task t = task("t", "echo '{{task}} {{nope}}'", Map.of("X", "{{run}}"), 0, null);
        String script = ScriptRenderer.render(ScriptRenderer.template(t, "local"), t, LOCAL,
                context(t, "wf-1", 1, "/w"));
        assertTrue(script.contains("echo '{{task}} {{nope}}'"), script);
        assertTrue(script.contains("export X='{{run}}'"), script);
    }

    // ------------------------------------------------------------------ custom templates

    private Path template(String text) throws IOException {
        Path file = tmp.resolve("my template.sh");
        Files.writeString(file, text);
        return file;
    }

    @Test
    void aCustomTemplateIsUsed() throws Exception {
        Path file = template("#!/bin/bash\n# {{ task }} from {{template}}\n{{exports}}\ncd {{task_dir}}\n{{command}}\n");
        Task t = task("t", "printf '%s' \"$GREETING\" > greeting", Map.of("GREETING", "hi 'there'"), 0,
                file.toString());
        String script = ScriptRenderer.render(ScriptRenderer.template(t, "local"), t, LOCAL,
                context(t, "wf-1", 1, tmp.toString()));
        assertTrue(script.contains("# t from " + file), script);

        Path scriptFile = tmp.resolve("job.sh");
        Files.writeString(scriptFile, script);
        bash(tmp, Map.of(), scriptFile.toString());
        assertEquals("hi 'there'", Files.readString(tmp.resolve("greeting")));
    }

    @Test
    void anUnknownPlaceholderNamesTheTemplateFileAndLine() throws Exception {
        Path file = template("#!/bin/bash\n{{exports}}\n\n# line 4 below\n{{command}} {{ partiton }}\n");
        Task t = task("t", "true", Map.of(), 0, file.toString());

        HwfException e = assertThrows(HwfException.class, () -> ScriptRenderer.render(
                ScriptRenderer.template(t, "local"), t, LOCAL, context(t, "wf-1", 1, "/w")));
        assertEquals(ExitCodes.BAD_INPUT, e.exitCode());
        assertTrue(e.getMessage().startsWith(file + ":5: "), e.getMessage());
        assertTrue(e.getMessage().contains("{{partiton}}"), e.getMessage());
        assertTrue(e.getMessage().contains("command") && e.getMessage().contains("exports"),
                "lists the placeholders a template may use: " + e.getMessage());
    }

    @Test
    void aMissingTemplateIsBadInput() {
        Task t = task("t", "true", Map.of(), 0, tmp.resolve("gone.sh").toString());
        HwfException e = assertThrows(HwfException.class, () -> ScriptRenderer.template(t, "local"));
        assertEquals(ExitCodes.BAD_INPUT, e.exitCode());
        assertTrue(e.getMessage().contains("gone.sh"), e.getMessage());
    }

    @Test
    void theBundledTemplatesKnowEveryPlaceholderTheyUse() {
        for (String scheduler : List.of("local", "slurm")) {
            ScriptRenderer.Template tpl = ScriptRenderer.template(task("t", "true", Map.of(), 0, null), scheduler);
            assertEquals("templates/" + scheduler + ".sh", tpl.name());
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("\\{\\{\\s*([A-Za-z_]+)\\s*}}")
                    .matcher(tpl.text());
            while (m.find()) {
                assertTrue(ScriptRenderer.PLACEHOLDERS.contains(m.group(1)), scheduler + ": " + m.group(1));
            }
            assertTrue(Stream.of("exports", "command", "task_dir").allMatch(p -> tpl.text().contains("{{" + p + "}}")),
                    scheduler);
        }
    }
}
