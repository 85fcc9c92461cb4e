package dev.hwf.launcher.workflow.rules;

import static dev.hwf.launcher.workflow.rules.FieldReader.absent;
import static dev.hwf.launcher.workflow.rules.FieldReader.alreadyReported;

import dev.hwf.launcher.workflow.Task;
import dev.hwf.launcher.workflow.Text;
import dev.hwf.launcher.workflow.YamlTree.Entry;
import dev.hwf.launcher.workflow.YamlTree.ListNode;
import dev.hwf.launcher.workflow.YamlTree.MapNode;
import dev.hwf.launcher.workflow.YamlTree.Node;
import dev.hwf.launcher.workflow.YamlTree.Scalar;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The software keys of a task or of {@code defaults} (SPEC section 6): {@code modules},
 * {@code setup} and {@code container}. Each is checked where it is written, with its file, line
 * and key; a task's own key wins over the same key in {@code defaults}.
 */
final class SoftwareRules {
    static final List<String> ENGINES = List.of("apptainer", "singularity", "podman");
    /** One module per entry: name/version as Lmod and Environment Modules spell them, nothing a shell reads. */
    static final Pattern MODULE = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.+/@:~-]*");
    /** podman's transports whose reference is a path on this machine. */
    private static final List<String> PODMAN_PATHS = List.of("oci-archive:", "docker-archive:", "oci:", "dir:");

    private final FieldReader read;
    private final Path baseDir;
    private final boolean remote;

    /**
     * @param remote the jobs run on a cluster reached over SSH: image paths are the cluster's, so
     *               they must be absolute and are not looked for here
     */
    SoftwareRules(FieldReader read, Path baseDir, boolean remote) {
        this.read = read;
        this.baseDir = baseDir;
        this.remote = remote;
    }

    /** What one map gives; null fields were not given (or were wrong, which is reported). */
    record Given(List<String> modules, String setup, Task.Container container) {
        static final Given NOTHING = new Given(null, null, null);

        /** These keys over {@code defaults}: each key given here wins. */
        Task.Software over(Given defaults) {
            return new Task.Software(modules != null ? modules : defaults.modules,
                    setup != null ? setup : defaults.setup, container != null ? container : defaults.container);
        }
    }

    Given read(MapNode m, String path) {
        return new Given(modules(m.value("modules"), path + ".modules"), setup(m.value("setup"), path + ".setup"),
                container(m.value("container"), path + ".container"));
    }

    /** A scalar's text, even a null's ("") or a refused one's: unlike FieldReader.text, which skips those. */
    private String scalar(Node n, String key, String what) {
        if (n instanceof Scalar s) {
            return s.text();
        }
        read.at(n, key, "expected " + what + ", got " + n.describe());
        return null;
    }

    /** A single line without NUL, not blank. */
    private String line(Node n, String key, String what) {
        if (absent(n)) {
            read.at(n, key, what + " must not be empty");
            return null;
        }
        String v = scalar(n, key, what);
        if (v == null) {
            return null;
        }
        if (v.isBlank() || v.indexOf('\n') >= 0 || v.indexOf('\r') >= 0 || v.indexOf('\0') >= 0) {
            read.at(n, key, what + " must be a single, non-empty line without NUL characters, got " + Text.show(v));
            return null;
        }
        return v;
    }

    private List<String> modules(Node n, String key) {
        if (absent(n) || alreadyReported(n)) {
            return null;
        }
        if (!(n instanceof ListNode l)) {
            read.at(n, key, "expected a list of modules, e.g. [gcc/12, cuda/12.2], got " + n.describe());
            return null;
        }
        List<String> out = new ArrayList<>();
        boolean ok = true;
        for (int i = 0; i < l.items().size(); i++) {
            Node item = l.items().get(i);
            String v = alreadyReported(item) ? null : line(item, key + "[" + i + "]", "a module");
            if (v != null && !MODULE.matcher(v).matches()) {
                read.at(item, key + "[" + i + "]", Text.show(v) + " is not a module name; give one module per entry"
                        + " (name or name/version: letters, digits and _ . + / @ : ~ -, not starting with - . / @"
                        + " : ~ +)");
                v = null;
            }
            if (v == null) {
                ok = false;
            } else {
                out.add(v);
            }
        }
        return ok ? out : null;
    }

    /** Shell code: one text (lines with |), or a list of lines. */
    private String setup(Node n, String key) {
        if (absent(n) || alreadyReported(n)) {
            return null;
        }
        String code;
        if (n instanceof ListNode l) {
            List<String> lines = new ArrayList<>();
            for (int i = 0; i < l.items().size(); i++) {
                String v = absent(l.items().get(i)) ? null : scalar(l.items().get(i), key + "[" + i + "]", "a line");
                if (v == null) {
                    return null;
                }
                lines.add(v);
            }
            code = String.join("\n", lines);
        } else {
            code = scalar(n, key, "shell lines (a text, or a list of lines)");
        }
        if (code == null) {
            return null;
        }
        if (code.isBlank() || code.indexOf('\0') >= 0) {
            read.at(n, key, "must be shell code without NUL characters, e.g. source ~/venvs/ml/bin/activate");
            return null;
        }
        return code;
    }

    private Task.Container container(Node n, String key) {
        if (absent(n) || alreadyReported(n)) {
            return null;
        }
        if (!(n instanceof MapNode m)) {
            read.at(n, key, "expected a map, e.g. { image: images/app.sif, engine: apptainer }, got " + n.describe());
            return null;
        }
        for (Entry e : m.entries()) {
            // No "did you mean" here, unlike FieldReader.checkKeys: the message has always been without.
            if (!KeyTable.CONTAINER.keys().contains(e.key())) {
                read.at(e.keyPos(), key + "." + e.key(), "unknown key " + Text.show(e.key()) + "; "
                        + KeyTable.CONTAINER.allowed());
            }
        }
        String engine = "apptainer";
        Node engineNode = m.value("engine");
        if (!absent(engineNode) && !alreadyReported(engineNode)) {
            String v = scalar(engineNode, key + ".engine", "one of " + String.join(", ", ENGINES));
            if (v != null && !ENGINES.contains(v)) {
                read.at(engineNode, key + ".engine", Text.show(v) + " is not allowed; use one of "
                        + String.join(", ", ENGINES));
            }
            engine = v != null && ENGINES.contains(v) ? v : null; // List.of refuses to look for null
        }
        Node imageNode = m.value("image");
        String image = null;
        if (imageNode == null) {
            read.at(m, key + ".image", "missing; name the image, e.g. image: images/app.sif or docker://python:3.12");
        } else if (!alreadyReported(imageNode)) {
            image = line(imageNode, key + ".image", "an image");
        }
        if (image != null && engine != null) {
            image = image(image, engine, imageNode, key + ".image");
        }
        List<String> binds = new ArrayList<>();
        Node bindsNode = m.value("binds");
        boolean bindsOk = true;
        if (!absent(bindsNode) && !alreadyReported(bindsNode)) {
            if (bindsNode instanceof ListNode l) {
                for (int i = 0; i < l.items().size(); i++) {
                    String b = line(l.items().get(i), key + ".binds[" + i + "]", "a bind");
                    if (b != null && (b.indexOf(',') >= 0 || b.startsWith("-"))) {
                        read.at(l.items().get(i), key + ".binds[" + i + "]", "give one bind per entry,"
                                + " src[:dest[:options]] without ',' and not starting with '-', got " + Text.show(b));
                        b = null;
                    }
                    bindsOk &= b != null;
                    binds.add(b);
                }
            } else {
                read.at(bindsNode, key + ".binds", "expected a list of binds, e.g. [\"/scratch/data:/data\"], got "
                        + bindsNode.describe());
                bindsOk = false;
            }
        }
        return image == null || engine == null || !bindsOk ? null : new Task.Container(image, engine, binds);
    }

    /**
     * The image as the job names it: a URI (docker://, library://, oras://, ...) or a podman image
     * name as written; a path made absolute against the workflow file's directory, and required to
     * exist on this machine (on a cluster over SSH it must be absolute and is not looked for).
     */
    private String image(String image, String engine, Node n, String key) {
        String prefix = "";
        String path = image;
        if (image.contains("://")) {
            return image;
        }
        if ("podman".equals(engine)) {
            prefix = PODMAN_PATHS.stream().filter(image::startsWith).findFirst().orElse(null);
            if (prefix == null) {
                return image; // a name in podman's image store (or a registry's)
            }
            path = image.substring(prefix.length());
        }
        if (remote) {
            if (!path.startsWith("/")) {
                read.at(n, key, "on a cluster reached over SSH the image path must be absolute (it is the"
                        + " cluster's), got " + Text.show(path));
                return null;
            }
            return image;
        }
        try {
            Path p = LocalPaths.resolve(baseDir, path);
            if (!Files.exists(p)) {
                read.at(n, key, "image not found: " + Text.show(p.toString()) + " (a relative path is read from the"
                        + " workflow file's directory)");
                return null;
            }
            return prefix + p;
        } catch (InvalidPathException e) {
            read.at(n, key, Text.show(path) + " is not a valid path: " + e.getReason());
            return null;
        }
    }
}
