package dev.hwf.launcher.workflow;

import static dev.hwf.launcher.workflow.WorkflowAssertions.parse;
import static dev.hwf.launcher.workflow.WorkflowAssertions.problem;
import static dev.hwf.launcher.workflow.WorkflowAssertions.problems;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hwf.launcher.journal.SpecCodec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** modules, setup and container (SPEC section 6): read, merged over defaults, checked, kept in the journal. */
class SoftwareValidationTest {
    @TempDir
    Path dir;

    private Workflow parseIn(String yaml) {
        return WorkflowLoader.parse(yaml, "wf.yaml", dir, List.of());
    }

    @Test
    void keysAreReadAndTheTaskWinsOverDefaultsKeyByKey() throws Exception {
        Files.createDirectories(dir.resolve("images"));
        Files.writeString(dir.resolve("images/app.sif"), "not really an image");
        Workflow wf = parseIn("""
                name: x
                defaults:
                  modules: [gcc/12, cuda/12.2]
                  setup: source venv/bin/activate
                  container: { image: images/app.sif }
                tasks:
                  - name: a
                    command: run
                  - name: b
                    modules: [python/3.11-anaconda]
                    setup: [module list, conda activate ml]
                    container: { image: docker://python:3.12, engine: podman, binds: ["/scratch:/data:ro"] }
                    command: run
                """);
        Task a = wf.task("a");
        assertEquals(List.of("gcc/12", "cuda/12.2"), a.software().modules());
        assertEquals("source venv/bin/activate", a.software().setup());
        assertEquals(new Task.Container(dir.resolve("images/app.sif").toString(), "apptainer", List.of()),
                a.software().container());
        Task b = wf.task("b");
        assertEquals(List.of("python/3.11-anaconda"), b.software().modules());
        assertEquals("module list\nconda activate ml", b.software().setup());
        assertEquals(new Task.Container("docker://python:3.12", "podman", List.of("/scratch:/data:ro")),
                b.software().container());

        Workflow back = SpecCodec.fromJson(SpecCodec.toJson(wf));
        assertEquals(a.software(), back.task("a").software());
        assertEquals(b.software(), back.task("b").software());
    }

    @Test
    void aTaskWithoutThemHasNoneAndAnOldJournalStillReads() {
        Workflow wf = parse("name: x\ntasks:\n  - name: a\n    command: run\n");
        assertTrue(wf.task("a").software().isEmpty());
        String json = SpecCodec.toJson(wf)
                .replace(",\"software\":{\"modules\":[],\"setup\":null,\"container\":null}", "");
        assertTrue(!json.contains("software"), json);
        Task back = SpecCodec.fromJson(json).task("a");
        assertTrue(back.software().isEmpty());
        assertNull(back.software().container());
    }

    @ParameterizedTest(name = "{1}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
        "`    modules: gcc/12\n`                       | tasks.a.modules              | a list of modules",
        "`    modules: [\"gcc/12 cuda/12\"]\n`        | tasks.a.modules[0]           | one module per entry",
        "`    modules: [\"gcc;rm -rf /\"]\n`          | tasks.a.modules[0]           | not a module name",
        "`    modules: [\"-gcc\"]\n`                  | tasks.a.modules[0]           | not a module name",
        "`    modules: [\"\"]\n`                      | tasks.a.modules[0]           | non-empty line",
        "`    setup: ' '\n`                            | tasks.a.setup                | shell code",
        "`    container: docker://x\n`                 | tasks.a.container            | expected a map",
        "`    container: { engine: podman }\n`         | tasks.a.container.image      | missing",
        "`    container: { image: docker://x, engine: docker }\n` | tasks.a.container.engine | not allowed",
        "`    container: { image: docker://x, engine: [podman] }\n` | tasks.a.container.engine | one of apptainer",
        "`    container: { image: nosuch.sif }\n`      | tasks.a.container.image      | image not found",
        "`    container: { image: docker://x, binds: [\"/a,/b\"] }\n` | tasks.a.container.binds[0] | one bind",
        "`    container: { image: docker://x, mounts: [] }\n` | tasks.a.container.mounts | unknown key",
    })
    void badValuesNameTheirKeyAndLine(String body, String key, String message) {
        List<Problem> ps = problems("name: x\ntasks:\n  - name: a\n    command: run\n" + body);
        Problem p = problem(ps, key, 5);
        assertEquals(1, ps.size(), ps.toString());
        assertTrue(p.message().contains(message), p.toString());
    }

    @Test
    void everyProblemIsReportedAtOnceAndDefaultsAreCheckedToo() {
        List<Problem> ps = problems("""
                name: x
                defaults:
                  modules: ["a b"]
                tasks:
                  - name: a
                    container: { image: missing.sif, engine: singularity }
                    setup: ""
                    command: run
                """);
        assertEquals(3, ps.size(), ps.toString());
        problem(ps, "defaults.modules[0]", 3);
        problem(ps, "tasks.a.container.image", 6);
        problem(ps, "tasks.a.setup", 7);
    }

    @Test
    void overSshAnImageIsTheClustersAndMustBeAbsolute() {
        String head = "name: x\nscheduler: slurm\nsite: { host: login1 }\ntasks:\n  - name: a\n    command: run\n";
        Workflow wf = parse(head + "    container: { image: /cluster/images/app.sif }\n");
        assertEquals("/cluster/images/app.sif", wf.task("a").software().container().image());
        Problem p = problem(problems(head + "    container: { image: app.sif }\n"), "tasks.a.container.image", 7);
        assertTrue(p.message().contains("absolute"), p.toString());
    }

    @Test
    void podmanNamesAreNotPathsButArchivesAre() throws Exception {
        Files.writeString(dir.resolve("img.tar"), "x");
        Workflow wf = parseIn("""
                name: x
                tasks:
                  - name: a
                    container: { image: localhost/app:1, engine: podman }
                    command: run
                  - name: b
                    container: { image: "oci-archive:img.tar", engine: podman }
                    command: run
                """);
        assertEquals("localhost/app:1", wf.task("a").software().container().image());
        assertEquals("oci-archive:" + dir.resolve("img.tar"), wf.task("b").software().container().image());
    }
}
