package dev.hwf.pbs;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A JSON reader that accepts what {@code qstat -f -F json} prints, including the mistakes some PBS
 * Pro versions make in it:
 * <ul>
 * <li>invalid escapes such as {@code \'} or {@code \,} in environment values (read as the character
 * after the backslash);</li>
 * <li>raw control characters (tabs, line breaks) inside strings;</li>
 * <li>double quotes that were not escaped inside a string: a quote ends a string only where what
 * follows it can follow a string at that place (a {@code :} after a key; a {@code ,} and the next
 * key, or the closing brace, after a value);</li>
 * <li>values written without quotes that are no JSON numbers ({@code 005}): kept as their text.</li>
 * </ul>
 * Objects become {@link LinkedHashMap}s, arrays {@link List}s, and every scalar its text
 * ({@code null} for JSON's null). Text after the first complete value is ignored.
 */
final class LenientJson {

    /** The input could not be read even leniently. */
    static final class ParseException extends Exception {
        ParseException(String message, int at) {
            super(message + " at character " + at);
        }
    }

    private enum Place { KEY, OBJECT_VALUE, ARRAY_VALUE, TOP }

    private final String s;
    private int i;

    private LenientJson(String s) {
        this.s = s;
    }

    /** Reads the first JSON object in the text (anything before its opening brace is skipped). */
    static Map<String, Object> parseObject(String text) throws ParseException {
        if (text == null) {
            throw new ParseException("no text", 0);
        }
        int start = text.indexOf('{');
        if (start < 0) {
            throw new ParseException("no JSON object", 0);
        }
        LenientJson p = new LenientJson(text);
        p.i = start;
        @SuppressWarnings("unchecked")
        Map<String, Object> m = (Map<String, Object>) p.value(Place.TOP);
        return m;
    }

    private Object value(Place place) throws ParseException {
        skipSpace();
        if (i >= s.length()) {
            throw new ParseException("unexpected end of input", i);
        }
        char c = s.charAt(i);
        if (c == '{') {
            return object();
        }
        if (c == '[') {
            return array();
        }
        if (c == '"') {
            return string(place);
        }
        return bare();
    }

    private Map<String, Object> object() throws ParseException {
        i++; // {
        Map<String, Object> m = new LinkedHashMap<>();
        skipSpace();
        if (peek() == '}') {
            i++;
            return m;
        }
        while (true) {
            skipSpace();
            if (peek() != '"') {
                throw new ParseException("expected a key", i);
            }
            String key = string(Place.KEY);
            skipSpace();
            if (peek() != ':') {
                throw new ParseException("expected ':' after key '" + key + "'", i);
            }
            i++;
            m.put(key, value(Place.OBJECT_VALUE));
            skipSpace();
            char c = peek();
            i++;
            if (c == '}') {
                return m;
            }
            if (c != ',') {
                throw new ParseException("expected ',' or '}'", i - 1);
            }
            skipSpace();
            if (peek() == '}') { // a trailing comma
                i++;
                return m;
            }
        }
    }

    private List<Object> array() throws ParseException {
        i++; // [
        List<Object> l = new ArrayList<>();
        skipSpace();
        if (peek() == ']') {
            i++;
            return l;
        }
        while (true) {
            l.add(value(Place.ARRAY_VALUE));
            skipSpace();
            char c = peek();
            i++;
            if (c == ']') {
                return l;
            }
            if (c != ',') {
                throw new ParseException("expected ',' or ']'", i - 1);
            }
        }
    }

    private String string(Place place) throws ParseException {
        int open = i;
        i++; // opening quote
        StringBuilder sb = new StringBuilder();
        while (i < s.length()) {
            char c = s.charAt(i);
            if (c == '\\' && i + 1 < s.length()) {
                char e = s.charAt(i + 1);
                i += 2;
                switch (e) {
                    case 'n' -> sb.append('\n');
                    case 't' -> sb.append('\t');
                    case 'r' -> sb.append('\r');
                    case 'b' -> sb.append('\b');
                    case 'f' -> sb.append('\f');
                    case 'u' -> {
                        if (i + 4 <= s.length() && s.substring(i, i + 4).matches("[0-9A-Fa-f]{4}")) {
                            sb.append((char) Integer.parseInt(s.substring(i, i + 4), 16));
                            i += 4;
                        } else {
                            sb.append('u');
                        }
                    }
                    default -> sb.append(e); // \" \\ \/ and the invalid ones: \' \, ...
                }
                continue;
            }
            if (c == '"' && endsString(i + 1, place)) {
                i++;
                return sb.toString();
            }
            sb.append(c);
            i++;
        }
        throw new ParseException("string never ends", open);
    }

    /** Whether a quote just before {@code at} can end a string found at this place. */
    private boolean endsString(int at, Place place) {
        int j = skipSpace(at);
        char next = j < s.length() ? s.charAt(j) : '\0';
        return switch (place) {
            case KEY -> next == ':';
            case TOP -> true;
            case ARRAY_VALUE -> next == ',' || next == ']';
            case OBJECT_VALUE -> {
                if (next == '}' || next == '\0') {
                    yield true;
                }
                if (next != ',') {
                    yield false;
                }
                int k = skipSpace(j + 1);
                yield k >= s.length() || s.charAt(k) == '"' || s.charAt(k) == '}';
            }
        };
    }

    private String bare() throws ParseException {
        int start = i;
        while (i < s.length()) {
            char c = s.charAt(i);
            if (c == ',' || c == '}' || c == ']' || Character.isWhitespace(c)) {
                break;
            }
            i++;
        }
        if (i == start) {
            throw new ParseException("expected a value", i);
        }
        String token = s.substring(start, i);
        return "null".equals(token) ? null : token;
    }

    private char peek() throws ParseException {
        if (i >= s.length()) {
            throw new ParseException("unexpected end of input", i);
        }
        return s.charAt(i);
    }

    private void skipSpace() {
        i = skipSpace(i);
    }

    private int skipSpace(int from) {
        int j = from;
        while (j < s.length() && (s.charAt(j) == ' ' || s.charAt(j) == '\t' || s.charAt(j) == '\n'
                || s.charAt(j) == '\r')) {
            j++;
        }
        return j;
    }
}
