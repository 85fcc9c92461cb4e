package dev.hwf.launcher.workflow.rules;

import static dev.hwf.launcher.workflow.rules.FieldReader.absent;
import static dev.hwf.launcher.workflow.rules.FieldReader.alreadyReported;

import dev.hwf.launcher.workflow.Task;
import dev.hwf.launcher.workflow.Text;
import dev.hwf.launcher.workflow.YamlTree.Entry;
import dev.hwf.launcher.workflow.YamlTree.ListNode;
import dev.hwf.launcher.workflow.YamlTree.MapNode;
import dev.hwf.launcher.workflow.YamlTree.Node;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A task's {@code matrix}: a parameter sweep, one array element per combination of the values,
 * each element seeing its values as environment variables.
 */
final class SweepRules {
    /** Most elements a sweep may have: its parameters are spelled out in every job script. */
    static final int MAX_SWEEP = 10_000;

    private final FieldReader read;

    SweepRules(FieldReader read) {
        this.read = read;
    }

    /**
     * A map of environment variable names to non-empty lists of scalar values, kept as written
     * (so 0.10 stays 0.10), in file order; null when absent or wrong.
     */
    Map<String, List<String>> matrix(Node node, String path) {
        MapNode m = read.map(node, path, "a map of parameter names to lists of values, e.g. { lr: [0.1, 0.01] }");
        if (m == null) {
            return null;
        }
        if (m.entries().isEmpty()) {
            read.at(m, path, "is empty; name at least one parameter with a list of values");
            return null;
        }
        Map<String, List<String>> out = new LinkedHashMap<>();
        boolean ok = true;
        for (Entry e : m.entries()) {
            List<String> values = values(e, path + "." + e.key());
            if (values == null) {
                ok = false;
            } else {
                out.put(e.key(), values);
            }
        }
        if (!ok) {
            return null;
        }
        int size = Task.sweepSize(out);
        if (size > MAX_SWEEP) {
            read.at(m, path, "makes " + (size == Integer.MAX_VALUE ? "more than " + Integer.MAX_VALUE : size)
                    + " combinations; a sweep may have at most " + MAX_SWEEP);
            return null;
        }
        return out;
    }

    /** One parameter's values; null when its name or any value is wrong (each is reported). */
    private List<String> values(Entry e, String key) {
        if (!Names.ENV_NAME.matcher(e.key()).matches()) {
            read.at(e.keyPos(), key, Text.show(e.key()) + " is not a valid parameter name; each element sees it"
                    + " as an environment variable: use letters, digits and '_', not starting with a digit");
            return null;
        }
        if (e.key().startsWith("HWF_")) {
            read.at(e.keyPos(), key, "names starting with HWF_ are reserved for hwf; choose another parameter name");
            return null;
        }
        if (alreadyReported(e.value())) {
            return null;
        }
        if (absent(e.value())) {
            read.at(e.value() == null ? e.keyPos() : e.value().pos(), key, "has no values; give a list, e.g. [1, 2]");
            return null;
        }
        ListNode values = read.list(e.value(), key, "a list of values, e.g. [1, 2]");
        if (values == null) {
            return null;
        }
        if (values.items().isEmpty()) {
            read.at(values, key, "is empty; a parameter needs at least one value");
            return null;
        }
        List<String> texts = new ArrayList<>();
        boolean ok = true;
        for (int i = 0; i < values.items().size(); i++) {
            Node item = values.items().get(i);
            String itemKey = key + "[" + i + "]";
            if (absent(item)) {
                read.at(item, itemKey, "empty value; write \"\" for an empty text");
                ok = false;
                continue;
            }
            String v = read.text(item, itemKey, "a text or number value");
            if (v == null) {
                ok = false;
            } else if (v.indexOf('\0') >= 0) {
                read.at(item, itemKey, "contains a NUL character, which an environment variable cannot hold");
                ok = false;
            } else {
                texts.add(v);
            }
        }
        return ok ? texts : null;
    }
}
