package dev.hwf.launcher.workflow;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;

/**
 * A YAML document as a tree whose every node knows where it was written. Jackson's tree model
 * forgets locations, so the tree is built here from the streaming parser. The rules in
 * {@code workflow.rules} read it through the public accessors; only this package (the parser
 * and {@code --set}) changes it.
 */
public final class YamlTree {
    /** Where a node or key was written; {@link #SET} for values that came from a {@code --set}. */
    public record Pos(String file, int line, int column) {
    }

    static final Pos SET = new Pos("--set", 0, 0);

    public abstract static sealed class Node permits MapNode, ListNode, Scalar {
        final Pos pos;

        Node(Pos pos) {
            this.pos = pos;
        }

        public Pos pos() {
            return pos;
        }

        /** How the node reads in a message: "a map", "the number 1.5", "text \"x\"". */
        public abstract String describe();
    }

    public static final class MapNode extends Node {
        final Map<String, Entry> entries = new LinkedHashMap<>();

        MapNode(Pos pos) {
            super(pos);
        }

        /** The entries in file order (a {@code --set} that adds a key puts it last). */
        public Collection<Entry> entries() {
            return Collections.unmodifiableCollection(entries.values());
        }

        public Entry get(String key) {
            return entries.get(key);
        }

        /** The value under key, or null when the key is absent. */
        public Node value(String key) {
            Entry e = entries.get(key);
            return e == null ? null : e.value;
        }

        @Override
        public String describe() {
            return "a map";
        }
    }

    /** One key of a map, where it was written, and its value (null when the key has none). */
    public static final class Entry {
        final String key;
        final Pos keyPos;
        Node value;

        Entry(String key, Pos keyPos, Node value) {
            this.key = key;
            this.keyPos = keyPos;
            this.value = value;
        }

        public String key() {
            return key;
        }

        public Pos keyPos() {
            return keyPos;
        }

        public Node value() {
            return value;
        }
    }

    public static final class ListNode extends Node {
        final List<Node> items = new ArrayList<>();

        ListNode(Pos pos) {
            super(pos);
        }

        public List<Node> items() {
            return Collections.unmodifiableList(items);
        }

        @Override
        public String describe() {
            return "a list";
        }
    }

    /** INVALID marks a value already reported while reading (an alias, say); checks skip it quietly. */
    public enum Kind { STRING, INT, FLOAT, BOOL, NULL, INVALID }

    public static final class Scalar extends Node {
        final Kind kind;
        /** The scalar as written (plain) or as decoded (quoted); "" for null. */
        final String text;

        Scalar(Pos pos, Kind kind, String text) {
            super(pos);
            this.kind = kind;
            this.text = text == null ? "" : text;
        }

        public Kind kind() {
            return kind;
        }

        public String text() {
            return text;
        }

        public boolean isNull() {
            return kind == Kind.NULL;
        }

        @Override
        public String describe() {
            return switch (kind) {
                case STRING -> "text " + Text.show(text);
                case INT, FLOAT -> "the number " + text;
                case BOOL -> "the boolean " + text;
                case NULL -> "nothing (null)";
                case INVALID -> "an unsupported value";
            };
        }
    }

    /** A YAML syntax error, located by the parser. */
    static final class SyntaxError extends Exception {
        private static final long serialVersionUID = 1L;
        final Problem problem;

        SyntaxError(Problem problem) {
            super(problem.toString());
            this.problem = problem;
        }
    }

    static final String SYNTAX_KEY = "(yaml syntax)";

    private static final YAMLFactory FACTORY = factory();

    private static YAMLFactory factory() {
        LoaderOptions options = new LoaderOptions();
        // A workflow has no use for aliases; keep the parser from expanding alias bombs.
        options.setMaxAliasesForCollections(10);
        options.setNestingDepthLimit(40);
        options.setCodePointLimit(8 * 1024 * 1024);
        // "key:" with no value reads as null (absent), while key: "" stays an empty string.
        return YAMLFactory.builder().loaderOptions(options)
                .enable(YAMLParser.Feature.EMPTY_STRING_AS_NULL).build();
    }

    private final String file;
    private final boolean fixedPos;
    private final List<Problem> problems;
    private JsonParser parser;

    private YamlTree(String file, boolean fixedPos, List<Problem> problems) {
        this.file = file;
        this.fixedPos = fixedPos;
        this.problems = problems;
    }

    /**
     * Reads one YAML document. Returns null for an empty document (nothing but comments).
     * Problems that leave the tree usable (duplicate keys, aliases) go to {@code problems}.
     *
     * @param fixedPos true for {@code --set} values: every node gets {@link #SET} as its position
     */
    static Node read(String text, String file, boolean fixedPos, List<Problem> problems) throws SyntaxError {
        return new YamlTree(file, fixedPos, problems).readDocument(text);
    }

    private Node readDocument(String text) throws SyntaxError {
        try (JsonParser p = FACTORY.createParser(text)) {
            parser = p;
            JsonToken t = p.nextToken();
            if (t == null) {
                return null;
            }
            Node root = readValue(t, "");
            if (p.nextToken() != null) {
                Pos at = pos(p.currentTokenLocation());
                problems.add(new Problem(at.file(), at.line(), at.column(), SYNTAX_KEY,
                        "a second YAML document (after ---) is not allowed; a workflow file holds one"));
            }
            return root;
        } catch (JsonProcessingException e) {
            // Jackson wraps SnakeYAML's error, whose marks say where the YAML went wrong.
            if (e.getCause() instanceof MarkedYAMLException marked) {
                throw new SyntaxError(syntaxProblem(marked));
            }
            JsonLocation l = e.getLocation();
            int line = l == null || fixedPos ? 0 : Math.max(l.getLineNr(), 0);
            int column = l == null || fixedPos ? 0 : Math.max(l.getColumnNr(), 0);
            throw new SyntaxError(new Problem(file, line, column, SYNTAX_KEY,
                    "not valid YAML: " + e.getOriginalMessage()));
        } catch (IOException e) {
            throw new SyntaxError(new Problem(file, 0, 0, SYNTAX_KEY, "cannot read: " + e.getMessage()));
        }
    }

    private Problem syntaxProblem(MarkedYAMLException e) {
        Mark contextMark = e.getContextMark();
        Mark at = e.getProblemMark() != null ? e.getProblemMark() : contextMark;
        // "unexpected end of stream" points past the text; where the unclosed thing began helps more.
        String problem = String.valueOf(e.getProblem());
        if (contextMark != null && (problem.contains("end of stream") || problem.contains("<stream end>"))) {
            at = contextMark;
        }
        StringBuilder message = new StringBuilder("not valid YAML: ");
        if (e.getContext() != null) {
            message.append(e.getContext());
            if (contextMark != null && at != contextMark && !fixedPos) {
                message.append(" (line ").append(contextMark.getLine() + 1)
                        .append(", column ").append(contextMark.getColumn() + 1).append(')');
            }
            message.append(": ");
        }
        message.append(problem);
        if (at == null || fixedPos) {
            return new Problem(file, 0, 0, SYNTAX_KEY, message.toString());
        }
        return new Problem(file, at.getLine() + 1, at.getColumn() + 1, SYNTAX_KEY, message.toString());
    }

    private Pos pos(JsonLocation l) {
        if (fixedPos || l == null) {
            return fixedPos ? SET : new Pos(file, 0, 0);
        }
        return new Pos(file, Math.max(l.getLineNr(), 0), Math.max(l.getColumnNr(), 0));
    }

    private Node readValue(JsonToken t, String path) throws IOException {
        Pos at = pos(parser.currentTokenLocation());
        switch (t) {
            case START_OBJECT: {
                MapNode map = new MapNode(at);
                for (JsonToken k = parser.nextToken(); k != JsonToken.END_OBJECT; k = parser.nextToken()) {
                    String key = parser.currentName() == null ? "" : parser.currentName();
                    Pos keyPos = pos(parser.currentTokenLocation());
                    String childPath = path.isEmpty() ? key : path + "." + key;
                    Node value = readValue(parser.nextToken(), childPath);
                    Entry first = map.entries.get(key);
                    if (first != null) {
                        problems.add(new Problem(keyPos.file(), keyPos.line(), keyPos.column(),
                                Text.escapeControls(childPath),
                                "key given twice (first on line " + first.keyPos.line() + "); keep one"));
                    } else {
                        map.entries.put(key, new Entry(key, keyPos, value));
                    }
                }
                return map;
            }
            case START_ARRAY: {
                ListNode list = new ListNode(at);
                for (JsonToken i = parser.nextToken(); i != JsonToken.END_ARRAY; i = parser.nextToken()) {
                    list.items.add(readValue(i, path + "[" + list.items.size() + "]"));
                }
                return list;
            }
            case VALUE_STRING:
                if (parser instanceof YAMLParser yp && yp.isCurrentAlias()) {
                    problems.add(new Problem(at.file(), at.line(), at.column(), Text.escapeControls(path),
                            "YAML aliases (*" + parser.getText() + ") are not supported; write the value out"));
                    return new Scalar(at, Kind.INVALID, parser.getText());
                }
                return new Scalar(at, Kind.STRING, parser.getText());
            case VALUE_NUMBER_INT:
                return new Scalar(at, Kind.INT, parser.getText());
            case VALUE_NUMBER_FLOAT:
                return new Scalar(at, Kind.FLOAT, parser.getText());
            case VALUE_TRUE:
            case VALUE_FALSE:
                return new Scalar(at, Kind.BOOL, parser.getText());
            case VALUE_NULL:
                return new Scalar(at, Kind.NULL, "");
            default:
                problems.add(new Problem(at.file(), at.line(), at.column(), Text.escapeControls(path),
                        "unsupported YAML value (" + t + "); use plain text, numbers, lists and maps"));
                return new Scalar(at, Kind.INVALID, "");
        }
    }
}
