package dev.hwf.launcher.site;

import dev.hwf.api.Command;
import dev.hwf.api.Output;
import dev.hwf.api.SchedulerAdapter;
import dev.hwf.api.Timings;
import dev.hwf.launcher.ExitCodes;
import dev.hwf.launcher.HwfException;
import dev.hwf.launcher.exec.CommandResult;
import dev.hwf.launcher.exec.CommandRunner;
import dev.hwf.launcher.exec.FileModes;
import dev.hwf.launcher.exec.LocalCommandRunner;
import dev.hwf.launcher.exec.LocalFiles;
import dev.hwf.launcher.exec.SiteFiles;
import dev.hwf.launcher.sched.SchedulerRegistry;
import dev.hwf.launcher.ssh.SftpFiles;
import dev.hwf.launcher.ssh.SshCommandRunner;
import dev.hwf.launcher.ssh.SshConnection;
import dev.hwf.launcher.ssh.SshConnections;
import dev.hwf.launcher.ssh.SshTarget;
import dev.hwf.launcher.workflow.NamedSite;
import dev.hwf.launcher.workflow.Site;
import dev.hwf.launcher.workflow.Task;
import dev.hwf.launcher.workflow.Workflow;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/** Builds the {@link Scheduler} a workflow names, and checks that it answers. */
public final class Schedulers {
    /** How long each scheduler command may take before it counts as "no answer". */
    static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(60);

    private Schedulers() {
    }

    /** The scheduler of the workflow's default site (its only one, for a workflow without {@code sites:}). */
    public static Scheduler forWorkflow(Workflow wf) {
        return forSite(wf.source(), new NamedSite(NamedSite.DEFAULT, wf.scheduler(), wf.site(), null, null));
    }

    /** The scheduler of one site of a workflow read from {@code source}. */
    public static Scheduler forSite(String source, NamedSite named) {
        Site site = named.site();
        SchedulerAdapter adapter = SchedulerRegistry.find(named.scheduler(), site).orElseThrow(() ->
                new HwfException(ExitCodes.BAD_INPUT, source + ": scheduler: '" + named.scheduler()
                        + "' has no adapter in this hwf build; use " + inWords(SchedulerRegistry.names())));
        Timings timings = adapter.timings();
        // a scheduler that watches its jobs exactly (local processes: their driver's end means every
        // element has ended) says zero, which no setting changes; a cluster job may need a while
        // before its exit code file shows on a shared file system
        Duration lostAfter = timings.lostAfter().isZero() ? Duration.ZERO
                : Duration.ofSeconds(Long.getLong("hwf.lostAfterSeconds",
                        envLong("HWF_LOST_AFTER", timings.lostAfter().toSeconds())));
        // a local submit is one quick bash; a cluster's may hang in the controller for a while
        Duration submitGrace = Duration.ofSeconds(envLong("HWF_SUBMIT_GRACE", timings.submitGrace().toSeconds()));
        // site.host: commands as channels and files over SFTP on the process's one connection to the
        // host (connected on first use; the CLI closes it when the command ends)
        CommandRunner runner;
        SiteFiles files;
        if (site.isRemote()) {
            SshConnection ssh = SshConnections.shared(SshTarget.of(site));
            runner = new SshCommandRunner(ssh);
            files = new SftpFiles(ssh, FileModes.of(site.sharedWithGroup()));
        } else {
            runner = new LocalCommandRunner();
            files = new LocalFiles(FileModes.of(site.sharedWithGroup()));
        }
        return new Scheduler(adapter, runner, files, lostAfter, COMMAND_TIMEOUT,
                submitGrace);
    }

    /**
     * Asks the scheduler a harmless question before anything is recorded, so an unreachable one is
     * reported (exit 3) with nothing half-written.
     */
    public static void probe(Scheduler s) {
        Command probe = s.adapter().probeCommand();
        if (probe == null) {
            return;
        }
        CommandResult r = s.runner().run(probe, COMMAND_TIMEOUT);
        if (r.exitCode() != 0) {
            throw new HwfException(ExitCodes.UNREACHABLE, s.adapter().name() + " does not answer on "
                    + s.runner().where() + ": '" + probe.display() + "' exited " + r.exitCode() + ": "
                    + r.firstErrorLine() + ". Is the controller up? Nothing was submitted.");
        }
    }

    /**
     * Before anything is recorded: a workflow that takes secrets from the environment ({@code fromEnv})
     * goes to a site where other users could read a job's variables only if it says it accepts that
     * ({@code site.secrets: visible}); otherwise exit 2 naming the setting, with nothing half-written.
     */
    public static void checkSecretsStayPrivate(Scheduler s, Workflow wf) {
        if (wf.site().secretsMayBeVisible()) {
            return;
        }
        Optional<Task> holder = wf.tasks().stream()
                .filter(t -> !t.secrets().isEmpty()).findFirst();
        List<Command> commands = s.adapter().variableExposureCommands();
        if (holder.isEmpty() || commands.isEmpty()) {
            return;
        }
        List<Output> outputs = new ArrayList<>();
        for (Command c : commands) {
            CommandResult r = s.runner().run(c, COMMAND_TIMEOUT);
            outputs.add(new Output(r.exitCode(), r.stdout(), r.stderr()));
        }
        String exposure = s.adapter().variableExposure(outputs);
        if (exposure != null) {
            Task t = holder.get();
            String secret = t.secrets().keySet().iterator().next();
            throw new HwfException(ExitCodes.BAD_INPUT, "task " + t.name() + " takes secret " + secret
                    + " from your environment, but on " + s.runner().where() + " ('"
                    + commands.stream().map(Command::display).collect(Collectors.joining("', '"))
                    + "') " + exposure + ". Until then, set site.secrets: visible to accept that other users can "
                    + "read it, or pass the secret another way. Nothing was submitted.");
        }
    }

    /** "a, b, c or d". */
    private static String inWords(List<String> names) {
        int last = names.size() - 1;
        return last <= 0 ? String.join("", names)
                : String.join(", ", names.subList(0, last)) + " or " + names.get(last);
    }

    /**
     * A whole number from the environment; the default when unset or not a number. Public for the
     * engine's own settings read the same way (how often site limits are asked for again).
     */
    public static long envLong(String name, long dflt) {
        String v = System.getenv(name);
        try {
            return v == null || v.isBlank() ? dflt : Long.parseLong(v.strip());
        } catch (NumberFormatException e) {
            return dflt;
        }
    }
}
