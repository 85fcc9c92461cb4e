package dev.hwf.launcher.cli;

import dev.hwf.api.JobState;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * What hwf's standard output is: a terminal (progress is redrawn in place) or a file, pipe, cron
 * mail or CI log (plain lines, appended); and whether state words may be coloured.
 *
 * @param tty    stdout is an interactive terminal: {@code System.console()} exists and TERM is
 *               set and not {@code dumb}
 * @param colour ANSI colours allowed: a terminal, and {@code NO_COLOR} unset or empty
 * @param width  columns of the terminal (lines of a redrawn block are cut to fit, so that none
 *               wraps and the block can be redrawn exactly); 0 when not a terminal
 */
record Terminal(boolean tty, boolean colour, int width) {
    static final Terminal PLAIN = new Terminal(false, false, 0);

    static final String RESET = "\u001b[0m";

    /** Decides for the process's own stdout from its environment. */
    static Terminal detect() {
        return detect(System.getenv(), System.console() != null);
    }

    static Terminal detect(Map<String, String> env, boolean console) {
        String term = env.get("TERM");
        boolean tty = console && term != null && !term.isBlank() && !term.equals("dumb");
        if (!tty) {
            return PLAIN;
        }
        String noColour = env.get("NO_COLOR");
        return new Terminal(true, noColour == null || noColour.isEmpty(), columns(env));
    }

    /** COLUMNS when exported, else what the terminal says, else 80. */
    private static int columns(Map<String, String> env) {
        String c = env.get("COLUMNS");
        if (c != null) {
            try {
                int n = Integer.parseInt(c.strip());
                if (n > 0) {
                    return n;
                }
            } catch (NumberFormatException ignored) {
                // ask the terminal below
            }
        }
        if (Files.isReadable(Path.of("/dev/tty"))) {
            try {
                Process p = new ProcessBuilder("stty", "size").redirectInput(new File("/dev/tty"))
                        .redirectError(ProcessBuilder.Redirect.DISCARD).start();
                String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).strip();
                if (p.waitFor(2, TimeUnit.SECONDS) && p.exitValue() == 0) {
                    String[] rowsCols = out.split("\\s+");
                    int n = Integer.parseInt(rowsCols[rowsCols.length - 1]);
                    if (n > 0) {
                        return n;
                    }
                }
            } catch (IOException | NumberFormatException e) {
                // fall back below
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        return 80;
    }

    /** A state word in its colour (green, red, yellow, cyan, ...) when colours are on. */
    String state(String word) {
        if (!colour || word == null) {
            return word;
        }
        String code = switch (word) {
            case "SUCCEEDED" -> "32";          // green
            case "FAILED" -> "1;31";           // bold red
            case "CANCELLED" -> "35";          // magenta
            case "RUNNING" -> "36";            // cyan
            case "QUEUED" -> "33";             // yellow
            case "WAITING" -> "2";             // dim
            default -> null;
        };
        return code == null ? word : "\u001b[" + code + "m" + word + RESET;
    }

    String state(JobState s) {
        return state(s.name());
    }

    /** Dim text (times, hints) when colours are on. */
    String dim(String text) {
        return colour ? "\u001b[2m" + text + RESET : text;
    }

    /** Bold text when colours are on. */
    String bold(String text) {
        return colour ? "\u001b[1m" + text + RESET : text;
    }
}
