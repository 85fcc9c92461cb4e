package dev.hwf.launcher.workflow.rules;

import dev.hwf.api.ShellQuote;
import dev.hwf.launcher.workflow.Durations;
import dev.hwf.launcher.workflow.Problem;
import dev.hwf.launcher.workflow.Sizes;
import dev.hwf.launcher.workflow.Text;
import dev.hwf.launcher.workflow.YamlTree.Entry;
import dev.hwf.launcher.workflow.YamlTree.Kind;
import dev.hwf.launcher.workflow.YamlTree.ListNode;
import dev.hwf.launcher.workflow.YamlTree.MapNode;
import dev.hwf.launcher.workflow.YamlTree.Node;
import dev.hwf.launcher.workflow.YamlTree.Pos;
import dev.hwf.launcher.workflow.YamlTree.Scalar;
import java.util.List;
import java.util.Locale;
import java.util.function.BiConsumer;
import java.util.function.ToLongFunction;
import java.util.regex.Pattern;

/**
 * Reads values of a workflow's tree as the types their keys want (whole numbers, sizes,
 * durations, choices, one-line texts, names of a pattern) and checks a map's keys against their
 * table. What is wrong goes to the problem list, located by file, line, column and key path, so
 * that every problem of a file is reported together. Each typed read returns null after
 * reporting, or when the value is absent or null.
 */
public final class FieldReader {
    private static final Pattern DECIMAL = Pattern.compile("[+-]?\\d{1,18}");

    private final List<Problem> problems;

    public FieldReader(List<Problem> problems) {
        this.problems = problems;
    }

    // ---- problems ----

    public void at(Pos p, String key, String message) {
        problems.add(new Problem(p.file(), p.line(), p.column(), Text.escapeControls(key), message));
    }

    /** How many problems are known so far: a rule compares it before and after to learn whether it found any. */
    public int count() {
        return problems.size();
    }

    public void at(Node n, String key, String message) {
        at(n.pos(), key, message);
    }

    /** The key path of {@code key} under {@code path}: tasks.train + walltime. */
    static String join(String path, String key) {
        return path.isEmpty() ? key : path + "." + key;
    }

    public static boolean absent(Node n) {
        return n == null || (n instanceof Scalar s && s.isNull());
    }

    /** A value the YAML reader refused already (an alias, say): checks pass over it quietly. */
    static boolean alreadyReported(Node n) {
        return n instanceof Scalar s && s.kind() == Kind.INVALID;
    }

    // ---- typed values ----

    /** Any scalar as the text it was written as (so name: 123 or account: 0042 keep their spelling). */
    String text(Node n, String key, String what) {
        Scalar s = node(n, Scalar.class, key, what);
        return s == null ? null : s.text();
    }

    public MapNode map(Node n, String key, String what) {
        return node(n, MapNode.class, key, what);
    }

    ListNode list(Node n, String key, String what) {
        return node(n, ListNode.class, key, what);
    }

    /** The node as a {@code type}; null when absent, or of another kind (which is reported). */
    private <T extends Node> T node(Node n, Class<T> type, String key, String what) {
        if (absent(n) || alreadyReported(n)) {
            return null;
        }
        if (type.isInstance(n)) {
            return type.cast(n);
        }
        at(n, key, "expected " + what + ", got " + n.describe());
        return null;
    }

    /**
     * Each item of a list with its key path, {@code path[i]}; an empty item is reported with
     * {@code ifEmpty} and skipped.
     */
    void eachItem(ListNode l, String path, String ifEmpty, BiConsumer<Node, String> each) {
        for (int i = 0; i < l.items().size(); i++) {
            Node item = l.items().get(i);
            String key = path + "[" + i + "]";
            if (absent(item)) {
                at(item, key, ifEmpty);
            } else {
                each.accept(item, key);
            }
        }
    }

    Integer integer(Node n, String key, int min) {
        if (absent(n) || alreadyReported(n)) {
            return null;
        }
        String expected = "a whole number " + (min == 0 ? ">= 0" : ">= " + min);
        if (n instanceof Scalar s && s.kind() == Kind.INT && DECIMAL.matcher(s.text()).matches()) {
            long v = Long.parseLong(s.text());
            if (v < min) {
                at(n, key, "must be " + (min == 0 ? ">= 0" : ">= " + min) + ", got " + s.text());
                return null;
            }
            if (v > Integer.MAX_VALUE) {
                at(n, key, "too large: " + s.text());
                return null;
            }
            return (int) v;
        }
        if (n instanceof Scalar s && s.kind() == Kind.STRING && DECIMAL.matcher(s.text().strip()).matches()) {
            at(n, key, "expected " + expected + ", got text " + Text.show(s.text()) + "; write it without quotes");
        } else {
            at(n, key, "expected " + expected + ", got " + n.describe());
        }
        return null;
    }

    /**
     * A number written as one (1, 0.5, 1e3), {@code what} in messages ("a number of GPU-hours"): finite and > 0, or >= 0 with {@code zeroAllowed}; null
     * when absent or wrong (which is reported).
     */
    Double number(Node n, String key, String what, boolean zeroAllowed) {
        if (absent(n) || alreadyReported(n)) {
            return null;
        }
        String bound = zeroAllowed ? ">= 0" : "> 0";
        if (n instanceof Scalar s && (s.kind() == Kind.INT || s.kind() == Kind.FLOAT)) {
            try {
                double v = Double.parseDouble(s.text());
                if (Double.isFinite(v) && (v > 0 || zeroAllowed && v == 0)) {
                    return v;
                }
            } catch (NumberFormatException e) {
                // reported below
            }
            at(n, key, "must be a number " + bound + ", got " + s.text());
            return null;
        }
        at(n, key, "expected " + what + " " + bound + ", got " + n.describe());
        return null;
    }

    /** A TCP port, 1..65535. */
    Integer port(Node n, String key) {
        Integer port = integer(n, key, 1);
        if (port != null && port > 65535) {
            at(n, key, "must be a TCP port 1..65535, got " + port);
            return null;
        }
        return port;
    }

    /** A memory size such as 16G, in megabytes; more than 0. */
    Long megabytes(Node n, String key) {
        return positive(n, key, "a size such as 16G", Sizes::parseMegabytes);
    }

    /** A duration such as 02:00:00 or 90m, in seconds; more than 0. */
    Long seconds(Node n, String key) {
        return positive(n, key, "a duration such as 02:00:00", Durations::parseSeconds);
    }

    /** A text read by {@code parse}, which throws IllegalArgumentException with the user's message. */
    private Long positive(Node n, String key, String what, ToLongFunction<String> parse) {
        String v = text(n, key, what);
        if (v == null) {
            return null;
        }
        try {
            long value = parse.applyAsLong(v);
            if (value == 0) {
                at(n, key, "must be more than 0; leave it out for the scheduler's default");
                return null;
            }
            return value;
        } catch (IllegalArgumentException e) {
            at(n, key, e.getMessage());
            return null;
        }
    }

    /** A true/false key; null when absent or wrong (which is reported). */
    Boolean bool(Node n, String key) {
        if (absent(n) || alreadyReported(n)) {
            return null;
        }
        if (n instanceof Scalar s && s.kind() == Kind.BOOL) {
            return Boolean.parseBoolean(s.text().toLowerCase(Locale.ROOT));
        }
        at(n, key, "expected true or false, got " + n.describe());
        return null;
    }

    public String choice(Node n, String key, List<String> allowed) {
        String v = text(n, key, "one of " + String.join(", ", allowed));
        if (v != null && !allowed.contains(v)) {
            at(n, key, Text.show(v) + " is not allowed; use one of " + String.join(", ", allowed));
            return null;
        }
        return v;
    }

    public String matching(Node n, String key, Pattern pattern, String rule, String what) {
        String v = text(n, key, what);
        if (v != null && !pattern.matcher(v).matches()) {
            at(n, key, Text.show(v) + " is not a valid " + what + "; " + rule);
            return null;
        }
        return v;
    }

    /** Free text that must stay on one line (paths, directives): no line breaks, no NUL. */
    String oneLine(Node n, String key, String what) {
        String v = text(n, key, what);
        if (v == null) {
            return null;
        }
        if (v.isBlank()) {
            at(n, key, what + " must not be empty");
            return null;
        }
        if (!ShellQuote.isOneLine(v)) {
            at(n, key, what + " must be a single line without NUL characters, got " + Text.show(v));
            return null;
        }
        return v;
    }

    // ---- keys ----

    /** Reports every key of {@code m} its table does not hold, with the nearest one as a hint. */
    public void checkKeys(MapNode m, String path, KeyTable table) {
        for (Entry e : m.entries()) {
            if (!table.keys().contains(e.key())) {
                String hint = suggest(e.key(), table.keys());
                at(e.keyPos(), join(path, e.key()), "unknown key " + Text.show(e.key())
                        + (hint == null ? "" : " (did you mean " + hint + "?)") + "; " + table.allowed());
            }
        }
    }

    private static String suggest(String key, List<String> allowed) {
        String best = null;
        int bestDistance = 3;
        for (String a : allowed) {
            int d = a.equalsIgnoreCase(key) ? 0 : Text.distance(key.toLowerCase(), a.toLowerCase());
            if (d < bestDistance) {
                best = a;
                bestDistance = d;
            }
        }
        return best;
    }
}
