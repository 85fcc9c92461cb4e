package dev.hwf.launcher.journal;

import java.time.Instant;

/** A row of the run table. {@code spec} is the validated workflow as JSON. */
public record RunRecord(String id, String workflow, String scheduler, String state, String reason,
                        String source, String spec, String workdir, Instant submittedAt, Instant endedAt) {

    public boolean isFinished() {
        return !"RUNNING".equals(state);
    }
}
