package dev.hwf.launcher.workflow;

import static dev.hwf.launcher.workflow.WorkflowAssertions.only;
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

/** SPEC section 7: {@code sites:}, {@code defaultSite}, and a task's site, place, inputs and outputs. */
class SitesValidationTest {
    private static final String SITES = """
            name: campaign
            sites:
              laptop: { scheduler: local }
              cpu:
                scheduler: slurm
                host: login.cpu.example.org
                workdir: /scratch/alice/hwf
                cost: { coreHour: 0.01 }
              gpu:
                scheduler: pbs
                host: login.gpu.example.org
                gpuPartition: gpuq
                cost: { coreHour: 0.02, gpuHour: 1.5 }
                budget: { units: 500 }
            defaultSite: cpu
            """;

    private static final String TASKS = """
            tasks:
              - name: simulate
                array: 4
                outputs: ["dose-*.csv"]
                command: ./simulate
              - name: train
                site: [gpu, cpu]
                place: cheapest
                after: [simulate]
                inputs: [{ from: simulate, path: "dose-*.csv" }]
                outputs: [model.pt]
                gpus: 1
                command: python train.py
              - name: report
                site: laptop
                after: [train]
                inputs: [{ from: train, path: model.pt }]
                command: python report.py model.pt
            """;

    @Test
    void sitesTasksAndTheirFilesAreReadAndSurviveTheJournal() {
        Workflow wf = parse(SITES + TASKS);
        assertTrue(wf.hasSites());
        assertEquals(List.of("laptop", "cpu", "gpu"), wf.sites().stream().map(NamedSite::name).toList());
        assertEquals("cpu", wf.defaultSite());
        assertEquals("slurm", wf.scheduler(), "the default site's scheduler stands for the workflow's");
        assertEquals("login.cpu.example.org", wf.site().host());
        NamedSite gpu = wf.siteNamed("gpu");
        assertEquals("pbs", gpu.scheduler());
        assertEquals("pbspro", gpu.site().flavor(), "each site gets its own scheduler's flavor default");
        assertEquals(1.5, gpu.cost().gpuHour());
        assertEquals(500.0, gpu.budgetUnits());

        assertEquals("cpu", wf.siteOf(wf.task("simulate")).name(), "no site: the default site");
        assertEquals(List.of("gpu", "cpu"), wf.sitesOf(wf.task("train")).stream().map(NamedSite::name).toList());
        Placement train = wf.task("train").placement();
        assertEquals(Placement.CHEAPEST, train.place());
        assertEquals(List.of(new Placement.Input("simulate", "dose-*.csv")), train.inputs());
        assertEquals(List.of("model.pt"), train.outputs());
        assertNull(wf.task("train").partition(), "placed among several sites: the chosen one's GPU partition");
        assertEquals(Placement.FIRST, wf.task("report").placement().place());

        Workflow back = SpecCodec.fromJson(SpecCodec.toJson(wf));
        assertEquals(wf.sites(), back.sites());
        assertEquals(wf.defaultSite(), back.defaultSite());
        assertEquals(wf.task("train").placement(), back.task("train").placement());
    }

    @Test
    void aGpuTaskOnOneSiteGetsThatSitesGpuPartition() {
        Workflow wf = parse(SITES + "tasks:\n  - name: t\n    site: gpu\n    gpus: 1\n    command: 'true'\n");
        assertEquals("gpuq", wf.task("t").partition());
    }

    @Test
    void aWorkflowWithoutSitesHasItsOneSiteCalledDefault() {
        Workflow wf = parse("name: x\nscheduler: slurm\nsite: { host: h }\ntasks:\n  - name: t\n    command: 'true'\n");
        assertFalse(wf.hasSites());
        assertEquals(1, wf.sites().size());
        assertEquals(NamedSite.DEFAULT, wf.siteOf(wf.task("t")).name());
        assertEquals("h", wf.siteOf(wf.task("t")).site().host());
        assertEquals("slurm", wf.siteOf(wf.task("t")).scheduler());
        assertEquals(Placement.NONE, wf.task("t").placement());
    }

    @Test
    void aJournalWrittenBeforeSitesReadsAsOneDefaultSite() {
        Workflow wf = parse("name: x\ntasks:\n  - name: t\n    command: 'true'\n");
        String json = SpecCodec.toJson(wf).replaceAll(",\"sites\":\\[.*?\\],\"defaultSite\":null", "")
                .replaceAll(",\"placement\":\\{[^}]*\\}", "");
        assertFalse(json.contains("\"sites\""), json);
        Workflow old = SpecCodec.fromJson(json);
        assertEquals(NamedSite.DEFAULT, old.siteOf(old.task("t")).name());
        assertEquals(Placement.NONE, old.task("t").placement());
    }

    @Test
    void theFirstSiteIsTheDefaultWhenNoneIsNamed() {
        Workflow wf = parse(SITES.replace("defaultSite: cpu\n", "") + TASKS);
        assertEquals("laptop", wf.defaultSite());
        assertEquals("local", wf.scheduler());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
        "sites: { a: { scheduler: sge } }                 | sites.a.scheduler      | use one of",
        "sites: { a: { hots: x } }                        | sites.a.hots           | did you mean host?",
        "sites: { a: { cost: { coreHour: -1 } } }         | sites.a.cost.coreHour  | must be a number >= 0",
        "sites: { a: { cost: { cpuHour: 1 } } }           | sites.a.cost.cpuHour   | unknown key",
        "sites: { a: { budget: { units: 0 } } }           | sites.a.budget.units   | must be a number > 0",
        "sites: { 'a b': { scheduler: local } }           | sites.a b              | not a valid site name",
        "sites: {}                                        | sites                  | is empty",
        "sites: [a, b]                                    | sites                  | expected a map",
        "sites: { a: { reaches: [b] } }                   | sites.a.reaches[0]     | no site named \"b\"; sites are: a",
        "sites: { a: { host: h, reaches: [a] } }          | sites.a.reaches[0]     | need not reach itself",
        "sites: { a: {}, b: { host: h, reaches: [a] } }   | sites.b.reaches[0]     | runs on this machine",
        "sites: { a: { host: h }, b: { reaches: { a: 'x y' } } } | sites.b.reaches.a | \"x y\" is not an address",
        "sites: { a: { host: h }, b: { reaches: [a, a] } } | sites.b.reaches[1]    | named twice",
        "sites: { a: { reaches: 3 } }                     | sites.a.reaches        | expected a list of site names",
    })
    void badSites(String line, String key, String message) {
        List<Problem> ps = problems("name: x\n" + line + "\ntasks:\n  - name: t\n    command: 'true'\n");
        assertTrue(only(ps, key, 2).message().contains(message), ps.toString());
    }

    @Test
    void aSiteSaysWhichSitesItsLoginReachesAndAtWhichAddress() {
        Workflow wf = parse("""
                name: x
                sites:
                  laptop: { scheduler: local, reaches: { cpu: "alice@dtn.cpu.example.org" } }
                  cpu: { scheduler: slurm, host: login.cpu.example.org, user: alice, port: 2200 }
                  gpu: { scheduler: slurm, host: login.gpu.example.org, reaches: [cpu] }
                tasks:
                  - name: t
                    command: 'true'
                """);
        assertEquals(Map.of("cpu", "alice@login.cpu.example.org:2200"), wf.siteNamed("gpu").reaches(),
                "a name alone: the address hwf reaches it at");
        assertEquals(Map.of("cpu", "alice@dtn.cpu.example.org"), wf.siteNamed("laptop").reaches(),
                "an address as the reaching site sees it");
        assertEquals(Map.of(), wf.siteNamed("cpu").reaches());
        Workflow back = SpecCodec.fromJson(SpecCodec.toJson(wf));
        assertEquals(wf.siteNamed("gpu").reaches(), back.siteNamed("gpu").reaches());
    }

    @Test
    void siteAndSitesTogetherAreRefused() {
        List<Problem> ps = problems("name: x\nsite: { host: h }\nsites: { a: {} }\ntasks:\n  - name: t\n    command: 'true'\n");
        assertTrue(only(ps, "site").message().contains("not both"), ps.toString());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
        "`    site: tpu`                                   | tasks.t.site         | no site named \"tpu\"; sites are: a, b",
        "`    site: [a, a]`                                | tasks.t.site[1]      | named twice",
        "`    site: []`                                    | tasks.t.site         | is empty",
        "`    place: fastest`                              | tasks.t.place        | use one of first, soonest, cheapest",
        "`    site: [a, b]\n    place: cheapest`            | tasks.t.place        | site a has no cost",
        "`    replaceAfter: 1h`                            | tasks.t.replaceAfter | only the default site",
        "`    site: a\n    replaceAfter: 1h`               | tasks.t.replaceAfter | one site (a)",
        "`    site: [a, b]\n    replaceAfter: soon`         | tasks.t.replaceAfter | is not a duration",
        "`    site: [a, b]\n    replaceAfter: 0`            | tasks.t.replaceAfter | more than 0",
        "`    outputs: [/etc/passwd]`                      | tasks.t.outputs[0]   | is absolute",
        "`    outputs: [../x]`                             | tasks.t.outputs[0]   | leaves the task's directory",
        "`    inputs: [{ from: up, path: '*.csv' }]`       | tasks.t.inputs[0].from | not in after",
        "`    inputs: [{ path: '*.csv' }]`                 | tasks.t.inputs[0].from | missing",
        "`    after: [up]\n    inputs: [{ from: up, path: x, mode: y }]` | tasks.t.inputs[0].mode | unknown key",
    })
    void badTaskPlacements(String lines, String key, String message) {
        String wf = "name: x\nsites: { a: {}, b: { cost: { coreHour: 1 } } }\ntasks:\n  - name: up\n    command: 'true'\n"
                + "  - name: t\n    command: 'true'\n" + lines.replace("\\n", "\n") + "\n";
        List<Problem> ps = problems(wf);
        assertTrue(only(ps, key).message().contains(message), ps.toString());
    }

    @Test
    void replaceAfterReadsAsADurationAndSurvivesTheJournal() {
        Workflow wf = parse("name: x\nsites: { a: {}, b: {} }\ntasks:\n  - name: t\n    site: [a, b]\n"
                + "    replaceAfter: 00:30:00\n    command: 'true'\n  - name: u\n    site: [b, a]\n"
                + "    replaceAfter: 45s\n    command: 'true'\n");
        assertEquals(1800L, wf.task("t").placement().replaceAfterSeconds());
        assertEquals(45L, wf.task("u").placement().replaceAfterSeconds());
        assertEquals(wf.task("t").placement(), SpecCodec.fromJson(SpecCodec.toJson(wf)).task("t").placement());
        assertNull(parse(SITES + TASKS).task("train").placement().replaceAfter(), "never, unless asked");
    }

    @Test
    void replaceAfterOnATaskWithOneSiteNamesFileLineAndKey() {
        List<Problem> ps = problems("name: x\nsites: { a: {}, b: {} }\ntasks:\n  - name: t\n    site: b\n"
                + "    replaceAfter: 30m\n    command: 'true'\n");
        Problem p = only(ps, "tasks.t.replaceAfter", 6);
        assertEquals(WorkflowAssertions.SOURCE, p.file());
        assertTrue(p.message().contains("site: [gpu, cpu]"), p.message());
        List<Problem> inDefaults = problems("name: x\nsites: { a: {}, b: {} }\ndefaults: { replaceAfter: 30m }\n"
                + "tasks:\n  - name: t\n    site: [a, b]\n    command: 'true'\n");
        assertTrue(only(inDefaults, "defaults.replaceAfter", 3).message().contains("unknown key"), inDefaults.toString());
    }

    @Test
    void aTaskCannotNameASiteWithoutSites() {
        List<Problem> ps = problems("name: x\ntasks:\n  - name: t\n    site: cpu\n    command: 'true'\n");
        assertTrue(only(ps, "tasks.t.site", 4).message().contains("has none"), ps.toString());
    }

    @Test
    void aDefaultSiteMustBeOneOfTheSites() {
        List<Problem> ps = problems("name: x\nsites: { a: {} }\ndefaultSite: b\ntasks:\n  - name: t\n    command: 'true'\n");
        assertTrue(only(ps, "defaultSite").message().contains("no site named \"b\""), ps.toString());
    }

    @Test
    void partnersThatShareFilesOrAnAddressStayOnOneSite() {
        String base = "name: x\nsites: { a: {}, b: {} }\ntasks:\n";
        List<Problem> service = problems(base + "  - name: s\n    service: true\n    port: 8000\n    command: serve\n"
                + "  - name: c\n    site: b\n    after: [s]\n    command: 'true'\n");
        assertTrue(only(service, "tasks.c.site").message().contains("service"), service.toString());

        List<Problem> pairs = problems(base + "  - name: u\n    array: 2\n    command: 'true'\n"
                + "  - name: d\n    array: 2\n    site: b\n    afterEach: [u]\n    command: 'true'\n");
        assertTrue(only(pairs, "tasks.d.site").message().contains("element by element"), pairs.toString());
    }

    @Test
    void aLauncherIsCheckedAgainstEverySiteTheTaskMayGoTo() {
        List<Problem> ps = problems("name: x\nsites: { s: { scheduler: slurm }, p: { scheduler: pbs } }\ntasks:\n"
                + "  - name: t\n    site: [s, p]\n    launcher: srun\n    command: ./a\n");
        assertTrue(only(ps, "tasks.t.launcher").message().contains("srun starts processes only on Slurm"), ps.toString());
    }
}
