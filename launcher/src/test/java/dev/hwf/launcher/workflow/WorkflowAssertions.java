package dev.hwf.launcher.workflow;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.fail;

import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.List;

/** Shared helpers: parse text, collect the problems, find one by key and line. */
final class WorkflowAssertions {
    static final String SOURCE = "wf.yaml";

    private WorkflowAssertions() {
    }

    static Path resource(String name) {
        try {
            return Path.of(WorkflowAssertions.class.getResource("/workflows/" + name).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    static Workflow parse(String yaml, String... sets) {
        return WorkflowLoader.parse(yaml, SOURCE, resource("spec-example.yaml").getParent(), List.of(sets));
    }

    static List<Problem> problems(String yaml, String... sets) {
        WorkflowException e = assertThrows(WorkflowException.class, () -> parse(yaml, sets));
        return e.problems();
    }

    /** The problem with this key and line; fails listing all problems when there is none. */
    static Problem problem(List<Problem> problems, String key, int line) {
        for (Problem p : problems) {
            if (p.key().equals(key) && p.line() == line) {
                return p;
            }
        }
        return fail("no problem for " + key + " on line " + line + " in:\n" + String.join("\n",
                problems.stream().map(Problem::toString).toList()));
    }

    /** The only problem, which must have this key and line. */
    static Problem only(List<Problem> problems, String key, int line) {
        if (problems.size() != 1) {
            fail("expected exactly one problem, got:\n"
                    + String.join("\n", problems.stream().map(Problem::toString).toList()));
        }
        return problem(problems, key, line);
    }

    /** The only problem, which must have this key (on whichever line). */
    static Problem only(List<Problem> problems, String key) {
        if (problems.size() != 1 || !problems.get(0).key().equals(key)) {
            fail("expected exactly one problem, for " + key + ", got:\n"
                    + String.join("\n", problems.stream().map(Problem::toString).toList()));
        }
        return problems.get(0);
    }
}
