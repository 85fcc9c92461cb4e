package dev.hwf.launcher.doctor;

import dev.hwf.api.Command;
import dev.hwf.api.Output;
import dev.hwf.api.SchedulerOutputException;
import dev.hwf.api.SiteLimits;
import dev.hwf.launcher.HwfException;
import dev.hwf.launcher.exec.CommandResult;
import dev.hwf.launcher.exec.LocalFiles;
import dev.hwf.launcher.exec.TransportException;
import dev.hwf.launcher.journal.JournalStorage;
import dev.hwf.launcher.engine.gate.SiteLimitsReader;
import dev.hwf.launcher.site.Scheduler;
import dev.hwf.launcher.site.Schedulers;
import dev.hwf.launcher.ssh.SshConnection;
import dev.hwf.launcher.ssh.SshConnections;
import dev.hwf.launcher.ssh.SshRefusedException;
import dev.hwf.launcher.ssh.SshTarget;
import dev.hwf.launcher.workflow.NamedSite;
import dev.hwf.launcher.workflow.Task;
import dev.hwf.launcher.workflow.Workflow;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The checks of one site, in the order a user fixes things: the SSH connection (a remote site), the
 * scheduler's commands, its partitions against the workflow's, accounting, limits, the work
 * directory. Every command goes through the site's own runner, as a run's would; a site that cannot
 * be reached gets its SSH line and nothing else.
 */
public final class SiteDoctor {
    /** How long one command of the doctor's may take. */
    static final Duration TIMEOUT = Duration.ofSeconds(30);
    /** The name of the file written and deleted in the work directory to see that it is writable. */
    static final String PROBE_FILE = ".hwf-doctor-probe";

    private final Workflow wf;
    private final NamedSite site;
    private final String defaultWorkdir;
    private final List<Check> checks = new ArrayList<>();
    private Scheduler scheduler;

    private SiteDoctor(Workflow wf, NamedSite site, String defaultWorkdir) {
        this.wf = wf;
        this.site = site;
        this.defaultWorkdir = defaultWorkdir;
    }

    /**
     * The checks of one site of the workflow.
     *
     * @param wf             the workflow; null for the default site, with no tasks to check
     * @param defaultWorkdir the work directory of a site that names none
     */
    public static SiteReport check(Workflow wf, NamedSite site, String defaultWorkdir) {
        SiteDoctor d = new SiteDoctor(wf, site, defaultWorkdir);
        d.run();
        return new SiteReport(site.name(), site.scheduler(), d.where(), List.copyOf(d.checks));
    }

    private String where() {
        return scheduler.runner().where();
    }

    private void run() {
        scheduler = Schedulers.forSite(wf == null ? "hwf doctor" : wf.source(), site);
        if (site.isRemote() && !ssh()) {
            return;
        }
        SchedulerProbe probe = Probes.of(site);
        if (probe == null) {
            checks.add(Check.ok("scheduler", site.scheduler() + ": tasks run as processes of hwf's on this machine; "
                    + "nothing to check"));
        } else if (version(probe)) {
            partitions(probe);
            accounting(probe);
            limits();
        }
        workdir();
    }

    // ------------------------------------------------------------------ ssh

    /** Connects; false (after a FAIL line) when hwf cannot log in. */
    private boolean ssh() {
        SshTarget target = SshTarget.of(site.site());
        SshConnection c = SshConnections.shared(target);
        try {
            String key = c.hostKey();
            String home = c.home();
            checks.add(Check.ok("ssh", target.where() + ": host key " + key + " known in " + target.knownHosts()
                    + "; logged in, home " + home));
            return true;
        } catch (SshRefusedException e) {
            String m = e.getMessage();
            int advice = m.indexOf(". If this is the cluster you mean");
            if (advice > 0) { // an unknown host key: the fix is adding it, once its fingerprint is confirmed
                checks.add(Check.fail("ssh", m.substring(0, advice), "confirm the fingerprint with the site's "
                        + "administrators, then add it: " + target.keyscanCommand()));
            } else {
                checks.add(Check.fail("ssh", m, "do what the message says, then try 'hwf doctor' again"));
            }
        } catch (TransportException e) {
            checks.add(Check.fail("ssh", e.getMessage(), "check that 'ssh -p " + target.port() + " " + target.user()
                    + "@" + target.host() + " true' works from this machine"));
        }
        return false;
    }

    // ------------------------------------------------------------------ scheduler

    /**
     * Runs commands on the site; a command that cannot be run at all answers 127, as a shell's would
     * for a program it cannot find.
     */
    private List<Output> outputs(List<Command> commands) {
        List<Output> outputs = new ArrayList<>();
        for (Command c : commands) {
            CommandResult r;
            try {
                r = scheduler.runner().run(c, TIMEOUT);
            } catch (TransportException e) {
                r = new CommandResult(127, "", e.getMessage());
            }
            outputs.add(new Output(r.exitCode(), r.stdout(), r.stderr()));
        }
        return outputs;
    }

    /** The scheduler's commands and version; false when they are not there (nothing else can be asked). */
    private boolean version(SchedulerProbe probe) {
        Check c = probe.version(outputs(probe.versionCommands()));
        checks.add(c);
        return c.status() != Check.Status.FAIL;
    }

    private void partitions(SchedulerProbe probe) {
        String word = probe.partitionWord();
        List<Output> outputs = outputs(probe.partitionCommands());
        List<Partition> list;
        try {
            list = probe.partitions(outputs);
        } catch (SchedulerOutputException e) {
            // the message quotes the output: one line here, as every check is
            checks.add(Check.fail("partitions", "'" + probe.partitionCommands().get(0).display() + "': "
                    + e.getMessage().replaceAll("\\s*\\R\\s*", " / "),
                    "is the scheduler's controller up and reachable from " + where() + "?"));
            return;
        }
        checks.addAll(PartitionChecks.of(word, list, tasksHere(), site.site().gpuPartition()));
    }

    /** The tasks that may run on this site. */
    private List<Task> tasksHere() {
        return wf == null ? List.of() : wf.tasks().stream().filter(t -> wf.sitesOf(t).contains(site)).toList();
    }

    private void accounting(SchedulerProbe probe) {
        Command c = probe.accountingCommand(scheduler.adapter());
        checks.add(probe.accounting(c == null ? null : outputs(List.of(c)).get(0)));
    }

    /**
     * The limits hwf reads, as a run reads them (the adapter's commands, through the engine's reader),
     * with the site's own {@code maxJobs} and {@code maxArraySize} over them.
     */
    private void limits() {
        String user = scheduler.runner().user();
        SiteLimits read = SiteLimitsReader.read(scheduler, wf, site);
        String asked = scheduler.adapter().limitsCommands(user, Set.of(), Set.of()).stream()
                .map(c -> c.argv().get(0)).distinct().collect(Collectors.joining(", "));
        if (read == null) {
            checks.add(Check.warn("limits", "could not be read (" + asked + " did not answer)", "hwf reads them again "
                    + "during a run; meanwhile the scheduler's refusals hold work back"));
            return;
        }
        SiteLimits own = SiteLimitsReader.own(site.site());
        SiteLimits in = read.overriddenBy(own);
        String array = in.maxArraySize() == null ? "array size: no limit known"
                : "array indices below " + in.maxArraySize() + (own.maxArraySize() != null ? " (site.maxArraySize)" : "");
        String jobs = in.maxJobs() == null ? "live jobs: no limit known"
                : "at most " + in.maxJobs() + " live jobs" + (in.maxJobsSource() == null ? "" : " (" + in.maxJobsSource()
                + ")");
        checks.add(Check.ok("limits", array + "; " + jobs + (asked.isEmpty() ? "" : "; read with " + asked
                + " for user " + user)));
    }

    // ------------------------------------------------------------------ work directory

    private void workdir() {
        String given = site.site().workdir() == null ? defaultWorkdir : site.site().workdir();
        String dir;
        boolean made = false;
        try {
            dir = scheduler.files().resolve(given);
            if (scheduler.files().mode(dir) == null) {
                scheduler.files().mkdirs(dir);
                made = true;
            }
            String probe = dir + "/" + PROBE_FILE;
            scheduler.files().write(probe, "", false);
            scheduler.files().delete(probe);
        } catch (HwfException | IllegalStateException e) {
            checks.add(Check.fail("workdir", given + " cannot be made or written: " + e.getMessage(),
                    "make it writable for " + scheduler.runner().user() + ", or set site.workdir elsewhere"));
            return;
        }
        Integer mode = scheduler.files().mode(dir);
        String fs = fileSystem(dir);
        boolean group = site.site().sharedWithGroup();
        int open = mode == null ? 0 : mode & (group ? 0007 : 0077);
        String detail = dir + (made ? " (made now)" : "") + ": writable, mode "
                + (mode == null ? "unknown" : String.format("%04o", mode)) + ", file system " + fs
                + (JournalStorage.isNetwork(fs) ? " (network)" : fs.equals("unknown") ? "" : " (local)");
        if (open != 0) {
            checks.add(Check.warn("workdir", detail + "; " + (group ? "others" : "others than you") + " may enter it",
                    "chmod " + (group ? "o-rwx" : "go-rwx") + " " + dev.hwf.api.ShellQuote.quote(dir)
                            + (group ? "" : " (or set site.share: group to let your group read)")));
        } else if (fs.equals("tmpfs")) {
            checks.add(Check.warn("workdir", detail + ": memory, lost at reboot and not seen by other nodes",
                    "set site.workdir on a shared, lasting file system (/scratch, a home directory)"));
        } else {
            checks.add(Check.ok("workdir", detail));
        }
    }

    /** The work directory's file system: from this machine's mount table, or {@code df} on the site. */
    private String fileSystem(String dir) {
        if (scheduler.files() instanceof LocalFiles) {
            return JournalStorage.fileSystemType(Path.of(dir));
        }
        List<Output> out = outputs(List.of(Command.of("df", "--output=fstype", dir)));
        List<String> lines = out.get(0).stdout().strip().lines().toList();
        return out.get(0).exitCode() == 0 && lines.size() == 2 ? lines.get(1).strip() : "unknown";
    }
}
