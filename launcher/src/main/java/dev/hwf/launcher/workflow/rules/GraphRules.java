package dev.hwf.launcher.workflow.rules;

import static dev.hwf.launcher.workflow.rules.FieldReader.join;

import dev.hwf.launcher.workflow.Task;
import dev.hwf.launcher.workflow.Text;
import dev.hwf.launcher.workflow.YamlTree.Node;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The rules across tasks: every after and afterEach names another task, the tasks do not wait
 * for each other in a circle, afterEach pairs arrays of one size, and every service has a
 * dependant. (Names are checked unique as the tasks are read, since a task's key path depends on it.)
 */
public final class GraphRules {
    private final FieldReader read;
    private final List<ParsedTask> parsed;
    /** The first task of each name; a later one of the same name is reported as a duplicate. */
    private final Map<String, ParsedTask> byName = new LinkedHashMap<>();

    public GraphRules(FieldReader read, List<ParsedTask> parsed) {
        this.read = read;
        this.parsed = parsed;
        for (ParsedTask p : parsed) {
            if (p.name() != null) {
                byName.putIfAbsent(p.name(), p);
            }
        }
    }

    /** Every after names a task and the tasks do not wait for each other in a circle. */
    public void checkAfter() {
        Map<String, List<String>> edges = new HashMap<>();
        Map<String, Node> edgeNodes = new HashMap<>();
        for (ParsedTask p : parsed) {
            for (int i = 0; i < p.after().size() + p.afterEach().size(); i++) {
                boolean each = i >= p.after().size();
                String dep = each ? p.afterEach().get(i - p.after().size()) : p.after().get(i);
                Node node = each ? p.afterEachNodes().get(i - p.after().size()) : p.afterNodes().get(i);
                String key = join(p.path(), each ? "afterEach" : "after");
                if (dep.equals(p.name())) {
                    read.at(node, key, "a task cannot run after itself");
                } else if (!byName.containsKey(dep)) {
                    read.at(node, key, "no task named " + Text.show(dep)
                            + "; tasks are: " + String.join(", ", byName.keySet()));
                } else if (p.name() != null && byName.get(p.name()) == p) {
                    edges.computeIfAbsent(p.name(), k -> new ArrayList<>()).add(dep);
                    edgeNodes.put(p.name() + "\0" + dep, node);
                }
            }
        }
        // Depth-first search with an explicit stack: a long chain of tasks cannot overflow the JVM stack.
        Map<String, Integer> state = new HashMap<>(); // absent = unvisited, 1 = on the path, 2 = done
        for (String start : byName.keySet()) {
            if (state.containsKey(start)) {
                continue;
            }
            Deque<String> pathNames = new ArrayDeque<>();
            Deque<Iterator<String>> pending = new ArrayDeque<>();
            state.put(start, 1);
            pathNames.addLast(start);
            pending.addLast(edges.getOrDefault(start, List.of()).iterator());
            while (!pending.isEmpty()) {
                Iterator<String> it = pending.peekLast();
                String from = pathNames.peekLast();
                if (!it.hasNext()) {
                    state.put(from, 2);
                    pathNames.removeLast();
                    pending.removeLast();
                    continue;
                }
                String to = it.next();
                Integer s = state.get(to);
                if (s == null) {
                    state.put(to, 1);
                    pathNames.addLast(to);
                    pending.addLast(edges.getOrDefault(to, List.of()).iterator());
                } else if (s == 1) {
                    List<String> cycle = new ArrayList<>();
                    boolean in = false;
                    for (String n : pathNames) {
                        in |= n.equals(to);
                        if (in) {
                            cycle.add(n);
                        }
                    }
                    cycle.add(to);
                    read.at(edgeNodes.get(from + "\0" + to), join(byName.get(from).path(), "after"),
                            "tasks wait for each other in a cycle: " + String.join(" -> ", cycle)
                                    + " (each waits for the next); remove one of these after entries");
                }
            }
        }
    }

    /**
     * Every afterEach names an array of the same size as the task's own, not also in after: element
     * i waits for element i (SPEC section 6).
     */
    public void checkAfterEach() {
        for (ParsedTask p : parsed) {
            for (int i = 0; i < p.afterEach().size(); i++) {
                String dep = p.afterEach().get(i);
                Node node = p.afterEachNodes().get(i);
                String key = join(p.path(), "afterEach");
                ParsedTask up = byName.get(dep);
                if (up == null || dep.equals(p.name())) {
                    continue; // reported with after's rules
                }
                if (p.after().contains(dep)) {
                    read.at(node, key, Text.show(dep) + " is in after as well; name it in one of them");
                    continue;
                }
                int mine = p.settings().elements();
                int theirs = up.settings().elements();
                if (mine == 0 || theirs == 0 || mine != theirs) {
                    read.at(node, key, "element i waits for element i of " + Text.show(dep) + ", so both must be"
                            + " arrays of the same size; this task has " + sizeText(mine) + ", " + dep + " has "
                            + sizeText(theirs));
                }
            }
        }
    }

    private static String sizeText(int n) {
        return n == 0 ? "no array" : n + " element" + (n == 1 ? "" : "s");
    }

    /**
     * Services checked against the other tasks: someone must use a service (it runs until its last
     * dependant ends), and a service is not retried (its dependants would lose it mid-way).
     *
     * @param tasks the built tasks, in the order of {@code parsed}
     */
    public void checkServices(List<Task> tasks) {
        Set<String> used = new HashSet<>();
        tasks.forEach(t -> used.addAll(t.after()));
        for (int i = 0; i < tasks.size(); i++) {
            Task t = tasks.get(i);
            ParsedTask p = parsed.get(i);
            if (!t.isService()) {
                continue;
            }
            if (!used.contains(t.name())) {
                read.at(p.settings().serviceNode, join(p.path(), "service"), "no task names "
                        + Text.show(t.name()) + " in after; a service runs until its last dependant ends, so at"
                        + " least one task must have after: [" + t.name() + "]");
            }
            if (t.retries() > 0) {
                read.at(p.settings().serviceNode, join(p.path(), "retries"), "a service is not retried (retries is "
                        + t.retries() + ", perhaps from defaults); set retries: 0 on it");
            }
        }
    }
}
