package dev.hwf.launcher.cli;

import dev.hwf.launcher.ExitCodes;
import dev.hwf.launcher.HwfException;
import dev.hwf.launcher.batch.RunJob;
import dev.hwf.launcher.engine.RunEngine;
import dev.hwf.launcher.engine.Scheduler;
import dev.hwf.launcher.engine.Schedulers;
import dev.hwf.launcher.engine.SpecCodec;
import dev.hwf.launcher.journal.Journal;
import dev.hwf.launcher.journal.RunRecord;
import dev.hwf.launcher.journal.RunSnapshot;
import dev.hwf.launcher.render.ScriptRenderer;
import dev.hwf.launcher.workflow.Task;
import dev.hwf.launcher.workflow.Workflow;
import dev.hwf.launcher.workflow.WorkflowLoader;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ScopeType;

/**
 * hwf's commands. picocli parses the command line (subcommands, options, help and usage errors),
 * which keeps every command's options declared in one place next to the code that uses them.
 */
@Command(name = "hwf", mixinStandardHelpOptions = true, versionProvider = HwfCommand.Version.class,
        description = "Runs YAML workflows of batch jobs on Slurm or local processes, journaled in SQLite.",
        subcommands = {HwfCommand.Submit.class, HwfCommand.Validate.class, HwfCommand.Render.class,
                HwfCommand.Status.class, HwfCommand.Poll.class, HwfCommand.Resume.class, HwfCommand.Cancel.class,
                HwfCommand.Runs.class})
public final class HwfCommand implements Runnable {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(HwfCommand.class);
    final PrintStream out;
    final PrintStream err;

    @Option(names = "--journal", scope = ScopeType.INHERIT, paramLabel = "PATH",
            description = "The SQLite journal (default: $HWF_JOURNAL, else ~/.hwf/journal.db).")
    Path journal;

    @Option(names = {"-v", "--verbose"}, scope = ScopeType.INHERIT, description = "Log what hwf does to stderr.")
    boolean verbose;

    HwfCommand(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    @Override
    public void run() {
        throw new picocli.CommandLine.ParameterException(new picocli.CommandLine(this),
                "a command is needed: submit, validate, render, status, poll, resume, cancel or runs");
    }

    Journal openJournal() {
        Path p = journal;
        if (p == null) {
            String env = System.getenv("HWF_JOURNAL");
            p = env != null && !env.isBlank() ? Path.of(env)
                    : Path.of(System.getProperty("user.home"), ".hwf", "journal.db");
        }
        return Journal.open(p);
    }

    static Duration pollInterval(String scheduler) {
        String env = System.getenv("HWF_POLL_INTERVAL");
        if (env != null && !env.isBlank()) {
            try {
                return Duration.ofMillis((long) (Double.parseDouble(env.strip()) * 1000));
            } catch (NumberFormatException e) {
                throw new HwfException(ExitCodes.BAD_INPUT, "HWF_POLL_INTERVAL must be seconds, e.g. 2 or 0.5: " + env);
            }
        }
        return "local".equals(scheduler) ? Duration.ofMillis(500) : Duration.ofSeconds(5);
    }

    static final class Version implements picocli.CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = HwfCommand.class.getPackage().getImplementationVersion();
            return new String[] {"hwf " + (v == null ? "development build" : v)};
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

    /** Renders every task as attempt 1, in memory, so template errors surface before anything is written. */
    static Map<String, String> renderAll(Workflow wf, Scheduler s, String runId, String workdir) {
        Map<String, String> scripts = new LinkedHashMap<>();
        for (Task t : wf.tasks()) {
            String dir = RunEngine.taskDir(workdir, runId, t.name());
            List<Integer> all = IntStream.range(0, t.elementCount()).boxed().toList();
            var request = RunEngine.request(t, RunEngine.jobName(runId, t.name(), 1), dir, all);
            scripts.put(t.name(), ScriptRenderer.render(ScriptRenderer.template(t, wf.scheduler()), t, s.adapter(),
                    new ScriptRenderer.Context(wf.name(), runId, 1, dir, request)));
        }
        return scripts;
    }

    static String workdir(Workflow wf, Scheduler s) {
        return s.files().resolve(wf.site().workdir() == null ? "~/.hwf/work" : wf.site().workdir());
    }

    @Command(name = "submit", mixinStandardHelpOptions = true,
            description = {"Validate, render and submit a workflow, then follow it to its end with live progress.",
                    "Exit codes: 0 all SUCCEEDED, 1 a task failed, 2 bad input, 3 scheduler unreachable."},
            footer = {"", "Examples:", "  hwf submit workflows/hybrid.yaml",
                    "  hwf submit workflows/hybrid.yaml --set scheduler=slurm --detach"})
    static final class Submit implements java.util.concurrent.Callable<Integer> {
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

        @Override
        public Integer call() {
            Workflow wf = args.load();
            Scheduler scheduler = Schedulers.forWorkflow(wf);
            String workdir = workdir(wf, scheduler);
            if (dryRun) {
                Map<String, String> scripts = renderAll(wf, scheduler, wf.name() + "-dry-run", workdir);
                for (Map.Entry<String, String> e : scripts.entrySet()) {
                    hwf.out.println("### task " + e.getKey());
                    hwf.out.println(e.getValue());
                }
                hwf.out.println("dry run: " + wf.tasks().size() + " task(s) would be submitted to "
                        + wf.scheduler() + "; nothing was submitted or recorded");
                return ExitCodes.OK;
            }
            LOG.debug("workflow {} valid: {} tasks", wf.name(), wf.tasks().size());
            renderAll(wf, scheduler, wf.name() + "-check", workdir);
            Schedulers.probe(scheduler);
            LOG.debug("scripts render, {} answers", wf.scheduler());
            try (Journal journal = hwf.openJournal()) {
                Instant now = Instant.now();
                String runId = journal.createRun(wf, SpecCodec.toJson(wf), workdir, now);
                LOG.debug("run {} recorded", runId);
                if (detach) {
                    hwf.out.println(runId);
                    hwf.out.flush();
                } else {
                    hwf.out.println("run " + runId + ": workflow " + wf.name() + " on " + wf.scheduler()
                            + ", work directory " + workdir + "/" + runId);
                }
                RunJob job = runJob(hwf, journal, scheduler, wf, detach);
                RunSnapshot end = job.run(runId, detach);
                return detach ? ExitCodes.OK : ended(hwf, end);
            }
        }
    }

    static RunJob runJob(HwfCommand hwf, Journal journal, Scheduler scheduler, Workflow wf, boolean quiet) {
        RunEngine engine = new RunEngine(journal, scheduler, Clock.systemUTC());
        ProgressPrinter printer = new ProgressPrinter(hwf.out);
        return new RunJob(journal, scheduler, engine, pollInterval(wf.scheduler()), quiet ? s -> { } : printer);
    }

    /** Prints how a followed run ended and returns submit's exit code for it. */
    static int ended(HwfCommand hwf, RunSnapshot end) {
        String runId = end.run().id();
        hwf.out.println("run " + runId + " " + end.run().state()
                + (end.run().reason() == null ? "" : ": " + end.run().reason()));
        if (!"SUCCEEDED".equals(end.run().state())) {
            hwf.out.println("see 'hwf status " + runId + "' and the logs in " + end.run().workdir() + "/" + runId
                    + "; 'hwf resume " + runId + "' runs what failed again");
        }
        return "SUCCEEDED".equals(end.run().state()) ? ExitCodes.OK : ExitCodes.TASK_FAILED;
    }

    @Command(name = "validate", mixinStandardHelpOptions = true,
            description = "Check a workflow file; submit nothing. Exit 0 when valid, 2 with every error listed.",
            footer = {"", "Example:", "  hwf validate workflows/hybrid.yaml"})
    static final class Validate implements java.util.concurrent.Callable<Integer> {
        @picocli.CommandLine.ParentCommand
        HwfCommand hwf;

        @picocli.CommandLine.Mixin
        WorkflowArgs args = new WorkflowArgs();

        @Override
        public Integer call() {
            Workflow wf = args.load();
            hwf.out.println(args.file + ": valid workflow " + wf.name() + " (" + wf.tasks().size() + " tasks, scheduler "
                    + wf.scheduler() + ")");
            return ExitCodes.OK;
        }
    }

    @Command(name = "render", mixinStandardHelpOptions = true,
            description = "Write the job scripts that would be submitted, one per task, into DIR.",
            footer = {"", "Example:", "  hwf render workflows/hybrid.yaml --set scheduler=slurm --out /tmp/scripts"})
    static final class Render implements java.util.concurrent.Callable<Integer> {
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
            Map<String, String> scripts = renderAll(wf, scheduler, wf.name() + "-render", workdir(wf, scheduler));
            Files.createDirectories(outDir);
            for (Map.Entry<String, String> e : scripts.entrySet()) {
                Path p = outDir.resolve(e.getKey() + ".sh");
                Files.writeString(p, e.getValue());
                hwf.out.println(p);
            }
            return ExitCodes.OK;
        }
    }

    @Command(name = "status", mixinStandardHelpOptions = true,
            description = "Show a run's tasks, states, job ids, attempts, exit codes and times (newest run by default).",
            footer = {"", "Examples:", "  hwf status", "  hwf status lucid-dose-20261122-101500-1a2b --json"})
    static final class Status implements java.util.concurrent.Callable<Integer> {
        @picocli.CommandLine.ParentCommand
        HwfCommand hwf;

        @Parameters(index = "0", arity = "0..1", paramLabel = "RUN", description = "Run id (see 'hwf runs').")
        String runId;

        @Option(names = "--json", description = "Print one JSON object (SPEC section 4).")
        boolean json;

        @Override
        public Integer call() {
            try (Journal journal = hwf.openJournal()) {
                String id = runId;
                if (id == null) {
                    List<RunRecord> runs = journal.runs();
                    if (runs.isEmpty()) {
                        throw new HwfException(ExitCodes.BAD_INPUT, "the journal " + journal.file()
                                + " holds no runs yet; start one with 'hwf submit FILE'");
                    }
                    id = runs.get(0).id();
                }
                RunSnapshot snap = journal.snapshot(id);
                hwf.out.print(json ? StatusView.json(StatusView.statusObject(snap)) + "\n" : StatusView.table(snap));
                return ExitCodes.OK;
            }
        }
    }

    @Command(name = "resume", mixinStandardHelpOptions = true,
            description = {"Run again what failed, was cancelled or never started in a run, and what depends on it; "
                    + "follow jobs still queued or running instead of submitting them again; never rerun a "
                    + "SUCCEEDED task or element. Exit codes as submit."},
            footer = {"", "Example:", "  hwf resume lucid-dose-20261122-101500-1a2b"})
    static final class Resume implements java.util.concurrent.Callable<Integer> {
        @picocli.CommandLine.ParentCommand
        HwfCommand hwf;

        @Parameters(index = "0", paramLabel = "RUN", description = "Run id (see 'hwf runs').")
        String runId;

        @Override
        public Integer call() {
            try (Journal journal = hwf.openJournal()) {
                RunRecord run = journal.run(runId);
                if ("SUCCEEDED".equals(run.state())) {
                    hwf.out.println("run " + runId + " SUCCEEDED; nothing to resume");
                    return ExitCodes.OK;
                }
                Workflow wf = SpecCodec.fromJson(run.spec());
                Scheduler scheduler = Schedulers.forWorkflow(wf);
                Schedulers.probe(scheduler);
                int again;
                try (var lock = journal.lockRun(runId, Duration.ofSeconds(120))) {
                    again = journal.resume(runId, Instant.now());
                }
                hwf.out.println("run " + runId + ": resuming; " + again + " element(s) to run again, jobs still "
                        + "queued or running are followed");
                return ended(hwf, runJob(hwf, journal, scheduler, wf, false).resume(runId));
            }
        }
    }

    @Command(name = "cancel", mixinStandardHelpOptions = true,
            description = "Cancel a run's live jobs on the scheduler (one call) and record the run CANCELLED.",
            footer = {"", "Example:", "  hwf cancel lucid-dose-20261122-101500-1a2b"})
    static final class Cancel implements java.util.concurrent.Callable<Integer> {
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
                RunSnapshot snap = new RunEngine(journal, Schedulers.forWorkflow(wf), Clock.systemUTC())
                        .cancel(runId, "cancelled by user");
                hwf.out.println("run " + runId + " " + snap.run().state());
                return ExitCodes.OK;
            }
        }
    }

    @Command(name = "runs", mixinStandardHelpOptions = true, description = "List runs, newest first.")
    static final class Runs implements java.util.concurrent.Callable<Integer> {
        @picocli.CommandLine.ParentCommand
        HwfCommand hwf;

        @Option(names = "--json", description = "Print a JSON array of {run, workflow, state, submitted}.")
        boolean json;

        @Override
        public Integer call() {
            try (Journal journal = hwf.openJournal()) {
                List<RunRecord> runs = journal.runs();
                if (json) {
                    hwf.out.println(StatusView.json(runs.stream().map(StatusView::runObject).toList()));
                } else if (runs.isEmpty()) {
                    hwf.out.println("no runs in " + journal.file());
                } else {
                    for (RunRecord r : runs) {
                        hwf.out.printf("%-50s %-10s %s%n", r.id(), r.state(), r.submittedAt());
                    }
                }
                return ExitCodes.OK;
            }
        }
    }

    @Command(name = "poll", mixinStandardHelpOptions = true,
            description = {"One pass over every unfinished run: read the scheduler, record changes, submit what "
                    + "became ready, retry what failed. Made to be run from cron; two at once never double-submit."},
            footer = {"", "Crontab example (every 2 minutes):",
                    "  */2 * * * * /path/to/hwf/bin/hwf poll >>$HOME/.hwf/poll.log 2>&1"})
    static final class Poll implements java.util.concurrent.Callable<Integer> {
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
                        RunSnapshot snap = new RunEngine(journal, scheduler, Clock.systemUTC()).advance(id);
                        long done = snap.tasks().stream().filter(t -> t.state().isFinal()).count();
                        hwf.out.println(id + " " + snap.run().state() + " (" + done + "/" + snap.tasks().size()
                                + " tasks finished)");
                    } catch (HwfException e) {
                        // one run's trouble must not stop the others
                        hwf.err.println("hwf: run " + id + ": " + e.getMessage());
                    }
                }
                if (ids.isEmpty()) {
                    hwf.out.println("no unfinished runs");
                }
                return ExitCodes.OK;
            }
        }
    }
}
