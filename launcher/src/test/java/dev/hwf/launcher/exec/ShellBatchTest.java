package dev.hwf.launcher.exec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hwf.api.Command;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Commands through a few real {@code /bin/sh} processes, as submission runs them on this machine. */
class ShellBatchTest {
    private final LocalCommandRunner runner = new LocalCommandRunner();

    @Test
    void eachCommandKeepsItsOwnOutputExitCodeAndOrder() {
        List<Command> commands = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            commands.add(Command.of("sh", "-c", "echo out-$0; echo err-$0 >&2; exit $(($0 % 3))", String.valueOf(i)));
        }
        List<CommandResult> results = runner.runAllOnce(commands, Duration.ofSeconds(30), 4);
        assertEquals(40, results.size());
        for (int i = 0; i < 40; i++) {
            assertEquals("out-" + i + "\n", results.get(i).stdout());
            assertEquals("err-" + i + "\n", results.get(i).stderr());
            assertEquals(i % 3, results.get(i).exitCode());
        }
    }

    @Test
    void wordsReachTheCommandExactlyAndAreNeverReadAsShellCode(@TempDir Path dir) throws Exception {
        Path marker = dir.resolve("pwned");
        String nasty = "a 'b' \"c\" $(touch " + marker + ") `touch " + marker + "` ; touch " + marker + " \\ $HOME\nline2";
        List<CommandResult> r = runner.runAllOnce(List.of(Command.of("printf", "%s", nasty)), Duration.ofSeconds(30), 2);
        assertEquals(nasty, r.get(0).stdout());
        assertFalse(Files.exists(marker));
    }

    @Test
    void variablesAndStdinGoToTheirCommandOnly(@TempDir Path dir) throws Exception {
        Path in = dir.resolve("script with space.sh");
        Files.writeString(in, "from stdin\n");
        Command secret = new Command(List.of("sh", "-c", "printf '%s' \"$HWF_SECRET\""), null,
                Map.of("HWF_SECRET", "s3cr't $x"));
        Command other = Command.of("sh", "-c", "printf '%s' \"${HWF_SECRET-unset}\"");
        Command reads = new Command(List.of("cat"), in.toString());
        List<CommandResult> r = runner.runAllOnce(List.of(secret, other, reads), Duration.ofSeconds(30), 1);
        assertEquals("s3cr't $x", r.get(0).stdout());
        assertEquals("unset", r.get(1).stdout());
        assertEquals("from stdin\n", r.get(2).stdout());
    }

    @Test
    void aMissingCommandIsItsOwnFailureNotTheBatchs() {
        List<CommandResult> r = runner.runAllOnce(List.of(Command.of("hwf-no-such-command-here"), Command.of("true")),
                Duration.ofSeconds(30), 1);
        assertEquals(127, r.get(0).exitCode());
        assertTrue(r.get(0).stderr().contains("not found"), r.get(0).stderr());
        assertEquals(0, r.get(1).exitCode());
    }

    @Test
    void aShellSilentPastTheTimeoutIsStoppedAndWhatDidNotEndIsUnknown() {
        // one shell: the first command ends, the second hangs, the third never starts
        List<Command> commands = List.of(Command.of("true"), Command.of("sleep", "30"), Command.of("true"));
        long t0 = System.nanoTime();
        List<CommandResult> r = runner.runAllOnce(commands, Duration.ofSeconds(1), 1);
        long seconds = (System.nanoTime() - t0) / 1_000_000_000L;
        assertNotNull(r.get(0));
        assertNull(r.get(1));
        assertNull(r.get(2));
        assertTrue(seconds < 10, "stopped after " + seconds + " s");
    }

    @Test
    void aFirstWordWithAnEqualsSignIsACommandNotAnAssignment() {
        List<CommandResult> r = runner.runAllOnce(List.of(Command.of("HWF_X=1", "arg")), Duration.ofSeconds(30), 1);
        assertEquals(127, r.get(0).exitCode());
    }

    @Test
    void aCommandWithANulIsNotRunAndTheOthersAre(@TempDir Path dir) {
        Path dropped = dir.resolve("ab");
        List<CommandResult> r = runner.runAllOnce(List.of(Command.of("touch", dir + "/a\0b"),
                Command.of("echo", "next")), Duration.ofSeconds(30), 2);
        assertNull(r.get(0), "unknown: never started");
        assertFalse(Files.exists(dropped), "a shell would have dropped the NUL and touched " + dropped);
        assertEquals("next\n", r.get(1).stdout());
    }

    @Test
    void aShellWhoseParentHasGoneStartsNoFurtherCommand(@TempDir Path dir) throws Exception {
        // the shell's parent ends 0.3 s in, while the first command runs (1 s): the second never starts
        Path first = dir.resolve("first");
        Path second = dir.resolve("second");
        Path script = dir.resolve("script");
        Files.writeString(script, ShellBatch.script(List.of(Command.of("sh", "-c", "sleep 1; touch " + first),
                Command.of("touch", second.toString())), List.of(0, 1), dir));
        Process parent = new ProcessBuilder("sh", "-c", "sh -s < \"$0\" & sleep 0.3", script.toString()).start();
        parent.waitFor();
        for (int i = 0; i < 50 && !Files.exists(first); i++) {
            Thread.sleep(100);
        }
        Thread.sleep(500);
        assertTrue(Files.exists(first), "the command running when hwf went ends as it would have");
        assertFalse(Files.exists(second), "no command starts once hwf has gone");
    }

    @Test
    void theScriptHoldsNoWordUnquoted() {
        String s = ShellBatch.script(List.of(new Command(List.of("sbatch", "--parsable", "/w/run 1/a.sh"), null,
                Map.of("TOKEN", "x'y"))), List.of(0), Path.of("/tmp/hwf-batch1"));
        assertEquals("d=/tmp/hwf-batch1\nkill -0 \"$PPID\" 2>/dev/null || exit 1\n"
                + "TOKEN='x'\\''y' sbatch --parsable '/w/run 1/a.sh' </dev/null "
                + ">\"$d/0.o\" 2>\"$d/0.e\"\nprintf '%s %s\\n' 0 $?\n", s);
    }
}
