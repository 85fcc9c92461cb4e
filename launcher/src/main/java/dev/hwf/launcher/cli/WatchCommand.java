package dev.hwf.launcher.cli;

import dev.hwf.launcher.ExitCodes;
import dev.hwf.launcher.HwfException;
import dev.hwf.launcher.engine.Follow;
import dev.hwf.launcher.engine.RunEngine;
import dev.hwf.launcher.site.Scheduler;
import dev.hwf.launcher.site.Schedulers;
import dev.hwf.launcher.journal.SpecCodec;
import dev.hwf.launcher.journal.Journal;
import dev.hwf.launcher.journal.RunRecord;
import dev.hwf.launcher.journal.RunSnapshot;
import dev.hwf.launcher.sched.SchedulerRegistry;
import dev.hwf.launcher.workflow.Workflow;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.function.Consumer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * {@code hwf watch}: follows a run that is already in the journal, typically one submitted with
 * {@code --detach}, with the same live progress as {@code submit}. It makes passes over the run as
 * {@code hwf poll} does (reads the scheduler, records changes, submits what became ready), so the
 * run moves on while it is watched; when another hwf process is making a pass at the same moment,
 * watch just shows the run as it stands.
 */
@Command(name = "watch", mixinStandardHelpOptions = true,
        description = {"Follow a run to its end with live progress (the newest run by default).",
                "Like 'hwf poll', each pass reads the scheduler, records changes and submits what became ready, "
                        + "so a detached run advances while it is watched. Ctrl-C stops watching; the run goes on.",
                "Exit codes as submit: 0 all SUCCEEDED, 1 a task failed or the run was cancelled."},
        footer = {"", "Examples:", "  hwf watch",
                "  RUN=$(hwf submit workflows/campaign.yaml --detach) && hwf watch \"$RUN\"",
                "  hwf watch lucid-dose-20261122-101500-1a2b --interval 30"})
final class WatchCommand implements Callable<Integer> {
    @ParentCommand
    HwfCommand hwf;

    @Parameters(index = "0", arity = "0..1", paramLabel = "RUN", description = "Run id (see 'hwf runs'); "
            + "default: the newest run.")
    String runId;

    @Option(names = "--interval", paramLabel = "SECONDS", description = "Time between two passes (default: "
            + "$HWF_POLL_INTERVAL, else 0.5 s on local and 5 s on a cluster).")
    Double interval;

    @Override
    public Integer call() throws InterruptedException {
        Duration every = interval();
        try (Journal journal = hwf.openJournal()) {
            String id = HwfCommand.runOrNewest(journal, runId);
            RunRecord run = journal.run(id);
            Consumer<RunSnapshot> progress = hwf.progress();
            if (run.isFinished()) {
                RunSnapshot snap = journal.snapshot(id);
                progress.accept(snap);
                return HwfCommand.ended(hwf, snap);
            }
            Workflow wf = SpecCodec.fromJson(run.spec());
            if (every == null) {
                every = HwfCommand.pollInterval(SchedulerRegistry.adapter(wf.scheduler(), wf.site()));
            }
            Scheduler scheduler = Schedulers.forWorkflow(wf);
            RunEngine engine = new RunEngine(journal, SiteSetup.sites(wf, scheduler), Clock.systemUTC());
            RunSnapshot snap = engine.advance(id);
            progress.accept(snap);
            Follow follow = new Follow(engine, every);
            while (!snap.run().isFinished()) {
                snap = follow.next(id, snap);
                progress.accept(snap);
            }
            return HwfCommand.ended(hwf, snap);
        }
    }

    private Duration interval() {
        if (interval == null) {
            return null;
        }
        if (!(interval > 0) || interval > 86_400) {
            throw new HwfException(ExitCodes.BAD_INPUT, "--interval must be a number of seconds above 0 and at "
                    + "most 86400, e.g. --interval 5; got " + interval);
        }
        return Duration.ofMillis(Math.max(1, (long) (interval * 1000)));
    }
}
