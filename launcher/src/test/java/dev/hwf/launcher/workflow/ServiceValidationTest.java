package dev.hwf.launcher.workflow;

import static dev.hwf.launcher.workflow.WorkflowAssertions.parse;
import static dev.hwf.launcher.workflow.WorkflowAssertions.problems;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hwf.launcher.journal.SpecCodec;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** service: true with port and ready, and the rules that keep a service usable. */
class ServiceValidationTest {
    private static final String USER = "  - name: sim\n    after: [model]\n    command: 'true'\n";

    @Test
    void aServiceIsReadAndSurvivesTheJournal() {
        Workflow wf = parse("name: x\ntasks:\n  - name: model\n    service: true\n    port: 8080\n"
                + "    ready: curl -sf http://$HWF_SERVICE_HOST:$HWF_SERVICE_PORT/health\n    command: serve\n" + USER);
        Task model = wf.task("model");
        assertTrue(model.isService());
        assertEquals(8080, model.service().port());
        assertEquals("curl -sf http://$HWF_SERVICE_HOST:$HWF_SERVICE_PORT/health", model.service().ready());
        assertFalse(wf.task("sim").isService());
        assertEquals(Map.of("model", List.of("sim")), wf.serviceDependants());
        Workflow back = SpecCodec.fromJson(SpecCodec.toJson(wf));
        assertEquals(model.service(), back.task("model").service());
        assertNull(back.task("sim").service());
    }

    @Test
    void theReadyCheckIsOptional() {
        Workflow wf = parse("name: x\ntasks:\n  - name: model\n    service: true\n    port: 1\n    command: s\n" + USER);
        assertNull(wf.task("model").service().ready());
        assertFalse(parse("name: x\ntasks:\n  - name: model\n    service: false\n    command: s\n" + USER
                .replace("after: [model]", "after: []")).task("model").isService());
    }

    @Test
    void theEndpointVariableIsNamedAfterTheTask() {
        assertEquals("HWF_SERVICE_MODEL_URL", Task.serviceUrlVariable("model"));
        assertEquals("HWF_SERVICE_LLM_V2_0_URL", Task.serviceUrlVariable("llm-v2.0"));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
        "`    service: true\n    command: s\n`             | tasks.model.port    | 4 | a service needs port: N",
        "`    service: true\n    port: 70000\n    command: s\n` | tasks.model.port | 5 | 1..65535",
        "`    service: yes please\n    port: 80\n    command: s\n` | tasks.model.service | 4 | expected true or false",
        "`    port: 80\n    command: s\n`                 | tasks.model.port    | 4 | add service: true",
        "`    ready: 'true'\n    command: s\n`            | tasks.model.ready   | 4 | add service: true",
        "`    service: true\n    port: 80\n    array: 2\n    command: s\n` | tasks.model.array | 6 | cannot be an array",
        "`    service: true\n    port: 80\n    retries: 2\n    command: s\n` | tasks.model.retries | 4 | not retried",
        "`    service: true\n    port: 80\n    ready: ' '\n    command: s\n` | tasks.model.ready | 6 | exits 0",
    })
    void badServices(String body, String key, int line, String message) {
        List<Problem> ps = problems("name: x\ntasks:\n  - name: model\n" + body + USER);
        assertEquals(1, ps.size(), ps.toString());
        assertEquals(key, ps.get(0).key(), ps.toString());
        assertEquals(line, ps.get(0).line(), ps.toString());
        assertTrue(ps.get(0).message().contains(message), ps.toString());
    }

    @Test
    void aServiceNobodyUsesIsRefused() {
        List<Problem> ps = problems("name: x\ntasks:\n  - name: model\n    service: true\n    port: 80\n"
                + "    command: s\n");
        assertEquals(1, ps.size(), ps.toString());
        assertEquals("tasks.model.service", ps.get(0).key());
        assertTrue(ps.get(0).message().contains("after: [model]"), ps.toString());
    }

    @Test
    void retriesFromDefaultsDoNotReachAService() {
        List<Problem> ps = problems("name: x\ndefaults: { retries: 1 }\ntasks:\n  - name: model\n    service: true\n"
                + "    port: 80\n    command: s\n" + USER);
        assertEquals(1, ps.size(), ps.toString());
        assertTrue(ps.get(0).message().contains("perhaps from defaults"), ps.toString());
    }

    @Test
    void serviceKeysAreNotDefaults() {
        List<Problem> ps = problems("name: x\ndefaults: { port: 80 }\ntasks:\n  - name: t\n    command: s\n");
        assertEquals("defaults.port", ps.get(0).key(), ps.toString());
    }
}
