package dev.hwf.launcher.site;

import static dev.hwf.launcher.engine.support.FixtureRunner.fixture;
import static dev.hwf.launcher.engine.support.FixtureRunner.output;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hwf.launcher.ExitCodes;
import dev.hwf.launcher.HwfException;
import dev.hwf.launcher.engine.support.FakeSiteFiles;
import dev.hwf.launcher.engine.support.FixtureRunner;
import dev.hwf.launcher.sched.SchedulerRegistry;
import dev.hwf.launcher.workflow.Workflow;
import dev.hwf.launcher.workflow.WorkflowException;
import dev.hwf.launcher.workflow.WorkflowLoader;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Secrets where other users can read a job's variables: on PBS Pro, {@code qsub -v NAME} puts the
 * value into the job's Variable_List, which every user reads with {@code qstat -f} while the
 * server's {@code query_other_jobs} is True (its default; both seen on a real OpenPBS 23.06.06,
 * {@code fixtures/pbspro/openpbs}). Such a workflow is refused before anything is recorded unless
 * it accepts that ({@code site.secrets: visible}).
 */
class SecretsExposureTest {
    private final FixtureRunner runner = new FixtureRunner();

    private static Workflow wf(String scheduler, String site, boolean secret) {
        return WorkflowLoader.parse("name: s\nscheduler: " + scheduler + "\n" + site + "tasks:\n  - name: train\n"
                + "    command: x\n" + (secret ? "    env: { WANDB_API_KEY: { fromEnv: HOME } }\n" : ""),
                "s.yaml", Path.of("."), List.of());
    }

    private Scheduler scheduler(Workflow wf) {
        return new Scheduler(SchedulerRegistry.adapter(wf.scheduler(), wf.site()), runner, new FakeSiteFiles(),
                Duration.ofMinutes(2), Duration.ofSeconds(60), Duration.ofSeconds(90));
    }

    @Test
    void aPbsProServerThatShowsJobsToEveryUserRefusesSecretsNamingTheSettingAndTheFix() {
        Workflow wf = wf("pbs", "", true);
        runner.on("qstat", fixture("pbspro/openpbs/qstat-Bf-query_other_jobs-default"));
        HwfException e = assertThrows(HwfException.class, () -> Schedulers.checkSecretsStayPrivate(scheduler(wf), wf));
        assertEquals(ExitCodes.BAD_INPUT, e.exitCode());
        assertTrue(e.getMessage().contains("task train takes secret WANDB_API_KEY"), e.getMessage());
        assertTrue(e.getMessage().contains("query_other_jobs = True"), e.getMessage());
        assertTrue(e.getMessage().contains("qmgr -c \"set server query_other_jobs = False\""), e.getMessage());
        assertTrue(e.getMessage().contains("site.secrets: visible"), e.getMessage());
        assertTrue(e.getMessage().contains("qstat -Bf -F json"), e.getMessage());
        assertEquals(List.of(List.of("qstat", "-Bf", "-F", "json")), runner.sent());
    }

    @Test
    void aServerThatKeepsJobsFromOtherUsersTakesThem() {
        Workflow wf = wf("pbs", "", true);
        runner.on("qstat", fixture("pbspro/openpbs/qstat-Bf-query_other_jobs-false"));
        Schedulers.checkSecretsStayPrivate(scheduler(wf), wf);
        assertEquals(1, runner.sent().size());
    }

    @Test
    void anUnreadableAnswerCountsAsExposed() {
        Workflow wf = wf("pbs", "", true);
        runner.on("qstat", output(1, "", "qstat: cannot connect to server pbsvm (errno=111)\n"));
        HwfException e = assertThrows(HwfException.class, () -> Schedulers.checkSecretsStayPrivate(scheduler(wf), wf));
        assertTrue(e.getMessage().contains("could not be read"), e.getMessage());
    }

    @Test
    void nothingIsAskedWithoutSecretsWhenTheSiteAcceptsOrWhereNoOtherUserSeesThem() {
        for (Workflow wf : List.of(wf("pbs", "", false), wf("pbs", "site: {secrets: visible}\n", true),
                wf("pbs", "site: {flavor: torque}\n", true), wf("slurm", "", true), wf("lsf", "", true),
                wf("local", "", true))) {
            Schedulers.checkSecretsStayPrivate(scheduler(wf), wf);
        }
        assertEquals(List.of(), runner.sent());
    }

    @Test
    void theSiteKeyTakesPrivateOrVisible() {
        assertEquals("private", wf("pbs", "site: {secrets: private}\n", true).site().secrets());
        WorkflowException e = assertThrows(WorkflowException.class, () -> wf("pbs", "site: {secrets: open}\n", true));
        assertTrue(e.getMessage().contains("s.yaml:3") && e.getMessage().contains("site.secrets"), e.getMessage());
    }
}
