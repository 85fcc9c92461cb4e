package dev.hwf.launcher.journal;

/** Where an attempt ran, learned from something other than the scheduler (a pilot agent's name). */
public record RanOn(String task, int attempt, String where) {
}
