package dev.hwf.launcher.engine;

import static dev.hwf.launcher.engine.support.FixtureRunner.output;
import static dev.hwf.launcher.engine.support.PassHarness.T0;
import static dev.hwf.launcher.engine.support.PassHarness.element;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hwf.api.JobState;
import dev.hwf.launcher.journal.AttemptRecord;
import dev.hwf.launcher.journal.RunSnapshot;
import dev.hwf.launcher.journal.TaskRecord;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Services pass by pass on Slurm, released by hwf as on the local scheduler: a service's
 * dependants go once its ready file is read, with its endpoint in their environment; it is stopped
 * (scancel) in the pass that sees its last dependant end, not at the end of the run; a service that
 * ends on its own fails the dependants still running, cancelling their jobs in that pass, and one
 * that ends before it was ever ready never starts them; a resume runs it again for the dependants
 * that run again. What a real service does (answering its dependants, its port closing once
 * stopped) is RunEngineLocalTest's.
 */
class PassServiceTest extends PassTestCase {
    private static final String MODEL = "7001";
    private static final String SIM = "7002";
    private static final String POST = "7003";
    /** Where the model's job said it answers: its node's name and the task's port. */
    private static final String ENDPOINT = "node07:8000";

    private static final String HEADER = """
            name: served
            scheduler: slurm
            site: {dependencies: hwf}
            tasks:
              - name: model
                service: true
                port: 8000
                command: ./serve
            """;

    private static final Duration STEP = Duration.ofSeconds(5);

    /** Pass 1: the service is submitted; its dependants wait for it. */
    private void modelSubmitted(String dependants) {
        h.start(HEADER + dependants);
        h.runner.on("sbatch", output(0, MODEL + "\n", ""));
        RunSnapshot s = h.pass();
        assertEquals(List.of(h.sbatch("model", 1)), h.runner.sent(), "the service alone");
        assertEquals(JobState.WAITING, s.task("sim").state());
    }

    /** The model's job wrote its ready file; the pass reads it and submits sim as {@code SIM}. */
    private RunSnapshot modelReady() {
        h.files.ready(h.dir("model"), 1, 0, ENDPOINT);
        h.runner.on("squeue", output(0, MODEL + "|RUNNING|None\n", ""));
        h.runner.on("sbatch", output(0, SIM + "\n", ""));
        return h.passAfter(STEP);
    }

    @Test
    void dependantsGoOnceTheServiceIsReadyAndItIsStoppedWhenTheLastHasEndedNotAtTheEnd() {
        modelSubmitted("""
                  - name: sim
                    after: [model]
                    array: 3
                    command: ./query
                  - name: post
                    after: [sim]
                    command: ./post
                """);
        // running, not ready yet: nothing more goes
        h.runner.on("squeue", output(0, MODEL + "|RUNNING|None\n", ""));
        RunSnapshot s = h.passAfter(STEP);
        assertEquals(JobState.RUNNING, s.task("model").state());
        assertEquals(1, h.runner.sent("sbatch").size(), "no dependant before the service is ready");

        s = modelReady();
        AttemptRecord ready = s.attempt("model", 1).orElseThrow();
        assertEquals(ENDPOINT, ready.endpoint());
        assertEquals(T0.plus(STEP.multipliedBy(2)), ready.readyAt());
        assertTrue(h.journal.events(h.runId()).stream().anyMatch(e -> "READY".equals(e.state())
                && ENDPOINT.equals(e.reason())), "the endpoint is recorded with READY");
        assertEquals(h.sbatch("sim", 1), h.runner.sent("sbatch").get(1), "sim goes in the pass that read it");
        assertTrue(!s.task("sim").submittedAt().isBefore(ready.readyAt()));
        String script = h.files.jobScript(h.dir("sim"), 1);
        assertTrue(script.contains("export HWF_SERVICE_MODEL_URL=" + ENDPOINT + "\n"), script);

        // two of sim's elements end: the service is kept for the third
        h.files.exitFile(h.dir("sim"), 1, 0, 0);
        h.files.exitFile(h.dir("sim"), 1, 1, 0);
        h.runner.on("squeue", output(0, MODEL + "|RUNNING|None\n" + SIM + "_2|RUNNING|None\n", ""));
        s = h.passAfter(STEP);
        assertEquals(JobState.RUNNING, s.task("model").state());
        assertEquals(List.of(), h.runner.sent("scancel"));

        // the last ends: the service is stopped in that pass, and post goes
        h.files.exitFile(h.dir("sim"), 1, 2, 0);
        h.runner.on("squeue", output(0, MODEL + "|RUNNING|None\n", ""));
        h.runner.on("scancel", output(0, "", ""));
        h.runner.on("sbatch", output(0, POST + "\n", ""));
        s = h.passAfter(STEP);
        assertEquals(List.of(List.of("scancel", MODEL)), h.runner.sent("scancel"));
        assertEquals(POST, s.task("post").jobId());

        h.files.exitFile(h.dir("post"), 1, 0, 0);
        h.runner.on("squeue", output(0, "", ""));
        s = h.passAfter(STEP);
        RunSnapshot end = h.snapshot();
        assertEquals("SUCCEEDED", end.run().state(), end.toString());
        TaskRecord model = end.task("model");
        assertEquals(JobState.SUCCEEDED, model.state());
        assertEquals(Services.STOPPED, model.reason());
        assertTrue(!model.endedAt().isBefore(end.task("sim").endedAt()), "stopped after its dependants ended");
        assertTrue(model.endedAt().isBefore(end.task("post").endedAt()), "stopped when sim ended, not at the end");
        assertEquals(List.of(List.of("scancel", MODEL)), h.runner.sent("scancel"), "stopped once");
    }

    @Test
    void aServiceThatEndsEarlyFailsItsRunningDependantCancellingItsJobAndTheDependantsAfterIt() {
        modelSubmitted("""
                  - name: sim
                    after: [model]
                    command: ./simulate
                  - name: post
                    after: [sim]
                    command: ./post
                """);
        modelReady();
        h.runner.on("squeue", output(0, MODEL + "|RUNNING|None\n" + SIM + "|RUNNING|None\n", ""));
        assertEquals(JobState.RUNNING, h.passAfter(STEP).task("sim").state(), "sim runs beside the service");

        h.files.exitFile(h.dir("model"), 1, 0, 3);
        h.runner.on("squeue", output(0, MODEL + "|FAILED|NonZeroExitCode\n" + SIM + "|RUNNING|None\n", ""));
        h.runner.on("scancel", output(0, "", ""));
        h.passAfter(STEP);
        RunSnapshot end = h.snapshot();
        assertEquals(List.of(List.of("scancel", SIM)), h.runner.sent("scancel"),
                "sim's job cancelled in the pass that saw the service end, not waited for");
        assertEquals("FAILED", end.run().state(), end.toString());
        assertEquals("task model failed: exit 3", end.run().reason());
        assertEquals(JobState.FAILED, end.task("model").state());
        assertEquals("exit 3", end.task("model").reason());
        assertEquals(JobState.FAILED, end.task("sim").state());
        assertEquals("service model ended", end.task("sim").reason());
        assertEquals(JobState.CANCELLED, end.task("post").state());
        assertEquals("upstream sim FAILED", end.task("post").reason());
        assertEquals(2, h.runner.sent("sbatch").size(), "post never went");
    }

    @Test
    void aServiceThatEndsBeforeItIsReadyNeverStartsItsDependants() {
        modelSubmitted("""
                  - name: sim
                    after: [model]
                    command: ./simulate
                """);
        h.runner.on("squeue", output(0, MODEL + "|RUNNING|None\n", ""));
        h.passAfter(STEP);
        h.files.exitFile(h.dir("model"), 1, 0, 4); // no ready file: its check never passed
        h.runner.on("squeue", output(0, MODEL + "|FAILED|NonZeroExitCode\n", ""));
        h.passAfter(STEP);
        RunSnapshot end = h.snapshot();
        assertEquals("FAILED", end.run().state(), end.toString());
        assertEquals("service model ended", end.task("sim").reason());
        assertEquals(0, end.task("sim").attempt(), "never submitted");
        assertEquals(1, h.runner.sent("sbatch").size());
        assertNull(end.attempt("model", 1).orElseThrow().endpoint());
    }

    @Test
    void resumeStartsTheServiceAgainForDependantsThatRunAgain() {
        modelSubmitted("""
                  - name: sim
                    after: [model]
                    command: ./simulate
                """);
        modelReady();
        // sim fails: nothing needs the service any more, and it is stopped
        h.files.exitFile(h.dir("sim"), 1, 0, 7);
        h.runner.on("squeue", output(0, MODEL + "|RUNNING|None\n" + SIM + "|FAILED|NonZeroExitCode\n", ""));
        h.runner.on("scancel", output(0, "", ""));
        h.passAfter(STEP);
        RunSnapshot first = h.snapshot();
        assertEquals("FAILED", first.run().state(), first.toString());
        assertEquals(JobState.SUCCEEDED, first.task("model").state(), "stopped after its dependant ended");
        assertEquals(List.of(List.of("scancel", MODEL)), h.runner.sent("scancel"));

        assertEquals(2, h.journal.resume(h.runId(), h.workflow().serviceDependants(), h.clock.instant()));
        h.runner.on("sbatch", output(0, "7004\n", ""));
        RunSnapshot s = h.passAfter(STEP);
        assertEquals(h.sbatch("model", 2), h.runner.sent("sbatch").get(2), "the service again");
        assertEquals(2, s.task("model").attempt());
        assertEquals(JobState.WAITING, s.task("sim").state(), "sim waits for it to be ready again");

        h.files.ready(h.dir("model"), 2, 0, "node09:8000");
        h.runner.on("squeue", output(0, "7004|RUNNING|None\n", ""));
        h.runner.on("sbatch", output(0, "7005\n", ""));
        s = h.passAfter(STEP);
        assertEquals("node09:8000", s.attempt("model", 2).orElseThrow().endpoint());
        assertEquals(h.sbatch("sim", 2), h.runner.sent("sbatch").get(3));
        String script = h.files.jobScript(h.dir("sim"), 2);
        assertTrue(script.contains("export HWF_SERVICE_MODEL_URL=node09:8000\n"), "the new endpoint: " + script);

        h.files.exitFile(h.dir("sim"), 2, 0, 0);
        h.runner.on("squeue", output(0, "7004|RUNNING|None\n", ""));
        h.runner.on("scancel", output(0, "", ""));
        h.passAfter(STEP);
        RunSnapshot end = h.snapshot();
        assertEquals("SUCCEEDED", end.run().state(), end.toString());
        assertEquals(2, end.task("model").attempt());
        assertEquals(Services.STOPPED, element(end, "model", 0).reason());
        assertEquals(List.of(List.of("scancel", MODEL), List.of("scancel", "7004")), h.runner.sent("scancel"));
    }
}
