package dev.hwf.launcher.journal;

import com.fasterxml.jackson.annotation.JsonAutoDetect;
import com.fasterxml.jackson.annotation.PropertyAccessor;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.hwf.launcher.ExitCodes;
import dev.hwf.launcher.HwfException;
import dev.hwf.launcher.workflow.Workflow;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The validated workflow as stored in the journal, so that {@code poll} and {@code resume} act on
 * exactly what was submitted even if the file has changed since.
 */
public final class SpecCodec {
    private static final ObjectMapper MAPPER = new ObjectMapper()
            .setVisibility(PropertyAccessor.ALL, JsonAutoDetect.Visibility.NONE)
            .setVisibility(PropertyAccessor.FIELD, JsonAutoDetect.Visibility.ANY)
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

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
        try {
            return MAPPER.writeValueAsString(wf);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise workflow " + wf.name(), e);
        }
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
            Workflow wf = MAPPER.readValue(json, Workflow.class);
            synchronized (DECODED) {
                DECODED.put(json, wf);
            }
            return wf;
        } catch (JsonProcessingException e) {
            throw new HwfException(ExitCodes.BAD_INPUT, "the journal's copy of this run's workflow cannot be read ("
                    + e.getOriginalMessage() + "); was it written by another hwf version?", e);
        }
    }
}
