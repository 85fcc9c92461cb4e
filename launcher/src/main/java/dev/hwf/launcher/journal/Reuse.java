package dev.hwf.launcher.journal;

import java.util.Set;

/** Tasks of a new run that are recorded SUCCEEDED at once, as run {@code from} has them. */
public record Reuse(String from, Set<String> tasks) {
    public Reuse {
        tasks = Set.copyOf(tasks);
    }
}
