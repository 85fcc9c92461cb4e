package dev.hwf.launcher.workflow.rules;

import static dev.hwf.launcher.workflow.rules.FieldReader.absent;
import static dev.hwf.launcher.workflow.rules.FieldReader.join;

import dev.hwf.launcher.workflow.NamedSite;
import dev.hwf.launcher.workflow.Placement;
import dev.hwf.launcher.workflow.Task;
import dev.hwf.launcher.workflow.Text;
import dev.hwf.launcher.workflow.YamlTree.ListNode;
import dev.hwf.launcher.workflow.YamlTree.MapNode;
import dev.hwf.launcher.workflow.YamlTree.Node;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Where each task runs and what it exchanges (SPEC section 7): a task's {@code site}, {@code place},
 * {@code replaceAfter}, {@code inputs} and {@code outputs}, then the rules across tasks that
 * several sites bring (a service, an afterEach partner and a pilot stay on one site with their
 * tasks).
 */
public final class PlacementRules {
    private final FieldReader read;
    private final List<NamedSite> sites;
    private final boolean declared;

    /**
     * @param sites    the workflow's sites, in file order
     * @param declared whether the file has {@code sites:} (without it, a task cannot name a site)
     */
    public PlacementRules(FieldReader read, List<NamedSite> sites, boolean declared) {
        this.read = read;
        this.sites = sites;
        this.declared = declared;
    }

    /** The names of the sites, in file order. */
    private List<String> names() {
        return sites.stream().map(NamedSite::name).toList();
    }

    /** A task's placement keys; {@link Placement#NONE} when it has none (or they are wrong, which is reported). */
    public Placement read(ParsedTask p) {
        MapNode m = p.node();
        List<String> own = sites(m.value("site"), join(p.path(), "site"));
        Node placeNode = m.value("place");
        String place = read.choice(placeNode, join(p.path(), "place"), Placement.CHOICES);
        if (Placement.CHEAPEST.equals(place)) {
            for (String name : own.isEmpty() ? names() : own) {
                sites.stream().filter(s -> s.name().equals(name) && s.cost() == null).findFirst().ifPresent(s ->
                        read.at(placeNode, join(p.path(), "place"), "cheapest compares what the task costs on each"
                                + " of its sites, but site " + name + " has no cost; add sites." + name
                                + ".cost: { coreHour: ..., gpuHour: ... }"));
            }
        }
        Long replaceAfter = replaceAfter(m.value("replaceAfter"), join(p.path(), "replaceAfter"), own);
        List<String> outputs = globs(m.value("outputs"), join(p.path(), "outputs"));
        List<Placement.Input> inputs = inputs(m.value("inputs"), p);
        return new Placement(own, place, inputs, outputs, replaceAfter);
    }

    /**
     * {@code replaceAfter: DURATION}: in seconds, more than 0. It moves unstarted work to another of
     * the task's sites, so a task with one site is refused.
     */
    private Long replaceAfter(Node n, String key, List<String> own) {
        if (absent(n)) {
            return null;
        }
        Long seconds = read.seconds(n, key);
        if (seconds != null && own.size() < 2) {
            read.at(n, key, "withdraws a job that has not started to place it on another of the task's sites, but"
                    + " this task has " + (own.isEmpty() ? "only the default site" : "one site (" + own.get(0) + ")")
                    + "; give it several, e.g. site: [gpu, cpu], or leave replaceAfter out");
            return null;
        }
        return seconds;
    }

    /** {@code site: NAME} or {@code site: [A, B]}: known sites, each once. */
    private List<String> sites(Node n, String key) {
        if (absent(n)) {
            return List.of();
        }
        if (!declared) {
            read.at(n, key, "names one of the sites in sites:, but this workflow has none (its one site is site:);"
                    + " add sites: { NAME: {...} } at the top level, or leave site out of the task");
            return List.of();
        }
        List<Node> items = new ArrayList<>();
        if (n instanceof ListNode l) {
            if (l.items().isEmpty()) {
                read.at(n, key, "is empty; name one site or several, e.g. [gpu, cpu]");
            }
            items.addAll(l.items());
        } else {
            items.add(n);
        }
        List<String> out = new ArrayList<>();
        for (int i = 0; i < items.size(); i++) {
            String itemKey = n instanceof ListNode ? key + "[" + i + "]" : key;
            String name = read.text(items.get(i), itemKey, "a site name");
            if (name == null) {
                continue;
            }
            if (!names().contains(name)) {
                read.at(items.get(i), itemKey, "no site named " + Text.show(name) + "; sites are: "
                        + String.join(", ", names()));
            } else if (out.contains(name)) {
                read.at(items.get(i), itemKey, "site " + name + " is named twice");
            } else {
                out.add(name);
            }
        }
        return out;
    }

    /** A list of relative paths or globs inside a task's directory. */
    private List<String> globs(Node n, String key) {
        ListNode l = read.list(n, key, "a list of paths or globs relative to the task's directory, e.g. [\"*.csv\"]");
        List<String> out = new ArrayList<>();
        if (l == null) {
            return out;
        }
        read.eachItem(l, key, "empty entry; give a path or glob", (item, itemKey) -> {
            String g = glob(item, itemKey);
            if (g != null) {
                out.add(g);
            }
        });
        return out;
    }

    /** One relative path or glob: one line, not absolute, no {@code ..}. */
    private String glob(Node n, String key) {
        String g = read.oneLine(n, key, "path");
        if (g == null) {
            return null;
        }
        if (g.startsWith("/") || g.startsWith("~")) {
            read.at(n, key, Text.show(g) + " is absolute; give it relative to the task's directory");
            return null;
        }
        for (String part : g.split("/")) {
            if (part.equals("..")) {
                read.at(n, key, Text.show(g) + " leaves the task's directory ('..'); give a path inside it");
                return null;
            }
        }
        return g;
    }

    /** {@code inputs: [{from: TASK, path: GLOB}]}: from an upstream of the task. */
    private List<Placement.Input> inputs(Node n, ParsedTask p) {
        String key = join(p.path(), "inputs");
        ListNode l = read.list(n, key, "a list of {from: TASK, path: GLOB}");
        List<Placement.Input> out = new ArrayList<>();
        if (l == null) {
            return out;
        }
        read.eachItem(l, key, "empty entry; give {from: TASK, path: GLOB}", (item, itemKey) -> {
            MapNode m = read.map(item, itemKey, "a map {from: TASK, path: GLOB}");
            if (m == null) {
                return;
            }
            read.checkKeys(m, itemKey, KeyTable.INPUT);
            Node fromNode = m.value("from");
            Node pathNode = m.value("path");
            if (absent(fromNode)) {
                read.at(m, itemKey + ".from", "missing; name the upstream task the files come from");
            }
            if (absent(pathNode)) {
                read.at(m, itemKey + ".path", "missing; give a path or glob in the upstream's directory, e.g. \"*.csv\"");
            }
            String from = read.text(fromNode, itemKey + ".from", "a task name");
            String path = absent(pathNode) ? null : glob(pathNode, itemKey + ".path");
            if (from != null && !p.after().contains(from) && !p.afterEach().contains(from)) {
                read.at(fromNode, itemKey + ".from", Text.show(from) + " is not in after; files come from a task"
                        + " this one waits for, so add it to after: [" + from + "]");
                return;
            }
            if (from != null && path != null) {
                out.add(new Placement.Input(from, path));
            }
        });
        return out;
    }

    /**
     * The rules across tasks that sites bring: a service's dependants, an afterEach pair and a task
     * packed into pilots each run on one site with their partner (the service's address, the element
     * pairs' files and the pilots are on that site).
     *
     * @param tasks   the built tasks, in the order of {@code parsed}
     * @param siteOf  each task's sites, by name (its own, else the default site)
     * @param defaultSite the default site's name
     */
    public void checkAcross(List<Task> tasks, List<ParsedTask> parsed, Map<String, List<String>> siteOf,
                            String defaultSite) {
        Map<String, Task> byName = new LinkedHashMap<>();
        tasks.forEach(t -> byName.put(t.name(), t));
        for (int i = 0; i < tasks.size(); i++) {
            Task t = tasks.get(i);
            ParsedTask p = parsed.get(i);
            List<String> mine = siteOf.get(t.name());
            for (String up : t.after()) {
                Task u = byName.get(up);
                List<String> theirs = siteOf.get(up);
                boolean sameOne = mine.size() == 1 && mine.equals(theirs);
                if (u != null && u.isService() && !sameOne) {
                    read.at(p.node().value("site") == null ? p.namePos() : p.node().value("site").pos(),
                            join(p.path(), "site"), "uses service " + up + " (after), which runs on " + theirs
                                    + "; a service's dependants run on its one site, so give this task site: "
                                    + theirs.get(0));
                } else if (t.elementWise(up) && !sameOne) {
                    read.at(p.node().value("site") == null ? p.namePos() : p.node().value("site").pos(),
                            join(p.path(), "site"), "waits for " + up + " element by element (afterEach), which"
                                    + " runs on " + theirs + "; such pairs run on one site, so give both site: "
                                    + theirs.get(0));
                }
            }
            if (t.pilot() && !mine.equals(List.of(defaultSite))) {
                read.at(p.settings().pilotNode, join(p.path(), "pilot"), "pilot jobs run on the default site ("
                        + defaultSite + "); a task packed into them runs there too, so leave site out of it");
            }
        }
    }
}
