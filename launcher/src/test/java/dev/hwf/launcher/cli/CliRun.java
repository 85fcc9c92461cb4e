package dev.hwf.launcher.cli;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Runs one hwf command in this JVM, as {@code bin/hwf} would, against a given journal, and keeps what it printed. */
final class CliRun {
    private CliRun() {
    }

    record Result(int code, String out, String err) {
        String all() {
            return "exit " + code + "\n--- stdout\n" + out + "--- stderr\n" + err;
        }
    }

    /** Runs the command, checks its exit code (the message shows what it printed) and returns its stdout. */
    static String out(Path journal, int expectedCode, String... args) {
        Result r = hwf(journal, args);
        org.junit.jupiter.api.Assertions.assertEquals(expectedCode, r.code(), r.all());
        return r.out();
    }

    static Result hwf(Path journal, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        List<String> all = new ArrayList<>(List.of("--journal", journal.toString()));
        all.addAll(List.of(args));
        int code = Main.run(all.toArray(String[]::new), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }
}
