package dev.hwf.launcher.workflow;

import static dev.hwf.launcher.workflow.WorkflowAssertions.only;
import static dev.hwf.launcher.workflow.WorkflowAssertions.parse;
import static dev.hwf.launcher.workflow.WorkflowAssertions.problem;
import static dev.hwf.launcher.workflow.WorkflowAssertions.problems;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code afterEach} (SPEC section 6): element i waits for element i; both arrays of one size. */
class AfterEachValidationTest {
    @Test
    void anElementWisePipelineLoadsWithItsUpstreamInAfterToo() {
        Workflow wf = parse("""
                name: p
                tasks:
                  - { name: sim, array: 4, command: x }
                  - { name: prep, command: x }
                  - { name: fit, afterEach: [sim], after: [prep], matrix: { a: [1, 2], b: [x, y] }, command: x }
                """);
        Task fit = wf.task("fit");
        assertEquals(List.of("prep", "sim"), fit.after());
        assertEquals(List.of("sim"), fit.afterEach());
        assertTrue(fit.elementWise("sim") && !fit.elementWise("prep"));
    }

    @Test
    void sizesMustMatchWithLineAndKey() {
        Problem p = only(problems("""
                name: p
                tasks:
                  - { name: sim, array: 4, command: x }
                  - name: fit
                    array: 3
                    afterEach: [sim]
                    command: x
                """), "tasks.fit.afterEach", 6);
        assertTrue(p.message().contains("3 elements") && p.message().contains("4 elements"), p.message());
    }

    @Test
    void bothMustBeArraysTheUpstreamMustExistAndNotBeInAfterAsWell() {
        List<Problem> ps = problems("""
                name: p
                tasks:
                  - { name: sim, array: 2, command: x }
                  - { name: one, afterEach: [sim], command: x }
                  - { name: fit, array: 2, afterEach: [nosuch], command: x }
                  - { name: twice, array: 2, after: [sim], afterEach: [sim], command: x }
                """);
        assertTrue(problem(ps, "tasks.one.afterEach", 4).message().contains("no array"));
        assertTrue(problem(ps, "tasks.fit.afterEach", 5).message().contains("no task named"));
        assertTrue(problem(ps, "tasks.twice.afterEach", 6).message().contains("in after as well"));
        assertEquals(3, ps.size(), ps.toString());
    }

    @Test
    void aCycleThroughAfterEachIsACycle() {
        List<Problem> ps = problems("""
                name: p
                tasks:
                  - { name: a, array: 2, afterEach: [b], command: x }
                  - { name: b, array: 2, afterEach: [a], command: x }
                """);
        assertTrue(ps.stream().anyMatch(p -> p.message().contains("circle") || p.message().contains("cycle")),
                ps.toString());
    }
}
