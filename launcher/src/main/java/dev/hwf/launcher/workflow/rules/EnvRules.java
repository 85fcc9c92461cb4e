package dev.hwf.launcher.workflow.rules;

import static dev.hwf.launcher.workflow.rules.FieldReader.absent;
import static dev.hwf.launcher.workflow.rules.FieldReader.alreadyReported;

import dev.hwf.api.ShellQuote;
import dev.hwf.launcher.workflow.Text;
import dev.hwf.launcher.workflow.YamlTree.Entry;
import dev.hwf.launcher.workflow.YamlTree.MapNode;
import dev.hwf.launcher.workflow.YamlTree.Node;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code env}: the variables a job gets, plain values and secrets. A secret is written
 * {@code {fromEnv: VAR}} and read from the submitting environment at each submission, so its
 * value never lands in the workflow file or the journal.
 */
final class EnvRules {
    private final FieldReader read;

    EnvRules(FieldReader read) {
        this.read = read;
    }

    /** Plain values into {@code f.env}, {@code {fromEnv: VAR}} references into {@code f.secrets}. */
    void read(Node node, String path, Settings f) {
        MapNode m = read.map(node, path, "a map of variable names to values, e.g. { OMP_NUM_THREADS: \"4\" }");
        if (m == null) {
            return;
        }
        Map<String, String> env = new LinkedHashMap<>();
        Map<String, String> secrets = new LinkedHashMap<>();
        f.env = env;
        f.secrets = secrets;
        for (Entry e : m.entries()) {
            String key = path + "." + e.key();
            if (!Names.ENV_NAME.matcher(e.key()).matches()) {
                read.at(e.keyPos(), key, Text.show(e.key()) + " is not a valid environment variable name;"
                        + " use letters, digits and '_', not starting with a digit");
                continue;
            }
            if (e.key().startsWith("HWF_")) {
                read.at(e.keyPos(), key, "names starting with HWF_ are reserved for hwf (HWF_RUN, HWF_TASK,"
                        + " HWF_ATTEMPT, HWF_ARRAY_INDEX); choose another name");
                continue;
            }
            if (alreadyReported(e.value())) {
                continue;
            }
            if (absent(e.value())) {
                read.at(e.value() == null ? e.keyPos() : e.value().pos(), key,
                        "has no value; write " + e.key() + ": \"\" for an empty value");
                continue;
            }
            if (e.value() instanceof MapNode ref) {
                String variable = fromEnv(ref, key);
                if (variable != null) {
                    secrets.put(e.key(), variable);
                }
                continue;
            }
            String value = read.text(e.value(), key, "a text or number value, or {fromEnv: VARIABLE} for a secret");
            if (value == null) {
                continue;
            }
            if (value.indexOf('\0') >= 0) {
                read.at(e.value(), key, "contains a NUL character, which an environment variable cannot hold");
                continue;
            }
            // Kept verbatim: quotes, $(...) and backticks are quoted when the script is written.
            env.put(e.key(), value);
        }
    }

    /**
     * A secret: {@code {fromEnv: VAR}}, VAR set in this (the submitting) environment and one line
     * long, since its value is read again at each submission. Null after reporting a problem.
     */
    private String fromEnv(MapNode ref, String key) {
        String refKey = key + ".fromEnv";
        for (Entry e : ref.entries()) {
            if (!e.key().equals("fromEnv")) {
                read.at(e.keyPos(), key + "." + e.key(), "unknown key " + Text.show(e.key()) + "; a secret is"
                        + " written {fromEnv: VARIABLE}, naming the variable of the submitting environment it is read"
                        + " from");
                return null;
            }
        }
        Entry from = ref.get("fromEnv");
        if (from == null) {
            read.at(ref, key, "a secret is written {fromEnv: VARIABLE}, naming the variable it is read from");
            return null;
        }
        String variable = read.text(from.value(), refKey, "the name of an environment variable");
        if (variable == null) {
            return null;
        }
        if (!Names.ENV_NAME.matcher(variable).matches()) {
            read.at(from.value(), refKey, Text.show(variable) + " is not a valid environment variable name");
            return null;
        }
        String value = System.getenv(variable); // the submitting environment
        if (value == null) {
            read.at(from.value(), refKey, "the variable " + variable + " is not set here; hwf reads the secret from"
                    + " it at each submission: export " + variable + " before running hwf (see docs/guide/cron.md"
                    + " for hwf poll)");
            return null;
        }
        if (!ShellQuote.isOneLine(value)) {
            read.at(from.value(), refKey, "the value of " + variable + " holds a line break; a secret must be one"
                    + " line (encode it, e.g. with base64, and decode it in the command)");
            return null;
        }
        return variable;
    }
}
