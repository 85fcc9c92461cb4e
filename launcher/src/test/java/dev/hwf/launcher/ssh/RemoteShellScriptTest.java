package dev.hwf.launcher.ssh;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hwf.api.Command;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The command loop hwf runs in a remote login shell, run here by the local POSIX shells: command
 * lines with newlines, quotes and every other hostile character come out word for word, output is
 * framed by exact byte counts, one command cannot change the next one's directory, and a shell
 * that cannot start the loop says so by ending before "hwf-ready". (SshTransportIT runs it through
 * a real sshd.)
 */
class RemoteShellScriptTest {
    @TempDir
    Path tmp;

    /** One loop, driven as RemoteShell drives it. */
    private static final class Loop implements AutoCloseable {
        final Process p;
        final OutputStream in;
        final InputStream out;

        Loop(String shell, Path tmpdir) throws IOException {
            ProcessBuilder pb = new ProcessBuilder(shell, "-c", "echo 'noise from a login script'; "
                    + RemoteShell.SCRIPT).redirectError(ProcessBuilder.Redirect.DISCARD);
            pb.environment().put("TMPDIR", tmpdir.toString());
            p = pb.start();
            in = p.getOutputStream();
            out = p.getInputStream();
        }

        String line() throws IOException {
            ByteArrayOutputStream b = new ByteArrayOutputStream();
            for (int c = out.read(); c != '\n'; c = out.read()) {
                if (c < 0) {
                    return null;
                }
                b.write(c);
            }
            return b.toString(StandardCharsets.UTF_8);
        }

        void ready() throws IOException {
            String l;
            do {
                l = line();
            } while (l != null && !l.equals("hwf-ready"));
            assertEquals("hwf-ready", l);
        }

        String[] run(String commandLine) throws IOException {
            in.write((RemoteShell.encode(commandLine) + "\n").getBytes(StandardCharsets.UTF_8));
            in.flush();
            assertEquals("hwf-run", line());
            String[] h = line().split(" ");
            assertEquals("hwf-done", h[0]);
            String o = new String(out.readNBytes(Integer.parseInt(h[2])), StandardCharsets.UTF_8);
            String e = new String(out.readNBytes(Integer.parseInt(h[3])), StandardCharsets.UTF_8);
            return new String[] {h[1], o, e};
        }

        @Override
        public void close() throws Exception {
            in.close();
            assertTrue(p.waitFor(10, TimeUnit.SECONDS), "the loop did not end at end of input");
        }
    }

    static List<String> shells() {
        List<String> out = new ArrayList<>();
        for (String s : new String[] {"/bin/sh", "/bin/bash", "/bin/dash", "/usr/bin/zsh", "/bin/ksh"}) {
            if (Files.isExecutable(Path.of(s))) {
                out.add(s);
            }
        }
        return out;
    }

    @Test
    void commandsComeOutWordForWordWithExactOutput() throws Exception {
        Path canary = tmp.resolve("canary");
        List<String> args = List.of("", "two words", "it's", "new\nline", "\n", "\n\n'\n", "'\"$HWF_NL\"'",
                "$(touch " + canary + ")", "`touch " + canary + "`", "; touch " + canary, "*", "~", "\\", "héllo ✓",
                "=x", "!", "$hwf_line", "$hwf_d");
        String printf = SshCommandRunner.commandLine(Command.of(Stream.concat(Stream.of("printf", "%s\\0"),
                args.stream()).toList()));
        for (String shell : shells()) {
            try (Loop loop = new Loop(shell, tmp)) {
                loop.ready();
                String[] r = loop.run(printf);
                assertEquals("0", r[0], shell);
                assertEquals(String.join("\0", args) + "\0", r[1], shell);
                assertFalse(Files.exists(canary), shell + " ran a value");

                r = loop.run("printf '%s' 'no newline at the end'; echo ' and some stderr' >&2; exit 5");
                assertEquals(List.of("5", "no newline at the end", " and some stderr\n"), List.of(r), shell);
                r = loop.run("cd / && pwd");
                assertEquals("/\n", r[1]);
                assertNotEquals("/\n", loop.run("pwd")[1], shell + ": a command changed the next one's directory");
                assertEquals("", loop.run("cat")[1], shell + ": a command read the loop's input");
                r = loop.run("seq 1 50000");
                assertEquals(50000, r[1].lines().count());
                assertTrue(r[1].endsWith("49999\n50000\n"));
            }
        }
    }

    @Test
    void aShellThatCannotStartTheLoopEndsBeforeReady() throws Exception {
        try (Loop loop = new Loop("/bin/sh", tmp.resolve("no/such/dir"))) {
            String l;
            do {
                l = loop.line();
            } while (l != null && !l.equals("hwf-ready"));
            assertEquals(null, l, "ready without its temporary directory");
            assertTrue(loop.p.waitFor(10, TimeUnit.SECONDS));
            assertEquals(97, loop.p.exitValue());
        }
    }

    @Test
    void theLoopCleansUpItsTemporaryDirectory() throws Exception {
        try (Loop loop = new Loop("/bin/sh", tmp)) {
            loop.ready();
            assertEquals("0", loop.run("true")[0]);
            try (Stream<Path> s = Files.list(tmp)) {
                assertEquals(1, s.filter(p -> p.getFileName().toString().startsWith("hwf-ssh.")).count());
            }
        }
        try (Stream<Path> s = Files.list(tmp)) {
            assertEquals(0, s.filter(p -> p.getFileName().toString().startsWith("hwf-ssh.")).count());
        }
    }

    @Test
    void encodingIsOneLine() {
        assertEquals("'a'\"$HWF_NL\"'b'", RemoteShell.encode("a\nb"));
        assertFalse(RemoteShell.encode("x '\n' \n\n y").contains("\n"));
    }
}
