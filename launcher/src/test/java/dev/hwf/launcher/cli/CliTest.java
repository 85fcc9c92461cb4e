package dev.hwf.launcher.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.hwf.launcher.cli.CliRun.Result;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command line as a user meets it: help, version, completion, quiet, and the new commands on a real run. */
class CliTest {
    @TempDir
    Path tmp;

    private Result hwf(String... args) {
        return CliRun.hwf(tmp.resolve("journal.db"), args);
    }

    @Test
    void everyCommandHasHelpWithExamples() {
        for (String cmd : List.of("submit", "validate", "render", "status", "watch", "poll", "resume", "cancel", "runs",
                "logs", "report", "serve", "journal", "completion")) {
            Result r = hwf(cmd, "--help");
            assertEquals(0, r.code(), r.all());
            assertTrue(r.out().contains("Usage: hwf " + cmd), r.all());
            assertTrue(r.out().contains("Example"), cmd + " --help shows examples:\n" + r.out());
        }
        Result top = hwf("--help");
        for (String cmd : List.of("watch", "logs", "report", "completion")) {
            assertTrue(top.out().contains("  " + cmd + " "), "hwf --help lists " + cmd + ":\n" + top.out());
        }
        assertTrue(top.out().contains("--quiet") && top.out().contains("--verbose"), top.out());
    }

    @Test
    void onlyTheNamedCommandIsBuiltButHelpMisspellingsAndCompletionSeeThemAll() {
        assertEquals(List.of(HwfCommand.Runs.class), Main.commands(new String[] {"runs", "--json"}));
        assertEquals(List.of(HwfCommand.Status.class),
                Main.commands(new String[] {"--journal", "status", "-q", "status"}), "--journal's value is no command");
        assertEquals(List.of(HwfCommand.Submit.class), Main.commands(new String[] {"-v", "submit", "w.yaml"}));
        assertEquals(HwfCommand.COMMANDS, Main.commands(new String[] {"--help"}));
        assertEquals(HwfCommand.COMMANDS, Main.commands(new String[] {"stauts"}));
        assertEquals(HwfCommand.COMMANDS, Main.commands(new String[] {"completion", "bash"}));
        assertEquals(HwfCommand.COMMANDS, Main.commands(new String[0]));
        assertEquals(List.of(), Main.commands(new String[] {"--version"}), "--version alone needs no command");
        assertEquals(HwfCommand.COMMANDS, Main.commands(new String[] {"--version", "--help"}));
        Result version = hwf("--version");
        assertEquals(0, version.code());
        assertTrue(version.out().startsWith("hwf "), version.all());

        Result typo = hwf("stauts");
        assertEquals(2, typo.code());
        assertTrue(typo.err().contains("Did you mean: hwf status"), typo.all());
    }

    @Test
    void versionAndUsageErrors() {
        Result v = hwf("--version");
        assertEquals(0, v.code());
        String[] lines = v.out().strip().split("\n");
        assertEquals(3, lines.length, v.out());
        // the build's version (the pom's, filtered into the build) and the commit it was built from
        assertTrue(lines[0].matches("hwf \\d+\\.\\d+\\.\\d+ \\(commit ([0-9a-f]{7,40}|unknown)\\)"), lines[0]);
        assertTrue(lines[1].startsWith("Java " + System.getProperty("java.version") + " ("), lines[1]);
        assertTrue(lines[2].matches("SQLite 3\\.\\d+\\.\\d+ \\(journal\\)"), lines[2]);
        Result both = hwf("-q", "-v", "runs");
        assertEquals(2, both.code());
        assertTrue(both.err().contains("--quiet and --verbose"), both.all());
        Result none = hwf();
        assertEquals(2, none.code());
        assertTrue(none.err().contains("a command is needed") && none.err().contains("'hwf --help'"), none.all());
        Result nowhere = hwf("report", "some-run");
        assertEquals(2, nowhere.code());
        assertTrue(nowhere.err().contains("--html FILE and/or --json FILE"), nowhere.all());
        Result fish = hwf("completion", "fish");
        assertEquals(2, fish.code());
        assertTrue(fish.err().contains("bash and zsh"), fish.all());
        Result noRun = hwf("logs", "no-such-run", "x");
        assertEquals(2, noRun.code());
        assertTrue(noRun.err().contains("'hwf runs' lists the runs"), noRun.all());
    }

    /** Runs bash with the completion script loaded and asks it to complete the words given. */
    private String complete(Path script, String... words) throws IOException, InterruptedException {
        String line = "source " + script + "; COMP_WORDS=(" + String.join(" ", words) + "); COMP_CWORD="
                + (words.length - 1) + "; COMP_LINE=\"${COMP_WORDS[*]}\"; COMP_POINT=${#COMP_LINE}; "
                + "$(complete -p hwf | sed -E 's/.*-F ([^ ]+).*/\\1/') hwf; printf '%s\\n' \"${COMPREPLY[@]}\"";
        Process p = new ProcessBuilder("bash", "-c", line).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(20, TimeUnit.SECONDS));
        return out;
    }

    @Test
    void bashCompletionCompletesCommandsAndOptions() throws Exception {
        Result bash = hwf("completion", "bash");
        assertEquals(0, bash.code(), bash.all());
        Path script = tmp.resolve("hwf-completion.bash");
        Files.writeString(script, bash.out());
        assertTrue(complete(script, "hwf", "wa").lines().toList().contains("watch"));
        assertTrue(complete(script, "hwf", "logs", "r1", "t", "--st").lines().toList().contains("--stderr"));
        assertTrue(complete(script, "hwf", "report", "--ht").lines().toList().contains("--html"));
        assertTrue(complete(script, "hwf", "journal", "ch").lines().toList().contains("check"));
        Result zsh = hwf("completion", "zsh");
        assertEquals(0, zsh.code());
        assertTrue(zsh.out().contains("bashcompinit"), "zsh loads bash completion support");
    }

    @Test
    void journalCheckAndBackupSayWhatTheyFoundWithTheirExitCodes() throws IOException {
        Path wf = tmp.resolve("wf.yaml");
        Files.writeString(wf, "name: jb\ntasks:\n  - name: t\n    array: 3\n    command: 'true'\n");
        Result run = hwf("-q", "submit", wf.toString(), "--set", "site.workdir=" + tmp.resolve("work"));
        assertEquals(0, run.code(), run.all());
        Result check = hwf("journal", "check");
        assertEquals(0, check.code(), check.all());
        assertTrue(check.out().contains("OK   counts       1 counts agree with 3 elements"), check.all());
        assertTrue(check.out().endsWith("sound\n"), check.all());
        Result json = hwf("journal", "check", "--json");
        assertTrue(json.out().startsWith("{\"journal\":\"" + tmp.resolve("journal.db") + "\",\"sound\":true,"), json.all());

        Path copy = tmp.resolve("backups/j.db");
        Result backup = hwf("journal", "backup", copy.toString());
        assertEquals(0, backup.code(), backup.all());
        assertEquals(0600, dev.hwf.launcher.exec.FileModes.of(copy));
        assertEquals(0700, dev.hwf.launcher.exec.FileModes.of(copy.getParent()));
        Result copied = CliRun.hwf(copy, "runs", "--json");
        assertEquals(hwf("runs", "--json").out(), copied.out(), "the copy holds the run");
        Result again = hwf("journal", "backup", copy.toString());
        assertEquals(1, again.code(), again.all()); // SPEC: journal backup exits 0 or 1
        assertTrue(again.err().contains(copy + " exists already"), again.all());

        java.nio.file.Files.setPosixFilePermissions(tmp.resolve("journal.db"),
                java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
        Result open = hwf("journal", "check");
        assertEquals(1, open.code(), open.all());
        assertTrue(open.out().contains("FAIL fileModes") && open.out().contains("NOT SOUND"), open.all());
        Result none = CliRun.hwf(tmp.resolve("absent.db"), "journal", "check");
        assertEquals(2, none.code(), none.all());
        assertTrue(none.err().contains("no journal at"), none.all());
        assertEquals(2, hwf("journal").code(), "a subcommand is needed");
    }

    @Test
    void aRunOnLocalThroughSubmitWatchLogsAndReport() throws IOException {
        Path wf = tmp.resolve("wf.yaml");
        Files.writeString(wf, """
                name: cli-demo
                tasks:
                  - name: hello
                    command: echo "hello from $HWF_TASK"; echo "to stderr" >&2
                  - name: shards
                    after: [hello]
                    array: 3
                    command: echo "shard $HWF_ARRAY_INDEX"
                """);
        String work = "site.workdir=" + tmp.resolve("work");
        Result quiet = hwf("-q", "submit", wf.toString(), "--set", work);
        assertEquals(0, quiet.code(), quiet.all());
        assertTrue(quiet.out().matches("run cli-demo-\\S+ SUCCEEDED\\n"), "--quiet: the final line only:\n" + quiet.all());
        String run = quiet.out().split(" ")[1];

        Result logs = hwf("logs", run, "hello");
        assertEquals("hello from hello\n", logs.out(), logs.all());
        assertEquals("to stderr\n", hwf("logs", run, "hello", "--stderr").out());
        assertEquals("shard 2\n", hwf("logs", run, "shards", "--element", "2").out());

        Result watch = hwf("watch", run);
        assertEquals(0, watch.code(), watch.all());
        assertTrue(watch.out().contains("shards  SUCCEEDED  3/3 done"), watch.all());
        assertTrue(watch.out().endsWith("run " + run + " SUCCEEDED\n"), watch.all());

        Result json = hwf("report", run, "--json", "-");
        assertEquals(0, json.code(), json.all());
        JsonNode report = new ObjectMapper().readTree(json.out());
        assertEquals(run, report.get("run").asText());
        assertEquals(4, report.get("totals").get("elements").asInt());
        assertEquals(3, report.get("tasks").get(1).get("elements").size());

        Path html = tmp.resolve("out/report.html");
        Result h = hwf("report", run, "--html", html.toString());
        assertEquals(0, h.code(), h.all());
        String page = Files.readString(html);
        assertTrue(page.contains("data-task=\"shards\" data-index=\"2\""), "the timeline has every element");
        assertFalse(hwf("-q", "report", run, "--html", html.toString()).out().contains("wrote"), "--quiet");
    }
}
