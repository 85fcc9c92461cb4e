package dev.hwf.launcher.workflow;

import static dev.hwf.launcher.workflow.WorkflowAssertions.parse;
import static dev.hwf.launcher.workflow.WorkflowAssertions.problems;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hwf.launcher.journal.SpecCodec;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The workflow-level budget: { gpuHours: N } key. */
class BudgetValidationTest {
    private static final String TASKS = "tasks:\n  - name: t\n    command: 'true'\n";

    @Test
    void aBudgetIsReadAndSurvivesTheJournal() {
        Workflow wf = parse("name: x\nbudget: { gpuHours: 12.5 }\n" + TASKS);
        assertEquals(12.5, wf.budgetGpuHours());
        assertEquals(12.5, SpecCodec.fromJson(SpecCodec.toJson(wf)).budgetGpuHours());
        assertNull(parse("name: x\n" + TASKS).budgetGpuHours());
        assertEquals(100.0, parse("name: x\nbudget: { gpuHours: 100 }\n" + TASKS).budgetGpuHours());
    }

    @Test
    void aBudgetIsPerRunUnlessItSaysCampaign() {
        assertEquals(false, parse("name: x\nbudget: { gpuHours: 1 }\n" + TASKS).budgetPerCampaign());
        assertEquals(false, parse("name: x\nbudget: { gpuHours: 1, per: run }\n" + TASKS).budgetPerCampaign());
        Workflow wf = parse("name: x\nbudget: { gpuHours: 1, per: campaign }\n" + TASKS);
        assertTrue(wf.budgetPerCampaign());
        assertTrue(SpecCodec.fromJson(SpecCodec.toJson(wf)).budgetPerCampaign(), "kept with the run in the journal");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
        "budget: 5                  | budget          | expected a map",
        "budget: { gpuHours: 0 }    | budget.gpuHours | must be a number > 0",
        "budget: { gpuHours: -1.5 } | budget.gpuHours | must be a number > 0",
        "budget: { gpuHours: lots } | budget.gpuHours | expected a number of GPU-hours",
        "budget: { gpuHours: }      | budget.gpuHours | missing",
        "budget: { cpuHours: 1, gpuHours: 1 } | budget.cpuHours | unknown key",
        "budget: { gpuHours: 1, per: month }   | budget.per      | use one of run, campaign",
        "budget: { gpuHours: 1, per: [run] }   | budget.per      | one of run, campaign",
    })
    void badBudgets(String line, String key, String message) {
        List<Problem> ps = problems("name: x\n" + line + "\n" + TASKS);
        assertEquals(1, ps.size(), ps.toString());
        assertEquals(key, ps.get(0).key(), ps.toString());
        assertEquals(2, ps.get(0).line(), ps.toString());
        assertTrue(ps.get(0).message().contains(message), ps.toString());
    }
}
