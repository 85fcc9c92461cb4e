package dev.hwf.launcher.cli;

import dev.hwf.api.JobState;
import dev.hwf.api.SchedulerAdapter;
import dev.hwf.launcher.ExitCodes;
import dev.hwf.launcher.Home;
import dev.hwf.launcher.HwfException;
import dev.hwf.launcher.batch.RunJob;
import dev.hwf.launcher.engine.CrashHook;
import dev.hwf.launcher.engine.RunEngine;
import dev.hwf.launcher.exec.FileModes;
import dev.hwf.launcher.journal.Journal;
import dev.hwf.launcher.journal.Outbox;
import dev.hwf.launcher.journal.Reuse;
import dev.hwf.launcher.journal.RunRecord;
import dev.hwf.launcher.journal.RunSnapshot;
import dev.hwf.launcher.journal.SpecCodec;
import dev.hwf.launcher.journal.SqliteNative;
import dev.hwf.launcher.journal.StagingLog;
import dev.hwf.launcher.notify.Notifier;
import dev.hwf.launcher.plan.Definitions;
import dev.hwf.launcher.plan.ReusePlan;
import dev.hwf.launcher.site.Scheduler;
import dev.hwf.launcher.site.Schedulers;
import dev.hwf.launcher.site.Sites;
import dev.hwf.launcher.workflow.UserConfig;
import dev.hwf.launcher.workflow.Workflow;
import dev.hwf.launcher.workflow.WorkflowLoader;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ScopeType;

/**
 * hwf's commands. picocli parses the command line (subcommands, options, help and usage errors),
 * which keeps every command's options declared in one place next to the code that uses them.
 */
@Command(name = "hwf", mixinStandardHelpOptions = true, versionProvider = HwfCommand.Version.class,
        description = "Runs YAML workflows of batch jobs on Slurm, PBS, LSF or local processes, journaled in SQLite.",
        footer = {"", "Examples:",
                "  hwf submit workflows/hybrid.yaml       run a workflow, follow it to its end",
                "  hwf submit big.yaml --detach           submit, return; then cron 'hwf poll'",
                "  hwf watch                              follow the newest run live",
                "  hwf status                             the newest run's tasks",
                "  hwf logs RUN train --element 2 --stderr    what element 2 wrote to stderr",
                "  hwf report RUN --html run.html         timeline, usage, failures: one file",
                "  hwf serve                              a live view in the browser (127.0.0.1, token)",
                "  hwf usage nightly --since 2026-11-01   core- and GPU-hours of a workflow's runs",
                "  hwf doctor campaign.yaml               do hwf and each site of a workflow agree?",
                "  hwf journal check                      is the journal sound? (and 'hwf journal backup FILE')",
                "",
                "Exit codes: 0 success, 1 a task failed, 2 bad input or usage,",
                "3 scheduler or SSH host unreachable.",
                "Journal: --journal PATH, else $HWF_JOURNAL, else ~/.hwf/journal.db.",
                "Colours only on a terminal, never with NO_COLOR set.",
                "'hwf COMMAND --help' shows a command's options and examples."})
public final class HwfCommand implements Runnable {
    private static final Logger LOG = LoggerFactory.getLogger(HwfCommand.class);

    /** hwf's commands, in the order 'hwf --help' lists them; {@link Main} adds them to the command line. */
    static final List<Class<?>> COMMANDS = List.of(HwfCommand.Submit.class, HwfCommand.Validate.class,
            HwfCommand.Render.class, HwfCommand.Status.class, WatchCommand.class, HwfCommand.Poll.class,
            ResumeCommand.class, HwfCommand.Cancel.class, HwfCommand.Runs.class, LogsCommand.class,
            ReportCommand.class, ServeCommand.class, UsageCommand.class, DoctorCommand.class, JournalCommand.class, CompletionCommand.class,
            AgentCommand.class);
    final PrintStream out;
    final PrintStream err;

    @Option(names = "--journal", scope = ScopeType.INHERIT, paramLabel = "PATH",
            description = "The SQLite journal (default: $HWF_JOURNAL, else ~/.hwf/journal.db).")
    Path journal;

    @Option(names = {"-v", "--verbose"}, scope = ScopeType.INHERIT, description = "Log what hwf does to stderr.")
    boolean verbose;

    @Option(names = {"-q", "--quiet"}, scope = ScopeType.INHERIT,
            description = "Print only errors and each command's result: no live progress, no hints.")
    boolean quiet;

    private Terminal terminal;

    HwfCommand(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    @Override
    public void run() {
        throw new picocli.CommandLine.ParameterException(new picocli.CommandLine(this),
                "a command is needed: submit, validate, render, status, watch, poll, resume, cancel, runs, logs, "
                        + "report, serve, usage, doctor, journal or completion ('hwf --help' says what each does)");
    }

    /**
     * What stdout is (decided once, when first asked): only hwf's own stdout can be a terminal;
     * a stream a test hands in is plain.
     */
    Terminal terminal() {
        if (terminal == null) {
            terminal = out == System.out ? Terminal.detect() : Terminal.PLAIN;
        }
        return terminal;
    }

    /** Live progress for a followed run, or nothing with --quiet. */
    Consumer<RunSnapshot> progress() {
        return quiet ? s -> { } : new ProgressPrinter(out, terminal());
    }

    /** A hint for what to do next, on stdout unless --quiet. */
    void hint(String text) {
        if (!quiet) {
            out.println(text);
        }
    }

    Journal openJournal() {
        return Journal.open(journalPath());
    }

    /** The journal for a command that only reads it ({@link Journal#openForReading}). */
    Journal openJournalForReading() {
        return Journal.openForReading(journalPath());
    }

    Path journalPath() {
        if (journal != null) {
            return journal;
        }
        String env = System.getenv("HWF_JOURNAL");
        return env != null && !env.isBlank() ? Path.of(env) : Home.path(".hwf", "journal.db");
    }

    /** The time between two passes over a followed run: HWF_POLL_INTERVAL, else the scheduler's default. */
    static Duration pollInterval(SchedulerAdapter adapter) {
        String env = System.getenv("HWF_POLL_INTERVAL");
        if (env != null && !env.isBlank()) {
            try {
                return Duration.ofMillis((long) (Double.parseDouble(env.strip()) * 1000));
            } catch (NumberFormatException e) {
                throw new HwfException(ExitCodes.BAD_INPUT, "HWF_POLL_INTERVAL must be seconds, e.g. 2 or 0.5: " + env);
            }
        }
        return adapter.timings().pollInterval();
    }

    /** {@code hwf --version}: hwf's version and commit, the Java it runs on, and the SQLite of its journal. */
    static final class Version implements picocli.CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            BuildInfo b = BuildInfo.read();
            return new String[] {"hwf " + b.version() + " (commit " + b.commit() + ")",
                "Java " + System.getProperty("java.version") + " (" + System.getProperty("java.vendor") + ") at "
                        + System.getProperty("java.home") + ", on " + System.getProperty("os.name") + " "
                        + System.getProperty("os.arch"),
                "SQLite " + SqliteNative.bundledVersion() + " (journal)"};
        }
    }

    /** Options shared by the commands that read a workflow file. */
    static class WorkflowArgs {
        @Parameters(index = "0", paramLabel = "FILE", description = "The workflow YAML file.")
        Path file;

        @Option(names = "--set", paramLabel = "KEY=VALUE",
                description = "Override a key before validation, e.g. --set tasks.train.array=16 (repeatable).")
        List<String> sets = new ArrayList<>();

        Workflow load() {
            return WorkflowLoader.load(file, sets);
        }
    }

    /** The default site's work directory, resolved there. */
    static String workdir(Workflow wf, Scheduler s) {
        return s.files().resolve(wf.site().workdir() == null ? SiteSetup.DEFAULT_WORKDIR : wf.site().workdir());
    }

    @Command(name = "submit", mixinStandardHelpOptions = true,
            description = {"Validate, render and submit a workflow, then follow it to its end with live progress.",
                    "Exit codes: 0 all SUCCEEDED, 1 a task failed, 2 bad input, 3 scheduler unreachable."},
            footer = {"", "Progress: on a terminal, one line per task, redrawn in place; elsewhere",
                    "(a file, cron, CI) a task's line is appended when it changes. --quiet prints",
                    "only the final line.", "",
                    "Examples:", "  hwf submit workflows/hybrid.yaml",
                    "  hwf submit workflows/hybrid.yaml --set scheduler=slurm",
                    "  hwf submit workflows/sweep.yaml --set tasks.sweep.array=24",
                    "  hwf submit workflows/sweep.yaml --dry-run     # print the scripts only",
                    "  RUN=$(hwf submit workflows/campaign.yaml --detach)",
                    "  hwf watch \"$RUN\"                    # or let cron run 'hwf poll'"})
    static final class Submit implements Callable<Integer> {
        @picocli.CommandLine.ParentCommand
        HwfCommand hwf;

        @picocli.CommandLine.Mixin
        WorkflowArgs args = new WorkflowArgs();

        @Option(names = "--detach", description = "Submit, print the run id alone on stdout, and return; "
                + "'hwf poll' (e.g. from cron) takes the run on.")
        boolean detach;

        @Option(names = "--dry-run", description = "Validate and render; print what would be submitted; "
                + "submit and record nothing.")
        boolean dryRun;

        @Option(names = "--reuse", arity = "0..1", fallbackValue = "", paramLabel = "RUN",
                description = "Record SUCCEEDED at once, without submitting them, the tasks whose definition and "
                        + "upstream match a SUCCEEDED task of RUN (default: the newest run of this workflow).")
        String reuse;

        @Override
        public Integer call() {
            String text = WorkflowLoader.read(args.file);
            Workflow wf = WorkflowLoader.parse(text, args.file.toString(),
                    args.file.toAbsolutePath().normalize().getParent(), args.sets)
                    .withNotifyDefaults(UserConfig.notifyDefaults());
            Scheduler scheduler = Schedulers.forWorkflow(wf);
            String workdir = workdir(wf, scheduler);
            if (dryRun) {
                Map<String, String> scripts = SiteSetup.renderAll(wf, wf.name() + "-dry-run", workdir);
                for (Map.Entry<String, String> e : scripts.entrySet()) {
                    hwf.out.println("### task " + e.getKey());
                    hwf.out.println(e.getValue());
                }
                hwf.out.println("dry run: " + wf.tasks().size() + " task(s) would be submitted to "
                        + wf.scheduler() + "; nothing was submitted or recorded");
                return ExitCodes.OK;
            }
            LOG.debug("workflow {} valid: {} tasks", wf.name(), wf.tasks().size());
            SiteSetup.renderAll(wf, wf.name() + "-check", workdir);
            // each site answers, and its work directory is resolved there, before anything is recorded
            Sites sites = SiteSetup.sites(wf, scheduler);
            SiteSetup.probe(wf, sites);
            wf = SiteSetup.resolveWorkdirs(wf, sites);
            LOG.debug("scripts render, {} answers", wf.scheduler());
            try (Journal journal = hwf.openJournal()) {
                Instant now = Instant.now();
                Map<String, String> defs = Definitions.of(wf, scheduler.adapter());
                Reuse reused = reuse == null ? null
                        : ReusePlan.plan(journal, wf, defs, reuse, scheduler.adapter());
                String runId = journal.createRun(wf, SpecCodec.toJson(wf), workdir, now, text, args.sets, defs,
                        reused);
                LOG.debug("run {} recorded", runId);
                if (reused != null) {
                    ReusePlan.link(scheduler.files(), journal, journal.openSnapshot(runId));
                    hwf.hint("run " + runId + ": " + (reused.tasks().isEmpty() ? "no task" : String.join(", ",
                            reused.tasks())) + " reused from run " + reused.from() + " (definition and upstream"
                            + " unchanged); nothing is submitted for " + (reused.tasks().size() == 1 ? "it" : "them"));
                }
                if (detach) {
                    hwf.out.println(runId);
                    hwf.out.flush();
                } else {
                    hwf.hint("run " + runId + ": workflow " + wf.name() + " on " + wf.scheduler()
                            + ", work directory " + workdir + "/" + runId);
                }
                RunJob job = runJob(hwf, journal, scheduler, wf, detach);
                RunSnapshot end = job.run(runId, detach);
                return detach ? detached(hwf, end) : ended(hwf, end);
            }
        }
    }

    static RunJob runJob(HwfCommand hwf, Journal journal, Scheduler scheduler, Workflow wf, boolean detach) {
        RunEngine engine = new RunEngine(journal, SiteSetup.sites(wf, scheduler), Clock.systemUTC());
        return new RunJob(journal, scheduler, engine, pollInterval(scheduler.adapter()), detach ? s -> { } : hwf.progress());
    }

    /**
     * submit --detach's exit code: 0 while the run goes on (or has succeeded); 1 when it has
     * already ended otherwise, or a task has already FAILED (the run will end FAILED) before the
     * command returns, as when the scheduler refused a submission at once. Said on stderr, since
     * stdout carries the run id alone.
     */
    static int detached(HwfCommand hwf, RunSnapshot end) {
        String id = end.run().id();
        var failed = end.tasks().stream().filter(t -> t.state() == JobState.FAILED).findFirst();
        if (end.run().isFinished() && !"SUCCEEDED".equals(end.run().state())) {
            hwf.err.println("hwf: run " + id + " already ended " + end.run().state()
                    + (end.run().reason() == null ? "" : ": " + end.run().reason()) + "; 'hwf status " + id
                    + "' shows every task");
        } else if (failed.isPresent()) {
            hwf.err.println("hwf: run " + id + " will end FAILED: task " + failed.get().name() + " already FAILED: "
                    + failed.get().reason() + "; 'hwf status " + id + "' shows every task, 'hwf resume " + id
                    + "' runs it again once fixed");
        } else {
            return ExitCodes.OK;
        }
        return ExitCodes.TASK_FAILED;
    }

    /** Prints how a followed run ended and returns submit's exit code for it. */
    static int ended(HwfCommand hwf, RunSnapshot end) {
        String runId = end.run().id();
        hwf.out.println("run " + runId + " " + hwf.terminal().state(end.run().state())
                + (end.run().reason() == null ? "" : ": " + end.run().reason()));
        if (!"SUCCEEDED".equals(end.run().state())) {
            String failed = end.tasks().stream().filter(t -> t.state() == JobState.FAILED)
                    .map(t -> t.name()).findFirst().orElse(null);
            hwf.hint("next: 'hwf status " + runId + "' shows every task"
                    + (failed == null ? "" : ", 'hwf logs " + runId + " " + failed + " --stderr' what " + failed
                    + " wrote to stderr") + "; 'hwf resume " + runId + "' runs what failed again");
        }
        return "SUCCEEDED".equals(end.run().state()) ? ExitCodes.OK : ExitCodes.TASK_FAILED;
    }

    /** The run a command names, or the newest one when it names none. */
    static String runOrNewest(Journal journal, String runId) {
        if (runId != null) {
            return runId;
        }
        List<RunRecord> runs = journal.runs();
        if (runs.isEmpty()) {
            throw new HwfException(ExitCodes.BAD_INPUT, "the journal " + journal.file()
                    + " holds no runs yet; start one with 'hwf submit FILE'");
        }
        return runs.get(0).id();
    }

    @Command(name = "validate", mixinStandardHelpOptions = true,
            description = "Check a workflow file; submit nothing. Exit 0 when valid, 2 with every error listed.",
            footer = {"", "Examples:", "  hwf validate workflows/hybrid.yaml",
                    "  hwf validate workflows/sweep.yaml --set tasks.sweep.array=64",
                    "  hwf -q validate my.yaml && echo valid    # prints only the errors, if any"})
    static final class Validate implements Callable<Integer> {
        @picocli.CommandLine.ParentCommand
        HwfCommand hwf;

        @picocli.CommandLine.Mixin
        WorkflowArgs args = new WorkflowArgs();

        @Override
        public Integer call() {
            Workflow wf = args.load();
            hwf.hint(args.file + ": valid workflow " + wf.name() + " (" + wf.tasks().size() + " tasks, scheduler "
                    + wf.scheduler() + ")");
            return ExitCodes.OK;
        }
    }

    @Command(name = "render", mixinStandardHelpOptions = true,
            description = "Write the job scripts that would be submitted, one per task, into DIR.",
            footer = {"", "Examples:", "  hwf render workflows/hybrid.yaml --set scheduler=slurm --out /tmp/scripts",
                    "  hwf render workflows/sweep.yaml --set scheduler=lsf --out /tmp/lsf"})
    static final class Render implements Callable<Integer> {
        @picocli.CommandLine.ParentCommand
        HwfCommand hwf;

        @picocli.CommandLine.Mixin
        WorkflowArgs args = new WorkflowArgs();

        @Option(names = "--out", required = true, paramLabel = "DIR", description = "Where to write <task>.sh files.")
        Path outDir;

        @Override
        public Integer call() throws IOException {
            Workflow wf = args.load();
            Scheduler scheduler = Schedulers.forWorkflow(wf);
            Map<String, String> scripts = SiteSetup.renderAll(wf, wf.name() + "-render", workdir(wf, scheduler));
            for (Map.Entry<String, String> e : scripts.entrySet()) {
                Path p = outDir.resolve(e.getKey() + ".sh");
                FileModes.writeText(p, e.getValue());
                hwf.out.println(p);
            }
            return ExitCodes.OK;
        }
    }

    @Command(name = "status", mixinStandardHelpOptions = true,
            description = "Show a run's tasks, states, job ids, attempts, exit codes and times (newest run by default).",
            footer = {"", "Examples:", "  hwf status", "  hwf status lucid-dose-20261122-101500-1a2b --json",
                    "", "See also: 'hwf watch RUN' follows a run live, 'hwf logs RUN TASK' prints a task's output,",
                    "'hwf report RUN --html FILE' writes a timeline of the run."})
    static final class Status implements Callable<Integer> {
        @picocli.CommandLine.ParentCommand
        HwfCommand hwf;

        @Parameters(index = "0", arity = "0..1", paramLabel = "RUN", description = "Run id (see 'hwf runs').")
        String runId;

        @Option(names = "--json", description = "Print one JSON object (SPEC section 4).")
        boolean json;

        @Override
        public Integer call() {
            try (Journal journal = hwf.openJournalForReading()) {
                String id = runOrNewest(journal, runId);
                // the table shows per-task counts: the elements one by one are read for --json only
                RunSnapshot snap = json ? journal.snapshot(id) : journal.openSnapshot(id);
                List<StagingLog.Staging> staging = journal.staging().staging(id);
                Outbox.Summary notices = journal.outbox().summary(id);
                if (json) {
                    Map<String, Object> status = StatusView.statusObject(snap, staging);
                    status.put("notifications", StatusView.notifications(notices));
                    hwf.out.print(StatusView.json(status) + "\n");
                } else {
                    hwf.out.print(StatusView.table(snap, hwf.terminal(), journal.mostTries(id), staging)
                            + StatusView.notificationsLine(notices));
                }
                return ExitCodes.OK;
            }
        }
    }

    @Command(name = "cancel", mixinStandardHelpOptions = true,
            description = "Cancel a run's live jobs on the scheduler (one call) and record the run CANCELLED.",
            footer = {"", "Example:", "  hwf cancel lucid-dose-20261122-101500-1a2b",
                    "", "Afterwards 'hwf resume RUN' runs the cancelled and never-started tasks."})
    static final class Cancel implements Callable<Integer> {
        @picocli.CommandLine.ParentCommand
        HwfCommand hwf;

        @Parameters(index = "0", paramLabel = "RUN", description = "Run id (see 'hwf runs').")
        String runId;

        @Override
        public Integer call() {
            try (Journal journal = hwf.openJournal()) {
                RunRecord run = journal.run(runId);
                if (run.isFinished()) {
                    hwf.out.println("run " + runId + " has already ended " + run.state() + "; nothing to cancel");
                    return ExitCodes.OK;
                }
                Workflow wf = SpecCodec.fromJson(run.spec());
                RunSnapshot snap = new RunEngine(journal, SiteSetup.sites(wf, Schedulers.forWorkflow(wf)),
                        Clock.systemUTC()).cancel(runId, "cancelled by user");
                hwf.out.println("run " + runId + " " + snap.run().state());
                return ExitCodes.OK;
            }
        }
    }

    @Command(name = "runs", mixinStandardHelpOptions = true, description = "List runs, newest first.",
            footer = {"", "Examples:", "  hwf runs", "  hwf runs --json | jq -r '.[] | select(.state == \"FAILED\") | .run'"})
    static final class Runs implements Callable<Integer> {
        @picocli.CommandLine.ParentCommand
        HwfCommand hwf;

        @Option(names = "--json", description = "Print a JSON array of {run, workflow, state, submitted}.")
        boolean json;

        @Override
        public Integer call() {
            try (Journal journal = hwf.openJournalForReading()) {
                List<RunRecord> runs = journal.runs();
                if (json) {
                    hwf.out.println(StatusView.json(runs.stream().map(StatusView::runObject).toList()));
                } else if (runs.isEmpty()) {
                    hwf.hint("no runs in " + journal.file() + "; start one with 'hwf submit FILE'");
                } else {
                    for (RunRecord r : runs) {
                        hwf.out.printf("%-50s %s %s%n", r.id(),
                                hwf.terminal().state(r.state()) + " ".repeat(Math.max(0, 10 - r.state().length())),
                                r.submittedAt());
                    }
                }
                return ExitCodes.OK;
            }
        }
    }

    @Command(name = "poll", mixinStandardHelpOptions = true,
            description = {"One pass over every unfinished run, for cron.",
                    "Reads the scheduler, records changes, submits what became ready, retries what failed, and "
                    + "exits. Two at once never submit anything twice."},
            footer = {"", "Examples:", "  hwf poll", "  hwf -q poll        # only errors, for cron's log or mail",
                    "", "Crontab line (every 2 minutes):",
                    "  */2 * * * * /path/to/hwf/bin/hwf poll >>$HOME/.hwf/poll.log 2>&1"})
    static final class Poll implements Callable<Integer> {
        @picocli.CommandLine.ParentCommand
        HwfCommand hwf;

        @Override
        public Integer call() {
            try (Journal journal = hwf.openJournal()) {
                List<String> ids = journal.unfinishedRuns();
                for (String id : ids) {
                    try {
                        Workflow wf = SpecCodec.fromJson(journal.run(id).spec());
                        Scheduler scheduler = Schedulers.forWorkflow(wf);
                        RunSnapshot snap = new RunEngine(journal, SiteSetup.sites(wf, scheduler), Clock.systemUTC())
                                .advance(id);
                        long done = snap.tasks().stream().filter(t -> t.state().isFinal()).count();
                        hwf.hint(id + " " + snap.run().state() + " (" + done + "/" + snap.tasks().size()
                                + " tasks finished)");
                    } catch (HwfException e) {
                        // one run's trouble must not stop the others
                        hwf.err.println("hwf: run " + id + ": " + e.getMessage());
                    }
                }
                // notifications still due, of runs that ended (a cancel, an earlier try the receiver refused)
                new Notifier(journal, Clock.systemUTC(), CrashHook.fromEnvironment()).deliver();
                if (ids.isEmpty()) {
                    hwf.hint("no unfinished runs");
                }
                return ExitCodes.OK;
            }
        }
    }
}
