package dev.hwf.launcher.workflow;

import static dev.hwf.launcher.workflow.WorkflowAssertions.only;
import static dev.hwf.launcher.workflow.WorkflowAssertions.parse;
import static dev.hwf.launcher.workflow.WorkflowAssertions.problem;
import static dev.hwf.launcher.workflow.WorkflowAssertions.problems;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hwf.launcher.journal.SpecCodec;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The matrix key: a task becomes an array of every combination of its parameters. */
class SweepTest {

    private static final String SWEEP = """
            name: sweep
            tasks:
              - name: train
                command: python train.py
                arrayLimit: 2
                matrix:
                  lr: [0.1, 0.010]
                  seed: [1, 2, 3]
            """;

    @Test
    void theMatrixMakesAnArrayOfTheCartesianProductFirstKeySlowest() {
        Task t = parse(SWEEP).task("train");
        assertTrue(t.isSweep());
        assertTrue(t.isArray());
        assertEquals(6, t.array());
        assertEquals(2, t.arrayLimit());
        assertEquals(Map.of("lr", List.of("0.1", "0.010"), "seed", List.of("1", "2", "3")), t.matrix());
        assertEquals(List.of("lr", "seed"), List.copyOf(t.params(0).keySet()), "file order");
        String[] expected = {"0.1/1", "0.1/2", "0.1/3", "0.010/1", "0.010/2", "0.010/3"};
        for (int i = 0; i < expected.length; i++) {
            Map<String, String> p = t.params(i);
            assertEquals(expected[i], p.get("lr") + "/" + p.get("seed"), "element " + i);
        }
    }

    @Test
    void aTaskWithoutMatrixHasNoParams() {
        Task t = parse("name: x\ntasks:\n  - name: a\n    command: 'true'\n    array: 3\n").task("a");
        assertTrue(t.matrix().isEmpty());
        assertTrue(t.params(1).isEmpty());
    }

    @Test
    void theSweepSurvivesTheJournalAndOldSpecsReadWithoutOne() {
        Workflow wf = parse(SWEEP);
        Workflow back = SpecCodec.fromJson(SpecCodec.toJson(wf));
        assertEquals(wf.task("train"), back.task("train"));
        assertEquals("seed", List.copyOf(back.task("train").matrix().keySet()).get(1));

        String old = SpecCodec.toJson(parse("name: x\ntasks:\n  - name: a\n    command: 'true'\n"))
                .replace(",\"matrix\":{}", "");
        assertTrue(!old.contains("matrix"), old);
        assertTrue(SpecCodec.fromJson(old).task("a").matrix().isEmpty());
    }

    @Test
    void matrixWithArrayIsRefusedAtTheArrayKey() {
        List<Problem> ps = problems("""
                name: x
                tasks:
                  - name: t
                    command: 'true'
                    array: 4
                    matrix: {a: [1, 2]}
                """);
        assertTrue(only(ps, "tasks.t.array", 5).message().contains("leave array out"), ps.toString());
    }

    @Test
    void matrixIsNotADefault() {
        List<Problem> ps = problems("name: x\ndefaults:\n  matrix: {a: [1]}\ntasks:\n  - name: t\n    command: 'true'\n");
        assertTrue(only(ps, "defaults.matrix", 3).message().contains("unknown key"), ps.toString());
    }

    @Test
    void everyBadEntryIsReportedTogether() {
        List<Problem> ps = problems("""
                name: x
                tasks:
                  - name: t
                    command: 'true'
                    matrix:
                      1a: [1]
                      HWF_X: [1]
                      empty: []
                      scalar: 3
                      nested: [1, [2]]
                """);
        assertEquals(5, ps.size(), ps.toString());
        problem(ps, "tasks.t.matrix.1a", 6);
        problem(ps, "tasks.t.matrix.HWF_X", 7);
        problem(ps, "tasks.t.matrix.empty", 8);
        problem(ps, "tasks.t.matrix.scalar", 9);
        problem(ps, "tasks.t.matrix.nested[1]", 10);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
        "matrix: [1, 2]           | expected a map of parameter names",
        "matrix: {}               | is empty",
        "matrix: {a: }            | has no values",
        "matrix: {a: [~]}         | empty value",
    })
    void badMatrixShapes(String line, String message) {
        List<Problem> ps = problems("name: x\ntasks:\n  - name: t\n    command: 'true'\n    " + line + "\n");
        assertEquals(1, ps.size(), ps.toString());
        assertEquals(5, ps.get(0).line(), ps.toString());
        assertTrue(ps.get(0).key().startsWith("tasks.t.matrix"), ps.toString());
        assertTrue(ps.get(0).message().contains(message), ps.toString());
    }

    @Test
    void tooManyCombinationsAreRefused() {
        List<Problem> ps = problems("""
                name: x
                tasks:
                  - name: t
                    command: 'true'
                    matrix:
                      a: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22]
                      b: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22]
                      c: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22]
                """);
        assertTrue(only(ps, "tasks.t.matrix", 6).message().contains("10648 combinations"), ps.toString());
    }
}
