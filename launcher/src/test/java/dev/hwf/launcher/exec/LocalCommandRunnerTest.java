package dev.hwf.launcher.exec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hwf.api.Command;
import dev.hwf.launcher.ExitCodes;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Scheduler commands run as real processes: argv exactly as given, never through a shell. */
class LocalCommandRunnerTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    private final LocalCommandRunner runner = new LocalCommandRunner();

    @TempDir
    Path tmp;

    @Test
    void returnsExitCodeStdoutAndStderr() {
        CommandResult r = runner.run(Command.of("bash", "-c", "echo out; echo err >&2; exit 7"), TIMEOUT);
        assertEquals(new CommandResult(7, "out\n", "err\n"), r);
        assertEquals("err", r.firstErrorLine());
    }

    @Test
    void argumentsReachTheProgramUnchangedAndUnexpanded() {
        Path canary = tmp.resolve("canary");
        List<String> args = List.of("with space", "it's \"quoted\"", "$(touch " + canary + ")", "`id`", "*", "",
                "a;b", "line\nbreak", "héllo ✓", "-n");
        CommandResult r = runner.run(Command.of(java.util.stream.Stream.concat(
                java.util.stream.Stream.of("printf", "[%s]"), args.stream()).toList()), TIMEOUT);
        assertEquals(0, r.exitCode(), r.stderr());
        StringBuilder expected = new StringBuilder();
        args.forEach(a -> expected.append('[').append(a).append(']'));
        assertEquals(expected.toString(), r.stdout());
        assertFalse(Files.exists(canary));
    }

    @Test
    void stdinComesFromTheNamedFile() throws Exception {
        Path in = tmp.resolve("script with space.sh");
        Files.writeString(in, "#BSUB -J x\necho hi\n");
        CommandResult r = runner.run(new Command(List.of("cat"), in.toString()), TIMEOUT);
        assertEquals("#BSUB -J x\necho hi\n", r.stdout());
    }

    @Test
    void aCommandsVariablesReachItsEnvironmentAndNeverItsDisplay() {
        String secret = "s3cr3t 'with' $(quotes) and spaces";
        Command c = Command.of("bash", "-c", "printf '%s|%s' \"$HWF_T_SECRET\" \"${HOME:+home-kept}\"")
                .withEnv(java.util.Map.of("HWF_T_SECRET", secret));
        assertEquals(new CommandResult(0, secret + "|home-kept", ""), runner.run(c, TIMEOUT),
                "added to the process's own environment, not replacing it");
        assertFalse(c.display().contains("s3cr3t") || c.toString().contains("s3cr3t"), c.toString());
        assertTrue(c.display().startsWith("HWF_T_SECRET=<hidden> bash"), c.display());
    }

    @Test
    void withoutAStdinFileTheCommandReadsNothing() {
        CommandResult r = runner.run(Command.of("cat"), TIMEOUT);
        assertEquals(new CommandResult(0, "", ""), r);
    }

    @Test
    void aMissingProgramIsATransportErrorThatSaysSo() {
        TransportException e = assertThrows(TransportException.class,
                () -> runner.run(Command.of("hwf-no-such-program-xyz", "--version"), TIMEOUT));
        assertEquals(ExitCodes.UNREACHABLE, e.exitCode());
        assertTrue(e.getMessage().contains("hwf-no-such-program-xyz"), e.getMessage());
        assertTrue(e.getMessage().contains("this machine"), e.getMessage());
    }

    @Test
    void aCommandPastItsTimeoutIsKilledAndReported() {
        long start = System.nanoTime();
        TransportException e = assertThrows(TransportException.class,
                () -> runner.run(Command.of("sleep", "30"), Duration.ofMillis(500)));
        assertTrue(System.nanoTime() - start < Duration.ofSeconds(10).toNanos(), "the watchdog ended it");
        assertTrue(e.getMessage().contains("did not finish within"), e.getMessage());
        assertTrue(e.getMessage().contains("sleep 30"), e.getMessage());
    }

    @Test
    void aBackgroundedChildWithClosedStreamsDoesNotHoldTheCall() {
        // the local submit leaves a detached driver behind: the call must return at once anyway
        long start = System.nanoTime();
        CommandResult r = runner.run(Command.of("bash", "-c", "sleep 5 </dev/null >/dev/null 2>&1 & echo $!"),
                TIMEOUT);
        assertTrue(System.nanoTime() - start < Duration.ofSeconds(3).toNanos());
        ProcessHandle.of(Long.parseLong(r.stdout().strip())).ifPresent(ProcessHandle::destroyForcibly);
    }

    @Test
    void firstErrorLineFallsBackToStdoutThenToNoOutput() {
        assertEquals("sbatch: error: bad", new CommandResult(1, "", "\n  sbatch: error: bad \nmore\n")
                .firstErrorLine());
        assertEquals("only stdout", new CommandResult(1, "only stdout\n", "  \n").firstErrorLine());
        assertEquals("no output", new CommandResult(1, "", "").firstErrorLine());
    }
}
