package dev.hwf.launcher.serve;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * One open page's Server-Sent Events stream: the run it shows, what it was last sent, and the frames
 * waiting to go out. The watch only queues frames, so a slow browser never holds it up; a page that
 * lets its queue fill up is dropped, and its browser reconnects and gets everything afresh.
 */
final class LiveStream {
    private static final String END = "";
    private final BlockingQueue<String> frames = new ArrayBlockingQueue<>(16);
    final String run;
    volatile String sentRuns;
    volatile String sentRun;
    private volatile boolean ended;

    LiveStream(String run) {
        this.run = run;
    }

    /** Queues an event; false when the page is too far behind (it is then ended). */
    boolean offer(String event, String data) {
        if (ended) {
            return false;
        }
        if (!frames.offer("event: " + event + "\ndata: " + data + "\n\n")) {
            end();
            return false;
        }
        return true;
    }

    void end() {
        ended = true;
        frames.clear();
        frames.offer(END);
    }

    /** Writes frames as they come, with a comment line every {@code keepAlive}, until ended or the page goes. */
    void pump(OutputStream out, Duration keepAlive) throws IOException {
        try {
            while (!ended) {
                String frame = frames.poll(keepAlive.toMillis(), TimeUnit.MILLISECONDS);
                if (frame == END) {
                    break;
                }
                out.write((frame == null ? ": still here\n\n" : frame).getBytes(StandardCharsets.UTF_8));
                out.flush();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            ended = true;
        }
    }
}
