package dev.hwf.launcher.workflow;

import static dev.hwf.launcher.workflow.WorkflowAssertions.parse;
import static dev.hwf.launcher.workflow.WorkflowAssertions.problems;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hwf.launcher.journal.SpecCodec;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The pilot: block and pilot: true on a task (SPEC section 6). */
class PilotValidationTest {
    private static final String PACKED = "tasks:\n  - { name: score, pilot: true, array: 100, command: ./score }\n";

    @Test
    void aPilotBlockAddsThePilotJobsAsATaskOfTheirOwn() {
        Workflow wf = parse("name: x\nscheduler: slurm\npilot: { jobs: 3, nodes: 2, cpus: 8, gpus: 2, walltime: "
                + "'01:00:00', partition: gpu, idle: 30 }\n" + PACKED);
        assertEquals(new Pilot(3, 2, 8, 2, 0, 3600, "gpu", null, null, List.of(), 30), wf.pilot());
        assertEquals(List.of("score", Pilot.TASK), wf.tasks().stream().map(Task::name).toList());
        assertTrue(wf.task("score").pilot());
        Task pilots = wf.pilotTask();
        assertEquals(3, pilots.array(), "one array of pilot jobs");
        assertEquals(2, pilots.nodes());
        assertEquals(8, pilots.cpus());
        assertEquals(2, pilots.gpus());
        assertEquals("gpu", pilots.partition());
        assertEquals(PilotJobs.EACH_NODE, pilots.launcher(), "an agent on each of its nodes");
        assertTrue(pilots.command().contains("dev.hwf.launcher.cli.AgentCommand \"$PWD\""), pilots.command());
        assertTrue(pilots.command().contains(System.getProperty("java.class.path")), "on this machine, hwf's own "
                + "class path: " + pilots.command());
        Task remote = parse("name: x\nscheduler: slurm\nsite: { host: login.example }\npilot: {}\n" + PACKED)
                .pilotTask();
        assertTrue(remote.command().contains("exec java ") && remote.command().contains("-cp \"$PWD\"/agent/"),
                "over SSH, the nodes' java and the jars hwf copies beside the pilot job: " + remote.command());
        assertTrue(pilots.command().contains("--cores 8 --gpus 2 --idle 30 --walltime 3600"), pilots.command());
        assertFalse(pilots.pilot());
        Workflow back = SpecCodec.fromJson(SpecCodec.toJson(wf));
        assertEquals(wf, back, "kept with the run in the journal");
        assertEquals(new Pilot(1, 1, 1, 0, 0, 0, null, null, null, List.of(), 120),
                parse("name: x\npilot: {}\n" + PACKED).pilot(), "the defaults");
        assertEquals(null, parse("name: x\ntasks:\n  - { name: a, command: x }\n").pilot());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
        "`pilot: { cpus: 2 }\ntasks:\n  - { name: s, pilot: true, cpus: 4, command: x }` | tasks.s.pilot | needs 4 cores",
        "`pilot: { gpus: 1 }\ntasks:\n  - { name: s, pilot: true, gpus: 2, command: x }` | tasks.s.pilot | needs 2 GPUs",
        "`pilot: {}\ntasks:\n  - { name: s, pilot: true, nodes: 2, command: x }` | tasks.s.pilot | one node",
        "`pilot: { walltime: '00:01:00' }\ntasks:\n  - { name: s, pilot: true, walltime: '00:05:00', command: x }` | tasks.s.pilot | an element may run 00:05:00 (walltime) but a pilot runs 00:01:00 (pilot.walltime)",
        "`pilot: {}\ntasks:\n  - { name: s, pilot: true, launcher: mpirun, command: x }` | tasks.s.pilot | no launcher",
        "`pilot: {}\ntasks:\n  - { name: s, pilot: true, array: 9, arrayLimit: 2, command: x }` | tasks.s.pilot | arrayLimit",
        "`tasks:\n  - { name: s, pilot: true, command: x }` | tasks.s.pilot | needs a pilot: block",
        "`tasks:\n  - { name: s, pilot: yes please, command: x }` | tasks.s.pilot | expected true or false",
        "`pilot: {}\ntasks:\n  - { name: s, command: x }` | pilot | no task has pilot: true",
        "`pilot: {}\ntasks:\n  - { name: pilot, pilot: true, command: x }` | tasks.pilot.name | taken by the pilot jobs",
        "`pilot: { jobs: 0 }\ntasks:\n  - { name: s, pilot: true, command: x }` | pilot.jobs | ",
        "`pilot: { nodes: 2 }\ntasks:\n  - { name: s, pilot: true, command: x }` | pilot.nodes | use nodes: 1",
        "`pilot: { slots: 2 }\ntasks:\n  - { name: s, pilot: true, command: x }` | pilot.slots | unknown key",
    })
    void badPilots(String body, String key, String message) {
        List<Problem> ps = problems("name: x\n" + body + "\n");
        assertTrue(ps.stream().anyMatch(p -> p.key().equals(key) && p.message().contains(message == null ? ""
                : message.strip())), ps.toString());
    }
}
