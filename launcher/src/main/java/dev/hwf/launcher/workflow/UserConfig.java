package dev.hwf.launcher.workflow;

import dev.hwf.launcher.Home;
import dev.hwf.launcher.workflow.YamlTree.MapNode;
import dev.hwf.launcher.workflow.YamlTree.Node;
import dev.hwf.launcher.workflow.rules.FieldReader;
import dev.hwf.launcher.workflow.rules.KeyTable;
import dev.hwf.launcher.workflow.rules.NotifyRules;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The user's defaults in {@code ~/.hwf/config.yaml}: {@code notify:}, which applies to every workflow
 * that has none, and {@code smtp:}, used where a workflow's site names no SMTP server. Checked as a
 * workflow is, with file, line and key in every problem; an absent file means no defaults.
 */
public final class UserConfig {
    private UserConfig() {
    }

    /** {@code ~/.hwf/config.yaml}, {@code ~} being {@code $HOME}. */
    public static Path file() {
        return Home.path(".hwf", "config.yaml");
    }

    /** The notification defaults of {@link #file()}; null when there is no such file or it sets none. */
    public static Notify notifyDefaults() {
        Path file = file();
        return Files.isRegularFile(file) ? parse(WorkflowLoader.read(file), file.toString()) : null;
    }

    /** The defaults from the text of a config file; WorkflowException listing every problem. */
    public static Notify parse(String text, String source) {
        List<Problem> problems = new ArrayList<>();
        Node root;
        try {
            root = YamlTree.read(text, source, false, problems);
        } catch (YamlTree.SyntaxError e) {
            throw new WorkflowException(List.of(e.problem));
        }
        if (root == null) {
            return null;
        }
        FieldReader read = new FieldReader(problems);
        MapNode map = read.map(root, WorkflowLoader.FILE_KEY, "a map of keys (" + String.join(", ",
                KeyTable.CONFIG.keys()) + ")");
        Notify notify = null;
        if (map != null) {
            read.checkKeys(map, "", KeyTable.CONFIG);
            notify = new NotifyRules(read).notify(map.value("notify"), map.value("smtp"), "smtp");
        }
        if (!problems.isEmpty()) {
            List<Problem> sorted = new ArrayList<>(problems);
            sorted.sort(Comparator.comparingInt(Problem::line).thenComparingInt(Problem::column));
            throw new WorkflowException(sorted);
        }
        return notify;
    }
}
