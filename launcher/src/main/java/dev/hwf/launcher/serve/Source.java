package dev.hwf.launcher.serve;

import java.nio.file.Path;

/**
 * What {@code hwf serve} shows, read from the journal through its read-only path, each call on its
 * own connection. Texts are JSON unless said otherwise. A run, task or element that does not exist
 * is an {@link dev.hwf.launcher.HwfException} with exit code 2 (BAD_INPUT), which the server turns
 * into 404 with its message.
 */
public interface Source extends AutoCloseable {
    /** The journal file. */
    Path journal();

    /**
     * A number that differs from the last one whenever something was committed to the journal since:
     * asked once a tick, so it must be cheap and must never wait for a writer long.
     */
    long changes();

    /** Lets go of what {@link #changes} holds. */
    @Override
    default void close() {
    }

    /** The runs, newest first: {@code [{run, workflow, state, reason, submitted, ended}]}. */
    String runs();

    /**
     * One run: the object of {@code hwf status --json} with each task's elements as a {@code grid}
     * (one letter per element's state) and {@code counts}, and the newest events.
     */
    String run(String run);

    /** The report's timeline of the run, as an HTML fragment (inline SVG). */
    String timeline(String run);

    /**
     * One element: its state and attempts, and the last {@code bytes} of its stdout and stderr in
     * the attempt asked for (default: its latest), read where the logs are (over SSH for a remote site).
     */
    String element(String run, String task, int index, Integer attempt, int bytes);
}
