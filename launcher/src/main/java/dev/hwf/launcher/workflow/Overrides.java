package dev.hwf.launcher.workflow;

import dev.hwf.launcher.workflow.YamlTree.Entry;
import dev.hwf.launcher.workflow.YamlTree.Kind;
import dev.hwf.launcher.workflow.YamlTree.ListNode;
import dev.hwf.launcher.workflow.YamlTree.MapNode;
import dev.hwf.launcher.workflow.YamlTree.Node;
import dev.hwf.launcher.workflow.YamlTree.Scalar;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Applies {@code --set key=value} overrides to the tree before validation, so that an overridden
 * value is checked exactly like one written in the file (and reported against {@code --set}).
 */
final class Overrides {
    private static final Pattern INDEXED = Pattern.compile("(.*)\\[(\\d{1,9})\\]");
    private static final String FILE = YamlTree.SET.file();

    private final List<Problem> problems;

    private Overrides(List<Problem> problems) {
        this.problems = problems;
    }

    static void apply(MapNode root, List<String> sets, List<Problem> problems) {
        Overrides o = new Overrides(problems);
        for (String set : sets) {
            o.applyOne(root, set == null ? "" : set);
        }
    }

    private void problem(String key, String message) {
        problems.add(new Problem(FILE, 0, 0, Text.escapeControls(key), message));
    }

    private void applyOne(MapNode root, String set) {
        int eq = set.indexOf('=');
        if (eq < 0) {
            problem(set, "expected key=value, e.g. tasks.train.array=16");
            return;
        }
        String path = set.substring(0, eq).strip();
        if (path.isEmpty()) {
            problem(set, "no key before '='; expected key=value, e.g. scheduler=slurm");
            return;
        }
        String[] segments = path.split("\\.", -1);
        for (String s : segments) {
            if (s.isEmpty()) {
                problem(path, "empty part in the key; separate keys with single dots, e.g. site.workdir");
                return;
            }
        }
        Node value = parseValue(path, set.substring(eq + 1));
        if (value != null) {
            walk(root, segments, 0, "", path, value);
        }
    }

    /**
     * The value as YAML would read it where that is what the user meant (16 is a number, "a b" is
     * quoted text, [a, b] is a list); any other text is taken verbatim, so a command such as
     * {@code echo a: b # c} or {@code "$HOME/run" --fast} survives instead of turning into a map,
     * losing its "comment" or failing to parse.
     */
    private Node parseValue(String path, String raw) {
        String text = raw.strip();
        if (text.isEmpty()) {
            return new Scalar(YamlTree.SET, Kind.NULL, "");
        }
        boolean collection = text.startsWith("[") || text.startsWith("{");
        List<Problem> readProblems = new ArrayList<>();
        Node node;
        try {
            node = YamlTree.read(text, FILE, true, readProblems);
        } catch (YamlTree.SyntaxError e) {
            if (collection) {
                problem(path, e.problem.message());
                return null;
            }
            return new Scalar(YamlTree.SET, Kind.STRING, text);
        }
        if (collection) {
            for (Problem p : readProblems) {
                problem(path, p.message());
            }
            return node;
        }
        if (node instanceof Scalar s && readProblems.isEmpty() && s.kind != Kind.INVALID) {
            boolean quoted = text.startsWith("\"") || text.startsWith("'");
            boolean isNull = s.kind == Kind.NULL && (text.equals("~") || text.equalsIgnoreCase("null"));
            if (quoted || isNull || s.text.equals(text)) {
                return s;
            }
        }
        return new Scalar(YamlTree.SET, Kind.STRING, text);
    }

    /** Goes down the tree one key at a time, creating missing maps on the way. */
    private void walk(MapNode map, String[] segs, int i, String done, String path, Node value) {
        String seg = segs[i];
        Integer index = null;
        Matcher m = INDEXED.matcher(seg);
        if (m.matches()) {
            seg = m.group(1);
            index = Integer.valueOf(m.group(2));
        }
        String here = done.isEmpty() ? seg : done + "." + seg;
        boolean last = i == segs.length - 1;
        Entry e = map.get(seg);
        if (index != null) {
            if (e == null || !(e.value instanceof ListNode list)) {
                problem(path, here + " is not a list" + (e == null ? " (not in the file)" : "")
                        + "; cannot use [" + index + "]");
                return;
            }
            if (index >= list.items.size()) {
                problem(path, here + " has " + list.items.size() + (list.items.size() == 1 ? " entry" : " entries")
                        + "; [" + index + "] is out of range");
                return;
            }
            String at = here + "[" + index + "]";
            if (last) {
                list.items.set(index, value);
            } else if (list.items.get(index) instanceof MapNode child) {
                walk(child, segs, i + 1, at, path, value);
            } else {
                problem(path, at + " is not a map; cannot set keys inside it");
            }
            return;
        }
        if (last) {
            if (e == null) {
                map.entries.put(seg, new Entry(seg, YamlTree.SET, value));
            } else {
                e.value = value;
            }
            return;
        }
        if (here.equals("tasks") && e != null && e.value instanceof ListNode tasks) {
            selectTask(tasks, segs, i + 1, path, value);
            return;
        }
        if (here.equals("tasks")) {
            problem(path, e == null ? "the file has no tasks" : "tasks is not a list; cannot select a task");
            return;
        }
        if (e == null || (e.value instanceof Scalar s && s.isNull())) {
            MapNode created = new MapNode(YamlTree.SET);
            if (e == null) {
                map.entries.put(seg, new Entry(seg, YamlTree.SET, created));
            } else {
                e.value = created;
            }
            walk(created, segs, i + 1, here, path, value);
        } else if (e.value instanceof MapNode child) {
            walk(child, segs, i + 1, here, path, value);
        } else {
            problem(path, here + " is " + e.value.describe() + ", not a map; cannot set " + segs[i + 1]
                    + " inside it");
        }
    }

    /**
     * Finds the task addressed by name. Task names may contain dots, so the longest run of
     * segments that names a task wins, as long as a key is left after it.
     */
    private void selectTask(ListNode tasks, String[] segs, int from, String path, Node value) {
        for (int end = segs.length - 1; end > from; end--) {
            String name = String.join(".", Arrays.copyOfRange(segs, from, end));
            List<MapNode> found = new ArrayList<>();
            for (Node item : tasks.items) {
                if (item instanceof MapNode task && task.value("name") instanceof Scalar s
                        && !s.isNull() && s.text.equals(name)) {
                    found.add(task);
                }
            }
            if (found.size() > 1) {
                problem(path, "several tasks are named " + Text.show(name) + "; use tasks[N] to pick one");
                return;
            }
            if (found.size() == 1) {
                walk(found.get(0), segs, end, "tasks." + name, path, value);
                return;
            }
        }
        if (from == segs.length - 1) {
            problem(path, "name a key of a task, e.g. tasks." + segs[from] + ".walltime=01:00:00");
            return;
        }
        problem(path, "no task named " + Text.show(segs[from]));
    }
}
