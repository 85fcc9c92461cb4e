package dev.hwf.launcher.exec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hwf.launcher.exec.SiteFiles.TaskDirScan;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The names of a task directory's files: built one way, read back the same way. */
class TaskDirTest {
    @Test
    void namesAnElementsFilesByItsTag() {
        assertEquals("3.17", TaskDir.tag(3, 17));
        assertEquals("exit.3.17", TaskDir.exit("3.17"));
        assertEquals("out.3.17.log", TaskDir.out("3.17"));
        assertEquals("err.3.17.log", TaskDir.err("3.17"));
        assertEquals("ready.3.17", TaskDir.ready("3.17"));
        assertEquals("reason.3.17", TaskDir.reason("3.17"));
        assertEquals("launch.3.17.sh", TaskDir.launch("3.17"));
        assertEquals("upstream.3.ok", TaskDir.upstreamOk("3"));
        assertEquals("job.3.sh", TaskDir.script(3));
        assertEquals("/w/r/t/err.3.17.log", TaskDir.Kind.ERR.in("/w/r/t", 3, 17));
        assertEquals("3", TaskDir.attemptOf("3.17"));
        assertEquals("17", TaskDir.indexOf("3.17"));
    }

    @Test
    void aJobScriptNamesThemByItsExportedVariables() {
        assertEquals("reason.$HWF_ATTEMPT.$HWF_ARRAY_INDEX", TaskDir.reason(TaskDir.SCRIPT_TAG));
        assertEquals("out.A.I.log", TaskDir.out(TaskDir.SHOWN_TAG));
    }

    @Test
    void parseReadsBackEveryElementFileAndNothingElse() {
        for (TaskDir.Kind k : TaskDir.Kind.values()) {
            assertEquals(new TaskDir.Listed(k, "2.40"), TaskDir.parse(k.of(2, 40)), k.name());
        }
        for (String other : List.of("job.1.sh", "exit.1.3.tmp", "exit.1", "exit.a.1", "exit.1.2.log", "out.1.2",
                "outx.1.2.log", "launch.1.2.sh", "upstream.1.ok", ".exit.1.2.tmp", "exit..1.2",
                "out.log", "exit.", "exit", "err..log")) {
            assertNull(TaskDir.parse(other), other);
        }
        assertTrue(TaskDir.isTag("0.0"));
        assertFalse(TaskDir.isTag("1.2.3"));
    }

    @Test
    void scanReadsOnlyTheFilesThatSaySomething() {
        Map<String, String> texts = Map.of("exit.1.0", "0", "exit.1.1", "", "ready.1.0", "n1:80", "reason.1.2", "why");
        TaskDirScan scan = TaskDir.scan(List.of("exit.1.0", "exit.1.1", "out.1.0.log", "err.1.3.log", "ready.1.0",
                "reason.1.2", "job.1.sh"), name -> TaskDirScan.exitCode(texts.get(name)),
                name -> TaskDirScan.endpoint(texts.get(name)));
        assertEquals(Map.of("1.0", 0), scan.exitCodes());
        assertEquals(Set.of("1.0"), scan.started());
        assertEquals(Map.of("1.0", "n1:80"), scan.ready());
        assertEquals(Map.of("1.2", "why"), scan.reasons());
    }
}
