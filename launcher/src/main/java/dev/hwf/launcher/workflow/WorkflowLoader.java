package dev.hwf.launcher.workflow;

import dev.hwf.launcher.workflow.YamlTree.MapNode;
import dev.hwf.launcher.workflow.YamlTree.Node;
import dev.hwf.launcher.workflow.rules.KeyTable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Reads a workflow file (SPEC section 1), applies {@code --set} overrides and validates it.
 * Every problem in the file is collected and thrown together, so the user fixes them in one go.
 */
public final class WorkflowLoader {
    /** Key used for problems about the file as a whole. */
    static final String FILE_KEY = "(file)";

    private WorkflowLoader() {
    }

    /**
     * Reads, applies overrides, validates, and fills in the user's notification defaults
     * ({@link UserConfig}). Throws WorkflowException listing ALL problems.
     */
    public static Workflow load(Path file, List<String> sets) {
        Workflow wf = parse(read(file), file.toString(), file.toAbsolutePath().normalize().getParent(), sets);
        return wf.withNotifyDefaults(UserConfig.notifyDefaults());
    }

    /** The text of a workflow file, UTF-8; a WorkflowException when there is none to read. */
    public static String read(Path file) {
        String source = file.toString();
        if (!Files.exists(file)) {
            throw single(source, "file not found: " + Text.show(file.toAbsolutePath().toString()));
        }
        if (Files.isDirectory(file)) {
            throw single(source, "is a directory; give the workflow's YAML file");
        }
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder()
                    .decode(ByteBuffer.wrap(Files.readAllBytes(file))).toString();
        } catch (CharacterCodingException e) {
            throw single(source, "is not UTF-8 text");
        } catch (IOException e) {
            throw single(source, "cannot read the file: " + e.getMessage());
        }
        return text;
    }

    /**
     * Same from text (for tests and for stored snapshots); {@code source} is used in messages,
     * {@code baseDir} resolves relative template paths (the current directory when null).
     */
    public static Workflow parse(String yamlText, String source, Path baseDir, List<String> sets) {
        String src = source == null ? "<workflow>" : source;
        Path base;
        try {
            base = (baseDir == null ? Path.of("") : baseDir).toAbsolutePath().normalize();
        } catch (InvalidPathException e) {
            base = Path.of("").toAbsolutePath();
        }
        List<Problem> problems = new ArrayList<>();
        Node root;
        try {
            root = YamlTree.read(yamlText == null ? "" : stripBom(yamlText), src, false, problems);
        } catch (YamlTree.SyntaxError e) {
            problems.add(e.problem);
            throw fail(problems);
        }
        if (root == null) {
            problems.add(new Problem(src, 1, 1, FILE_KEY,
                    "the file is empty; a workflow needs at least a name and tasks"));
            throw fail(problems);
        }
        if (!(root instanceof MapNode map)) {
            problems.add(new Problem(src, root.pos.line(), root.pos.column(), FILE_KEY,
                    "expected a map of keys (" + String.join(", ", KeyTable.TOP.keys()) + ") at the top level, got "
                            + root.describe()));
            throw fail(problems);
        }
        Overrides.apply(map, sets == null ? List.of() : sets, problems);
        Workflow workflow = new Validator(src, base, problems).validate(map);
        if (!problems.isEmpty() || workflow == null) {
            throw fail(problems);
        }
        return workflow;
    }

    private static String stripBom(String text) {
        return text.startsWith("\uFEFF") ? text.substring(1) : text;
    }

    private static WorkflowException single(String source, String message) {
        return new WorkflowException(List.of(new Problem(source, 0, 0, FILE_KEY, message)));
    }

    /** Problems in reading order: overrides (line 0) first, then by line and column. */
    private static WorkflowException fail(List<Problem> problems) {
        List<Problem> sorted = new ArrayList<>(problems);
        sorted.sort(Comparator.comparingInt(Problem::line).thenComparingInt(Problem::column));
        return new WorkflowException(sorted);
    }
}
