package dev.hwf.launcher.journal;

import com.fasterxml.jackson.annotation.JsonAutoDetect;
import com.fasterxml.jackson.annotation.PropertyAccessor;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.hwf.launcher.ExitCodes;
import dev.hwf.launcher.HwfException;
import dev.hwf.launcher.workflow.Workflow;

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
        try {
            return MAPPER.readValue(json, Workflow.class);
        } catch (JsonProcessingException e) {
            throw new HwfException(ExitCodes.BAD_INPUT, "the journal's copy of this run's workflow cannot be read ("
                    + e.getOriginalMessage() + "); was it written by another hwf version?", e);
        }
    }
}
