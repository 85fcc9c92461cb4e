package dev.hwf.launcher.ssh;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hwf.api.Command;
import dev.hwf.launcher.HwfException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The remote command line a Command becomes: run here by the POSIX shells an SSH server would
 * hand it to, every hostile argument must arrive as exactly one word, unchanged and unexpanded.
 * (SshTransportIT runs the same through a real sshd.)
 */
class SshCommandLineTest {
    @TempDir
    Path tmp;

    static List<String> hostile(Path canary) {
        return List.of("plain", "", " ", "two words", "it's", "\"double\"", "$(touch " + canary + ")",
                "`touch " + canary + "`", "a; touch " + canary, "x && touch " + canary + " || y", "*", "?", "[a]",
                "~", "~root", "$HOME", "${HOME}", "\\", "back\\slash\\", "new\nline", "tab\there", "cr\rhere", "-n",
                "--flag=value", "=true", "=", "!", "!!", "#not-a-comment", "{a,b}", "a|b", ">" + canary, "<in", "&",
                "héllo ✓", "'", "''", "'\\''", "%s", "@", "\u0007bell");
    }

    static List<String> shells() {
        List<String> out = new ArrayList<>();
        for (String s : new String[] {"/bin/sh", "/bin/bash", "/bin/dash", "/usr/bin/zsh", "/bin/ksh", "/usr/bin/mksh"}) {
            if (Files.isExecutable(Path.of(s))) {
                out.add(s);
            }
        }
        return out;
    }

    @Test
    void hostileArgumentsArriveAsOneUnchangedWordEach() throws Exception {
        Path canary = tmp.resolve("canary");
        List<String> args = hostile(canary);
        Command cmd = Command.of(Stream.concat(Stream.of("printf", "%s\\0"), args.stream()).toList());
        String line = SshCommandRunner.commandLine(cmd);
        assertFalse(line.contains("\0"));
        List<String> shells = shells();
        assertTrue(shells.contains("/bin/sh") && shells.contains("/bin/bash"), "no POSIX shell to test with");
        for (String shell : shells) {
            byte[] out = run(shell, line);
            List<String> got = Arrays.asList(new String(out, StandardCharsets.UTF_8).split("\0", -1));
            assertEquals(args, got.subList(0, got.size() - 1), shell + " changed an argument of: " + line);
            assertFalse(Files.exists(canary), shell + " ran a value: " + line);
        }
        try (Stream<Path> left = Files.list(tmp)) {
            assertEquals(List.of(), left.toList(), "a value redirected or created a file");
        }
    }

    @Test
    void safeArgumentsStayReadable() {
        assertEquals("sbatch --parsable --chdir=/scratch/a/run-1/t --output=/scratch/a/slurm-%j.out /x/job.1.sh",
                SshCommandRunner.commandLine(Command.of("sbatch", "--parsable", "--chdir=/scratch/a/run-1/t",
                        "--output=/scratch/a/slurm-%j.out", "/x/job.1.sh")));
        assertEquals("squeue '--format=%i %T' ''", SshCommandRunner.commandLine(
                Command.of("squeue", "--format=%i %T", "")));
        assertEquals("printf ''\\''=x'\\''' '=x'", SshCommandRunner.commandLine(Command.of("printf", "'=x'", "=x")));
    }

    @Test
    void stdinFileBecomesAQuotedRedirection() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("it's a $(dir)"));
        Path script = dir.resolve("job 1.sh");
        Files.writeString(script, "echo from stdin\n");
        String line = SshCommandRunner.commandLine(new Command(List.of("bash"), script.toString()));
        assertTrue(line.startsWith("bash < '"), line);
        for (String shell : shells()) {
            assertEquals("from stdin\n", new String(run(shell, line), StandardCharsets.UTF_8), shell + ": " + line);
        }
    }

    @Test
    void aFirstWordWithAnEqualsSignIsACommandNotAnAssignment() throws Exception {
        Path canary = tmp.resolve("canary");
        String line = SshCommandRunner.commandLine(Command.of("HWF_X=1", "touch", canary.toString()));
        for (String shell : shells()) {
            Process p = new ProcessBuilder(shell, "-c", line).directory(tmp.toFile()).start();
            assertTrue(p.waitFor(10, TimeUnit.SECONDS), shell + " did not finish");
            assertEquals(127, p.exitValue(), shell + " ran a command after an assignment: " + line);
            assertFalse(Files.exists(canary), shell + ": " + line);
        }
    }

    @Test
    void nulCannotBeCarriedAndIsRefused() {
        HwfException e = assertThrows(HwfException.class,
                () -> SshCommandRunner.commandLine(Command.of("echo", "a\0b")));
        assertTrue(e.getMessage().contains("NUL"), e.getMessage());
    }

    private byte[] run(String shell, String line) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(shell, "-c", line).directory(tmp.toFile())
                .redirectError(ProcessBuilder.Redirect.INHERIT).redirectInput(ProcessBuilder.Redirect.from(
                        Path.of("/dev/null").toFile())).start();
        byte[] out = p.getInputStream().readAllBytes();
        assertTrue(p.waitFor(10, TimeUnit.SECONDS), shell + " did not finish");
        assertEquals(0, p.exitValue(), shell + " failed on: " + line);
        return out;
    }
}
