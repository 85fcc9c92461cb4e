package dev.hwf.launcher.cli;

import dev.hwf.launcher.ExitCodes;
import dev.hwf.launcher.HwfException;
import dev.hwf.launcher.journal.Journal;
import dev.hwf.launcher.journal.RunRecord;
import dev.hwf.launcher.journal.SpecCodec;
import dev.hwf.launcher.journal.WorkflowVersion;
import dev.hwf.launcher.plan.Definitions;
import dev.hwf.launcher.plan.RevisionPlan;
import dev.hwf.launcher.site.Scheduler;
import dev.hwf.launcher.site.Schedulers;
import dev.hwf.launcher.site.Sites;
import dev.hwf.launcher.workflow.UserConfig;
import dev.hwf.launcher.workflow.Workflow;
import dev.hwf.launcher.workflow.WorkflowLoader;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code hwf resume RUN [--file EDITED.yaml] [--set key=value]... [--dry-run]}: runs again what
 * failed, was cancelled or never started; with an edited workflow, first switches the run to it as
 * its next version (see {@link RevisionPlan}): a task whose definition changed runs again with everything
 * downstream of it, a SUCCEEDED task whose definition and upstream did not change is kept.
 */
@Command(name = "resume", mixinStandardHelpOptions = true,
        description = {"Run again what failed, was cancelled or never started in a run; with --file or --set, "
                + "first apply an edited workflow to it.",
                "What depends on it runs too; jobs still queued or running are followed, not submitted again. "
                        + "Without an edit nothing that SUCCEEDED runs again; with one, a task whose definition "
                        + "changed runs again with all it feeds, and every other SUCCEEDED task is kept. Exit "
                        + "codes as submit."},
        footer = {"", "Examples:", "  hwf resume lucid-dose-20261122-101500-1a2b",
                "  hwf resume RUN --file fixed.yaml --dry-run     # what would run, and why",
                "  hwf resume RUN --file fixed.yaml",
                "  hwf resume RUN --set tasks.b.command='./b --fixed'",
                "  hwf -q resume RUN                              # only the final line",
                "", "--file takes the file as it is now, with this command's --set; --set",
                "alone applies to the run's current workflow text (and the --set it was",
                "made with). Tasks keep their names; a task that ran cannot be removed.",
                "'hwf status RUN --json' shows each attempt's workflow version."})
final class ResumeCommand implements Callable<Integer> {
    @picocli.CommandLine.ParentCommand
    HwfCommand hwf;

    @Parameters(index = "0", paramLabel = "RUN", description = "Run id (see 'hwf runs').")
    String runId;

    @Option(names = "--file", paramLabel = "FILE", description = "The edited workflow to apply to the run.")
    Path file;

    @Option(names = "--set", paramLabel = "KEY=VALUE", description = "Override a key of the workflow applied "
            + "(repeatable), e.g. --set tasks.b.command=true.")
    List<String> sets = new ArrayList<>();

    @Option(names = "--dry-run", description = "Print what would run again and why; change and submit nothing.")
    boolean dryRun;

    @Override
    public Integer call() {
        try (Journal journal = hwf.openJournal()) {
            RunRecord run = journal.run(runId);
            Workflow old = SpecCodec.fromJson(run.spec());
            boolean edit = file != null || !sets.isEmpty();
            if (!edit && !dryRun && "SUCCEEDED".equals(run.state())) {
                hwf.out.println("run " + runId + " SUCCEEDED; nothing to resume");
                return ExitCodes.OK;
            }
            List<WorkflowVersion> versions = journal.versions(runId);
            WorkflowVersion current = versions.get(versions.size() - 1);
            Workflow next = old;
            String text = current.text();
            List<String> allSets = current.sets();
            String source = current.source();
            String note = "resume";
            if (file != null) {
                source = file.toString();
                text = WorkflowLoader.read(file);
                allSets = sets;
                next = WorkflowLoader.parse(text, source, file.toAbsolutePath().normalize().getParent(), sets)
                        .withNotifyDefaults(UserConfig.notifyDefaults());
                note = "resume --file " + file + (sets.isEmpty() ? "" : " --set " + String.join(" --set ", sets));
            } else if (!sets.isEmpty()) {
                if (text == null) {
                    throw new HwfException(ExitCodes.BAD_INPUT, "run " + runId + " was recorded by an hwf that did not"
                            + " keep its workflow's text, so --set has nothing to apply to; give the edited file"
                            + " with --file (and --set with it if you like)");
                }
                allSets = new ArrayList<>(current.sets());
                allSets.addAll(sets);
                Path base = Path.of(source).toAbsolutePath().normalize().getParent();
                next = WorkflowLoader.parse(text, source, base, allSets)
                        .withNotifyDefaults(UserConfig.notifyDefaults());
                note = "resume --set " + String.join(" --set ", sets);
            }
            Scheduler scheduler = Schedulers.forWorkflow(next);
            Map<String, String> nextDefs = Definitions.of(next, scheduler.adapter());
            RevisionPlan plan = RevisionPlan.plan(journal.openSnapshot(runId), old, Definitions.of(current, old,
                    scheduler.adapter()), next, nextDefs);
            if (dryRun) {
                hwf.out.println("run " + runId + (edit ? ": workflow version " + current.version() + " -> "
                        + (current.version() + 1) + " (" + note + ")" : ": resume") + "; per task:");
                hwf.out.print(plan.describe());
                hwf.out.println("dry run: nothing was changed or submitted");
                return ExitCodes.OK;
            }
            SiteSetup.renderAll(next, runId, HwfCommand.workdir(next, scheduler)); // template errors now
            if (next.hasSites()) {
                Sites sites = SiteSetup.sites(next, scheduler);
                SiteSetup.probe(next, sites);
                next = SiteSetup.resolveWorkdirs(next, sites);
            } else {
                Schedulers.probe(scheduler);
            }
            int again;
            try (var lock = journal.lockRun(runId, Duration.ofSeconds(120))) {
                if (edit) {
                    WorkflowVersion v = new WorkflowVersion(current.version() + 1, source, text, allSets,
                            SpecCodec.toJson(next), nextDefs, note, Instant.now());
                    again = journal.switchVersion(runId, current.version(), v, plan.revision(),
                            next.serviceDependants(), Instant.now());
                    hwf.hint("run " + runId + ": workflow version " + v.version() + " (" + note + ")");
                } else {
                    again = journal.resume(runId, old.serviceDependants(), Instant.now());
                }
            }
            hwf.hint("run " + runId + ": resuming; " + again + " element(s) to run again, jobs still "
                    + "queued or running are followed");
            return HwfCommand.ended(hwf, HwfCommand.runJob(hwf, journal, scheduler, next, false).resume(runId));
        }
    }
}
