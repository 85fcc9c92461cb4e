package dev.hwf.launcher.journal;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * One version of a run's workflow (schema 6): version 1 is what {@code hwf submit} recorded, each
 * {@code hwf resume --file/--set} adds the next.
 *
 * @param source      the workflow file it was read from, as given
 * @param text        the file's text as read, or null for a run recorded before hwf kept it
 * @param sets        the {@code --set} overrides applied to the text, in order
 * @param spec        the validated workflow as JSON
 * @param definitions each task's definition hash when the version was made (see
 *                    {@code plan.Definitions}); empty for a run recorded before hwf kept them
 * @param note        how it came to be ("submit", "resume --file fixed.yaml", ...)
 */
public record WorkflowVersion(int version, String source, String text, List<String> sets, String spec,
                              Map<String, String> definitions, String note, Instant createdAt) {
    public WorkflowVersion {
        sets = List.copyOf(sets);
        definitions = Map.copyOf(definitions);
    }
}
