package dev.hwf.launcher.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hwf.api.JobState;
import dev.hwf.launcher.journal.ElementRecord;
import dev.hwf.launcher.journal.RunRecord;
import dev.hwf.launcher.journal.RunSnapshot;
import dev.hwf.launcher.journal.TaskRecord;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** Progress on a terminal (a block redrawn in place) and elsewhere (lines appended on change). */
class ProgressPrinterTest {
    private static final Instant T0 = Instant.parse("2026-03-01T10:00:00Z");
    private static final String ESC = "\u001b[";

    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
    private final AtomicReference<Instant> now = new AtomicReference<>(T0);

    /** A run of a plain task and a 4-element array, with the array's elements in the given states. */
    private static RunSnapshot snap(JobState first, JobState... train) {
        List<ElementRecord> elements = new ArrayList<>();
        elements.add(new ElementRecord("prep", 0, first, 1, 1, "41", null, null, null, null, null));
        for (int i = 0; i < train.length; i++) {
            elements.add(new ElementRecord("train", i, train[i], train[i] == JobState.WAITING ? 0 : 1, 1,
                    train[i] == JobState.WAITING ? null : "42", null, null, null, null, null));
        }
        boolean trainLive = train[0] != JobState.WAITING;
        JobState trainState = dev.hwf.launcher.journal.StateRollup.task(elements.subList(1, elements.size()), true).state();
        List<TaskRecord> tasks = List.of(
                new TaskRecord("prep", 0, first, null, 1, "41", null, 0, T0, T0, first.isFinal() ? T0.plusSeconds(5) : null),
                new TaskRecord("train", 1, trainState, null, trainLive ? 1 : 0, trainLive ? "42" : null, null,
                        train.length, trainLive ? T0.plusSeconds(5) : null, null, null));
        RunRecord run = new RunRecord("r-1", "wf", "local", "RUNNING", null, "wf.yaml", "{}", "/w", T0, null);
        return new RunSnapshot(run, tasks, elements, List.of());
    }

    private String text() {
        return bytes.toString(StandardCharsets.UTF_8);
    }

    @Test
    void plainOutputAppendsALineOnlyWhenATaskChanges() {
        ProgressPrinter p = new ProgressPrinter(out, Terminal.PLAIN, now::get);
        JobState w = JobState.WAITING;
        p.accept(snap(JobState.QUEUED, w, w, w, w));
        now.set(T0.plusSeconds(3));
        p.accept(snap(JobState.QUEUED, w, w, w, w)); // nothing new
        now.set(T0.plusSeconds(65));
        p.accept(snap(JobState.SUCCEEDED, JobState.SUCCEEDED, JobState.RUNNING, JobState.FAILED, JobState.QUEUED));
        assertEquals("""
                [00:00:00] prep   QUEUED     job 41
                [00:00:00] train  WAITING    0/4 done
                [00:01:05] prep   SUCCEEDED  job 41
                [00:01:05] train  RUNNING    1/4 done, 1 running, 1 queued, 1 failed  job 42
                """, text());
        assertFalse(text().contains(ESC), "no escape sequences outside a terminal");
    }

    @Test
    void aTerminalGetsTheWholeBlockRedrawnInPlace() {
        ProgressPrinter p = new ProgressPrinter(out, new Terminal(true, false, 120), now::get);
        JobState w = JobState.WAITING;
        p.accept(snap(JobState.RUNNING, w, w, w, w));
        String first = text();
        assertFalse(first.contains("\r"), "nothing to move back over the first time: " + first);
        assertEquals(3, first.split(java.util.regex.Pattern.quote(ESC + "2K"), -1).length - 1,
                "a header and one line per task: " + first);
        assertTrue(first.startsWith(ESC + "2Krun r-1  RUNNING  00:00:00  0/2 tasks finished\n"), first);
        bytes.reset();
        now.set(T0.plusSeconds(70));
        p.accept(snap(JobState.SUCCEEDED, JobState.SUCCEEDED, JobState.RUNNING, JobState.RUNNING, JobState.QUEUED));
        String second = text();
        assertTrue(second.startsWith("\r" + ESC + "3A"), "back up over the 3 lines drawn: " + second);
        List<String> lines = List.of(second.split("\n")); // (String.lines() would split at the \r too)
        assertEquals("\r" + ESC + "3A" + ESC + "2K" + "run r-1  RUNNING  00:01:10  1/2 tasks finished", lines.get(0));
        assertTrue(lines.get(1).contains("prep   SUCCEEDED"), second);
        assertTrue(lines.get(1).contains("00:00:05"), "a finished task's elapsed time stops at its end: " + second);
        assertTrue(lines.get(2).contains("train  RUNNING    1/4 done, 2 running, 1 queued  00:01:05  job 42"), second);
        assertTrue(second.endsWith(ESC + "J"), "anything below the block is cleared");
        assertFalse(java.util.regex.Pattern.compile("\u001b\\[[0-9;]*m").matcher(second).find(),
                "no colours when colours are off");
    }

    @Test
    void coloursOnlyWhenAllowedAndLinesNeverWrap() {
        ProgressPrinter p = new ProgressPrinter(out, new Terminal(true, true, 40), now::get);
        p.accept(snap(JobState.FAILED, JobState.SUCCEEDED, JobState.FAILED, JobState.FAILED, JobState.FAILED));
        String s = text();
        assertTrue(s.contains(ESC + "1;31mFAILED" + Terminal.RESET), "failed in red: " + s);
        for (String line : s.split("\n")) {
            String visible = line.replaceAll("\u001b\\[[0-9;]*[A-Za-z]", "").replace("\r", "");
            assertTrue(visible.length() <= 39, "cut to the width, one column spare: '" + visible + "'");
        }
    }

    @Test
    void terminalDetection() {
        assertEquals(Terminal.PLAIN, Terminal.detect(Map.of("TERM", "xterm"), false), "no console: plain");
        assertEquals(Terminal.PLAIN, Terminal.detect(Map.of("TERM", "dumb"), true), "TERM=dumb: plain");
        assertEquals(Terminal.PLAIN, Terminal.detect(Map.of(), true), "no TERM: plain");
        Terminal colour = Terminal.detect(Map.of("TERM", "xterm-256color", "COLUMNS", "100"), true);
        assertTrue(colour.tty() && colour.colour());
        assertEquals(100, colour.width());
        Terminal noColour = Terminal.detect(Map.of("TERM", "xterm", "NO_COLOR", "1", "COLUMNS", "90"), true);
        assertTrue(noColour.tty());
        assertFalse(noColour.colour(), "NO_COLOR set: no colours");
        assertTrue(Terminal.detect(Map.of("TERM", "xterm", "NO_COLOR", "", "COLUMNS", "90"), true).colour(),
                "an empty NO_COLOR does not count");
        assertEquals("SUCCEEDED", Terminal.PLAIN.state("SUCCEEDED"));
        assertEquals(ESC + "32mSUCCEEDED" + Terminal.RESET, colour.state("SUCCEEDED"));
    }
}
