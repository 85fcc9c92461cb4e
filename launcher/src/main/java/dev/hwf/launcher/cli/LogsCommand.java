package dev.hwf.launcher.cli;

import dev.hwf.api.JobState;
import dev.hwf.launcher.ExitCodes;
import dev.hwf.launcher.HwfException;
import dev.hwf.launcher.exec.TaskDir;
import dev.hwf.launcher.engine.Pass;
import dev.hwf.launcher.site.Scheduler;
import dev.hwf.launcher.site.Schedulers;
import dev.hwf.launcher.workflow.NamedSite;
import dev.hwf.launcher.workflow.Workflow;
import dev.hwf.launcher.journal.SpecCodec;
import dev.hwf.launcher.exec.SiteFiles;
import dev.hwf.launcher.journal.AttemptRecord;
import dev.hwf.launcher.journal.ElementRecord;
import dev.hwf.launcher.journal.Journal;
import dev.hwf.launcher.journal.RunSnapshot;
import dev.hwf.launcher.journal.TaskRecord;
import dev.hwf.launcher.render.RunLayout;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * {@code hwf logs}: prints what a task wrote, from {@code <workdir>/<run>/<task>/out.A.I.log} (or
 * {@code err.A.I.log}) in the work directory of the site the attempt ran on, read through that
 * site's files: this machine's file system, or SFTP on the cluster for a site with {@code host}.
 */
@Command(name = "logs", mixinStandardHelpOptions = true,
        description = {"Print what a task wrote to stdout (or stderr), here or on a remote site.",
                "By default element 0, in the latest attempt that element was part of; a remote site's log is "
                        + "read over SSH.",
                "Exit 0 when printed; 2 when the run, task, element or attempt does not exist or has no log yet "
                        + "(the message says which logs there are)."},
        footer = {"", "Examples:", "  hwf logs lucid-dose-20261122-101500-1a2b simulate",
                "  hwf logs lucid-dose-20261122-101500-1a2b train --element 3 --stderr",
                "  hwf logs lucid-dose-20261122-101500-1a2b train --element 3 --attempt 1",
                "  hwf logs \"$(hwf runs --json | jq -r '.[0].run')\" analyse | less"})
final class LogsCommand implements Callable<Integer> {
    /** Bytes per read: a large log is streamed, never held whole. */
    static final int CHUNK = 1 << 20;

    @ParentCommand
    HwfCommand hwf;

    @Parameters(index = "0", paramLabel = "RUN", description = "Run id (see 'hwf runs').")
    String runId;

    @Parameters(index = "1", paramLabel = "TASK", description = "Task name.")
    String task;

    @Option(names = "--element", paramLabel = "I", description = "Array element (0-based, as HWF_ARRAY_INDEX); "
            + "default 0.")
    Integer element;

    @Option(names = "--attempt", paramLabel = "N", description = "Attempt (1 = first submission); default: the "
            + "latest attempt the element was part of.")
    Integer attempt;

    @Option(names = "--stderr", description = "Print err.A.I.log instead of out.A.I.log.")
    boolean stderr;

    @Override
    public Integer call() {
        RunSnapshot snap;
        try (Journal journal = hwf.openJournalForReading()) {
            snap = journal.snapshot(runId);
        }
        Target target = locate(snap, task, element, attempt, stderr);
        Scheduler site = target.scheduler(snap);
        SiteFiles files = site.files();
        long offset = 0;
        while (true) {
            byte[] chunk = files.read(target.path(), offset, CHUNK);
            if (chunk == null) {
                if (offset > 0) {
                    break; // removed while we read it
                }
                throw new HwfException(ExitCodes.BAD_INPUT, missing(target, files, site.runner().where()));
            }
            hwf.out.write(chunk, 0, chunk.length);
            offset += chunk.length;
            if (chunk.length < CHUNK) {
                break;
            }
        }
        hwf.out.flush();
        return ExitCodes.OK;
    }

    /**
     * The log file asked for, and what the journal knows of its element.
     *
     * @param wf   the run's workflow, or null when the journal's copy cannot be read
     * @param site the site the attempt ran on, whose work directory holds the file; null with {@code wf}
     */
    record Target(String path, String taskDir, String file, ElementRecord element, int attempt, Workflow wf,
                  NamedSite site) {
        /** The scheduler of the site the log is on: its files, and where they are. */
        Scheduler scheduler(RunSnapshot snap) {
            return site == null ? Schedulers.forWorkflow(SpecCodec.fromJson(snap.run().spec()))
                    : Schedulers.forSite(wf.source(), site);
        }

        /** " on site gpu (alice@login2)" for a workflow of several sites, {@code where} the site is; else "". */
        String onSite(String where) {
            return wf == null || !wf.hasSites() ? "" : " on site " + site.name() + " (" + where + ")";
        }
    }

    /**
     * Finds the log file from the journal alone, or says precisely why there is none: no such
     * task, element or attempt, or an element that was never submitted.
     */
    static Target locate(RunSnapshot snap, String task, Integer element, Integer attempt, boolean stderr) {
        String runId = snap.run().id();
        TaskRecord t = snap.tasks().stream().filter(x -> x.name().equals(task)).findFirst().orElseThrow(() ->
                new HwfException(ExitCodes.BAD_INPUT, "run " + runId + " has no task '" + task + "'; its tasks: "
                        + snap.tasks().stream().map(TaskRecord::name).collect(Collectors.joining(", "))));
        List<ElementRecord> elements = snap.elementsByTask().get(t.name());
        int index = element == null ? 0 : element;
        if (index < 0 || index >= elements.size()) {
            throw new HwfException(ExitCodes.BAD_INPUT, t.arraySize() > 0
                    ? "task " + task + " has elements 0 to " + (elements.size() - 1) + "; there is no element " + index
                    : "task " + task + " is not an array task: its only element is 0 (leave out --element)");
        }
        ElementRecord e = elements.get(index);
        String what = t.arraySize() > 0 ? "element " + index + " of task " + task : "task " + task;
        List<AttemptRecord> attempts = snap.attempts().stream().filter(a -> a.task().equals(task)).toList();
        int chosen;
        if (attempt == null) {
            if (e.attempt() == 0) {
                throw new HwfException(ExitCodes.BAD_INPUT, what + " has not been submitted yet (" + e.state()
                        + (e.reason() == null ? "" : ": " + e.reason()) + "), so it has no log; 'hwf status " + runId
                        + "' shows where the run is");
            }
            chosen = e.attempt();
        } else {
            AttemptRecord a = attempts.stream().filter(x -> x.attempt() == attempt).findFirst().orElse(null);
            if (a == null) {
                throw new HwfException(ExitCodes.BAD_INPUT, "task " + task + " has no attempt " + attempt + "; "
                        + (attempts.isEmpty() ? "it has not been submitted yet"
                        : "its attempts: " + attempts.stream().map(x -> Integer.toString(x.attempt()))
                        .collect(Collectors.joining(", "))));
            }
            if (!a.indexList().contains(index)) {
                throw new HwfException(ExitCodes.BAD_INPUT, "attempt " + attempt + " of task " + task + " ran elements "
                        + a.indexList() + ", not element " + index + "; element " + index + " ran in attempt(s) "
                        + attemptsOf(attempts, index));
            }
            chosen = attempt;
        }
        // the attempt's own site and its work directory, as the engine found them
        Workflow wf = SpecCodec.fromJsonOrNull(snap.run().spec());
        NamedSite site = wf == null ? null : Pass.attemptSite(wf, task,
                snap.attempt(task, chosen).map(AttemptRecord::site).orElse(null));
        String dir = RunLayout.taskDir(wf == null ? snap.run().workdir() : Pass.workdir(wf, snap.run().workdir(), site),
                runId, task);
        String file = (stderr ? TaskDir.Kind.ERR : TaskDir.Kind.OUT).of(chosen, index);
        return new Target(dir + "/" + file, dir, file, e, chosen, wf, site);
    }

    private static String attemptsOf(List<AttemptRecord> attempts, int index) {
        String s = attempts.stream().filter(a -> a.indexList().contains(index)).map(a -> Integer.toString(a.attempt()))
                .collect(Collectors.joining(", "));
        return s.isEmpty() ? "none" : s;
    }

    /**
     * Why a log file the journal expects is not there, naming the logs that are; {@code where}: the
     * site's place ({@code CommandRunner.where()}), named where the workflow has several sites.
     */
    static String missing(Target target, SiteFiles files, String where) {
        ElementRecord e = target.element();
        StringBuilder sb = new StringBuilder("no log " + target.path() + target.onSite(where));
        if (target.attempt() == e.attempt() && e.state() == JobState.QUEUED) {
            sb.append(": the job has not started yet (QUEUED); try again once it runs");
        } else if (target.attempt() == e.attempt() && e.state() == JobState.CANCELLED) {
            sb.append(": the element was cancelled before it started");
        } else {
            sb.append(": the job never started, or the file was removed");
        }
        Set<String> present = new TreeSet<>(files.scan(target.taskDir()).started());
        int index = e.index();
        List<String> mine = present.stream().filter(k -> TaskDir.indexOf(k).equals(Integer.toString(index)))
                .map(TaskDir::attemptOf).toList();
        if (!mine.isEmpty()) {
            sb.append(". Element ").append(index).append(" has logs of attempt(s) ").append(String.join(", ", mine))
                    .append(" in ").append(target.taskDir()).append("; pick one with --attempt N");
        } else if (present.isEmpty()) {
            sb.append(". There are no logs in ").append(target.taskDir()).append(" yet");
        } else {
            List<String> names = present.stream().map(TaskDir::out).toList();
            sb.append(". Logs in ").append(target.taskDir()).append(": ")
                    .append(String.join(", ", names.subList(0, Math.min(10, names.size()))))
                    .append(names.size() > 10 ? " and " + (names.size() - 10) + " more" : "")
                    .append(" (").append(TaskDir.out(TaskDir.SHOWN_TAG))
                    .append(": A = attempt, I = element; each has its ").append(TaskDir.err(TaskDir.SHOWN_TAG))
                    .append(")");
        }
        return sb.toString();
    }
}
