package dev.hwf.launcher.workflow.rules;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hwf.launcher.workflow.Problem;
import dev.hwf.launcher.workflow.WorkflowException;
import dev.hwf.launcher.workflow.WorkflowLoader;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The declared key tables, and the help an unknown key gets from them, word for word. */
class KeyTableTest {
    private static final List<KeyTable> ALL = List.of(KeyTable.TOP, KeyTable.SITE, KeyTable.BUDGET, KeyTable.PILOT,
            KeyTable.TASK, KeyTable.DEFAULTS, KeyTable.CONTAINER);

    @Test
    void eachTableNamesAKeyOnceAndDefaultsAreTaskKeys() {
        for (KeyTable t : ALL) {
            assertEquals(t.keys().size(), new HashSet<>(t.keys()).size(), t.where());
        }
        assertTrue(KeyTable.TASK.keys().containsAll(KeyTable.DEFAULTS.keys()));
        assertEquals(List.of("nodes", "ntasks", "cpus", "memory", "walltime", "partition", "queue", "account", "qos",
                "env", "retries", "directives", "gpus", "modules", "setup", "container"), KeyTable.DEFAULTS.keys());
    }

    @Test
    void anUnknownKeyIsToldWhatTheSectionAllows() {
        List<Problem> ps = problems("""
                name: w
                colour: blue
                site: { hots: h }
                budget: { gpuHours: 1, pe: run }
                pilot: { job: 1 }
                defaults: { array: 2 }
                tasks:
                  - name: t
                    command: x
                    walltme: 1h
                    container: { image: docker://x, mounts: [] }
                  - { name: p, command: x, pilot: true }
                """);
        assertEquals(List.of(
                "wf.yaml:2:1: colour: unknown key \"colour\"; allowed at the top level: name, scheduler, site, defaults,"
                        + " tasks, budget, pilot, sites, defaultSite, notify",
                "wf.yaml:3:9: site.hots: unknown key \"hots\" (did you mean host?); allowed in site: host, port, user,"
                        + " identityFile, knownHosts, workdir, gpuPartition, flavor, maxJobs, maxArraySize, share,"
                        + " dependencies, secrets, smtp, submitCalls",
                "wf.yaml:4:24: budget.pe: unknown key \"pe\" (did you mean per?); allowed in budget: gpuHours, per",
                "wf.yaml:5:10: pilot.job: unknown key \"job\" (did you mean jobs?); allowed in pilot: jobs, nodes,"
                        + " cpus, gpus, memory, walltime, partition, queue, account, qos, directives, idle",
                "wf.yaml:6:13: defaults.array: unknown key \"array\"; allowed in defaults: nodes, ntasks, cpus, memory,"
                        + " walltime, partition, queue, account, qos, env, retries, directives, gpus, modules, setup,"
                        + " container",
                "wf.yaml:10:5: tasks.t.walltme: unknown key \"walltme\" (did you mean walltime?); allowed in a task:"
                        + " name, command, after, nodes, ntasks, cpus, memory, walltime, partition, queue, account,"
                        + " qos, env, retries, directives, template, gpus, array, arrayLimit, matrix, launcher,"
                        + " service, port, ready, pilot, modules, setup, container, afterEach, site, place,"
                        + " replaceAfter, inputs, outputs",
                "wf.yaml:11:37: tasks.t.container.mounts: unknown key \"mounts\"; allowed in container: image, engine,"
                        + " binds"), ps.stream().map(Problem::toString).toList());
    }

    private static List<Problem> problems(String yaml) {
        return assertThrows(WorkflowException.class,
                () -> WorkflowLoader.parse(yaml, "wf.yaml", Path.of("."), List.of())).problems();
    }
}
