package dev.hwf.launcher.workflow;

/** Message helpers: user text is shown escaped, so hostile values stay inert on a terminal. */
public final class Text {
    private static final int MAX_SHOWN = 60;

    private Text() {
    }

    /** The value in double quotes, control characters escaped, long values cut. */
    public static String show(String value) {
        return "\"" + escape(value, true, MAX_SHOWN) + "\"";
    }

    /** Control characters escaped, nothing else changed: for key paths built from the user's keys. */
    public static String escapeControls(String value) {
        return escape(value, false, Integer.MAX_VALUE);
    }

    private static String escape(String value, boolean quoted, int max) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < value.length(); i++) {
            if (i == max) {
                b.append("...");
                break;
            }
            char c = value.charAt(i);
            switch (c) {
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                case '\0' -> b.append("\\0");
                case '"' -> b.append(quoted ? "\\\"" : "\"");
                case '\\' -> b.append(quoted ? "\\\\" : "\\");
                default -> {
                    if (Character.isISOControl(c) || c == '\u2028' || c == '\u2029') {
                        b.append(String.format("\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        return b.toString();
    }

    /** Edit distance, for "did you mean" hints on misspelt keys. */
    public static int distance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }
}
