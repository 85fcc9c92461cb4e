package dev.hwf.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code hwf watch} drives a detached run to its end (it makes passes, as poll does), with plain
 * lines when stdout is a file and a redrawn, coloured block on a terminal (a pseudo-terminal from
 * util-linux's {@code script}), without colours when NO_COLOR is set.
 */
class WatchIT {
    private static final Pattern COLOUR = Pattern.compile("\u001b\\[[0-9;]*m");

    @TempDir
    Path scratch;

    private String detached(Hwf hwf) {
        Hwf.Result r = hwf.run("submit", Hwf.home().resolve("workflows/campaign.yaml").toString(), "--set",
                "site.workdir=" + scratch.resolve("work"), "--detach");
        assertEquals(0, r.code(), r.all());
        return r.out().strip();
    }

    @Test
    void watchDrivesADetachedRunToItsEndWithPlainLinesOffATerminal() {
        Hwf hwf = new Hwf(scratch, "0.3");
        String run = detached(hwf);
        Hwf.Result w = hwf.run("watch", run);
        assertEquals(0, w.code(), w.all());
        assertTrue(w.out().contains("] publish    SUCCEEDED"), w.all());
        assertTrue(w.out().endsWith("run " + run + " SUCCEEDED\n"), w.all());
        assertFalse(w.out().contains("\u001b"), "no escape sequences in a file");
        assertEquals("SUCCEEDED", hwf.status(run).get("state").asText());
        Hwf.Result again = hwf.run("watch", run);
        assertEquals(0, again.code(), "an ended run: its state, at once");
    }

    /** Runs hwf watch under a pseudo-terminal; returns everything it wrote. */
    private String watchOnATerminal(Hwf hwf, String run, Map<String, String> env) throws Exception {
        Path out = scratch.resolve("tty-" + System.nanoTime() + ".out");
        ProcessBuilder pb = new ProcessBuilder("script", "-qfec", Hwf.home().resolve("bin/hwf") + " watch " + run,
                "/dev/null").redirectOutput(out.toFile()).redirectErrorStream(true);
        pb.environment().put("HWF_JOURNAL", hwf.journal.toString());
        pb.environment().put("HWF_POLL_INTERVAL", "0.3");
        pb.environment().put("TERM", "xterm-256color");
        pb.environment().put("COLUMNS", "100");
        pb.environment().remove("NO_COLOR");
        pb.environment().putAll(env);
        Process p = pb.redirectInput(ProcessBuilder.Redirect.PIPE).start();
        assertTrue(p.waitFor(180, TimeUnit.SECONDS), "watch under script ran past 180 s");
        String text = Files.readString(out, StandardCharsets.UTF_8);
        assertEquals(0, p.exitValue(), text);
        return text;
    }

    @Test
    void aTerminalGetsARedrawnBlockInColourUnlessNoColor() throws Exception {
        Hwf hwf = new Hwf(scratch, "0.3");
        String tty = watchOnATerminal(hwf, detached(hwf), Map.of());
        assertTrue(tty.contains("\u001b[2K"), "lines are cleared and drawn again:\n" + tty);
        assertTrue(tty.contains("\u001b[4A"), "the cursor goes back over the block (header + 3 tasks):\n" + tty);
        assertTrue(tty.contains("\u001b[32mSUCCEEDED"), "SUCCEEDED in green:\n" + tty);

        String plain = watchOnATerminal(hwf, detached(hwf), Map.of("NO_COLOR", "1"));
        assertTrue(plain.contains("\u001b[4A"), "still redrawn in place:\n" + plain);
        assertFalse(COLOUR.matcher(plain).find(), "no colours with NO_COLOR:\n" + plain);

        String dumb = watchOnATerminal(hwf, detached(hwf), Map.of("TERM", "dumb"));
        assertFalse(dumb.contains("\u001b"), "TERM=dumb: plain lines:\n" + dumb);
        for (String line : List.of("] fetch      SUCCEEDED", "] publish    SUCCEEDED")) {
            assertTrue(dumb.contains(line), dumb);
        }
    }
}
