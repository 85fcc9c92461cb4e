package dev.hwf.launcher.journal;

import dev.hwf.launcher.ExitCodes;
import dev.hwf.launcher.HwfException;
import dev.hwf.launcher.Json;
import dev.hwf.launcher.workflow.Workflow;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The validated workflow as stored in the journal, so that {@code poll} and {@code resume} act on
 * exactly what was submitted even if the file has changed since.
 */
public final class SpecCodec {
    private SpecCodec() {
    }

    /**
     * The workflows decoded lately, by their stored text: a run's workflow (one per version) is
     * decoded once per process, not again by every Spring Batch step and every pass. A
     * {@link Workflow} is immutable, so one decoded copy serves every caller.
     */
    private static final Map<String, Workflow> DECODED = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Workflow> eldest) {
            return size() > 16;
        }
    };

    public static String toJson(Workflow wf) {
        return Json.write(wf);
    }

    /** The workflow stored with a run, or null when there is none or it cannot be read back. */
    public static Workflow fromJsonOrNull(String json) {
        if (json == null || json.isBlank()) {
            return null;
        }
        try {
            return fromJson(json);
        } catch (HwfException | IllegalArgumentException e) {
            return null;
        }
    }

    public static Workflow fromJson(String json) {
        synchronized (DECODED) {
            Workflow known = DECODED.get(json);
            if (known != null) {
                return known;
            }
        }
        try {
            Workflow wf = Json.read(json, Workflow.class);
            synchronized (DECODED) {
                DECODED.put(json, wf);
            }
            return wf;
        } catch (Json.Malformed e) {
            throw new HwfException(ExitCodes.BAD_INPUT, "the journal's copy of this run's workflow cannot be read ("
                    + e.getMessage() + "); was it written by another hwf version?", e);
        }
    }
}
