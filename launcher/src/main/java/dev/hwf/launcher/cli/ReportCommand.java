package dev.hwf.launcher.cli;

import dev.hwf.launcher.ExitCodes;
import dev.hwf.launcher.HwfException;
import dev.hwf.launcher.exec.FileModes;
import dev.hwf.launcher.exec.LocalFiles;
import dev.hwf.launcher.journal.Event;
import dev.hwf.launcher.journal.Journal;
import dev.hwf.launcher.journal.RunSnapshot;
import dev.hwf.launcher.journal.SpecCodec;
import dev.hwf.launcher.journal.StagingLog;
import dev.hwf.launcher.report.ReportHtml;
import dev.hwf.launcher.report.ReportJson;
import dev.hwf.launcher.report.RunReport;
import dev.hwf.launcher.report.SitesReport;
import dev.hwf.launcher.workflow.Workflow;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.Function;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * {@code hwf report}: the run as one self-contained HTML page (summary, timeline of every task and
 * element, resources requested and used, retries, failures, log links) and/or the same data as
 * JSON. Reads the journal only; asks no scheduler. For a run on this machine, the last lines of
 * each failed attempt's stderr are included.
 */
@Command(name = "report", mixinStandardHelpOptions = true,
        description = {"Write a run's report: one self-contained HTML file and/or JSON.",
                "The newest run by default. The HTML has the run's summary, a timeline of every task and array "
                        + "element (queued, running, outcome), resources requested and used (core-hours, "
                        + "GPU-hours), attempts, retries, failure reasons and links to the logs; the JSON the same "
                        + "data with stable keys. Reads the journal only, so it works on running runs too. "
                        + "FILE '-' means stdout."},
        footer = {"", "Examples:", "  hwf report lucid-dose-20261122-101500-1a2b --html run.html",
                "  hwf report --html report.html --json report.json    # the newest run",
                "  hwf report lucid-dose-20261122-101500-1a2b --json - | jq .totals.coreHours"})
final class ReportCommand implements Callable<Integer> {
    /** Bytes of a failed attempt's stderr read for the report (its last lines are shown). */
    static final int TAIL_BYTES = 4096;
    static final int TAIL_LINES = 12;

    @ParentCommand
    HwfCommand hwf;

    @Parameters(index = "0", arity = "0..1", paramLabel = "RUN", description = "Run id (see 'hwf runs'); "
            + "default: the newest run.")
    String runId;

    @Option(names = "--html", paramLabel = "FILE", description = "Write the HTML report here.")
    String html;

    @Option(names = "--json", paramLabel = "FILE", description = "Write the report's data as JSON here.")
    String json;

    @Override
    public Integer call() throws IOException {
        if (html == null && json == null) {
            throw new HwfException(ExitCodes.BAD_INPUT, "say where the report goes: --html FILE and/or --json FILE "
                    + "(- for stdout), e.g. 'hwf report " + (runId == null ? "" : runId + " ") + "--html report.html'");
        }
        if ("-".equals(html) && "-".equals(json)) {
            throw new HwfException(ExitCodes.BAD_INPUT, "--html and --json cannot both go to stdout; give one a file");
        }
        RunReport report;
        try (Journal journal = hwf.openJournalForReading()) {
            report = build(journal, HwfCommand.runOrNewest(journal, runId), true);
        }
        if (json != null) {
            emit(json, ReportJson.write(report), "JSON");
        }
        if (html != null) {
            emit(html, ReportHtml.write(report), "HTML");
        }
        return ExitCodes.OK;
    }

    /**
     * The report of run {@code id} from the journal; with {@code tails}, the last lines of failed
     * attempts' stderr for a run on this machine.
     */
    static RunReport build(Journal journal, String id, boolean tails) {
        RunSnapshot snap = journal.snapshot(id);
        List<Event> events = journal.events(id);
        List<StagingLog.CopiedFile> copies = journal.staging().copies(id);
        Workflow wf = SpecCodec.fromJson(snap.run().spec());
        String host = wf.site().isRemote() ? wf.site().host() : null;
        // tails of stderr only where the files are at hand; a cluster's stay one 'hwf logs' away
        Function<String, String> tail = host == null && tails ? ReportCommand::tail : null;
        return RunReport.build(snap, events, wf, host, Instant.now(), tail,
                new HwfCommand.Version().getVersion()[0]).withSites(SitesReport.of(snap, wf, copies));
    }

    private void emit(String where, String text, String what) throws IOException {
        if ("-".equals(where)) {
            hwf.out.print(text);
            hwf.out.flush();
            return;
        }
        Path p = Path.of(where).toAbsolutePath();
        if (Files.isDirectory(p)) {
            throw new HwfException(ExitCodes.BAD_INPUT, p + " is a directory; give a file name, e.g. " + p.resolve(
                    what.equals("HTML") ? "report.html" : "report.json"));
        }
        try {
            FileModes.writeText(p, text);
        } catch (IOException e) {
            throw new HwfException(ExitCodes.BAD_INPUT, "cannot write the " + what + " report to " + p + ": " + e
                    + "; check the path and its permissions", e);
        }
        hwf.hint("wrote " + what + " report " + p + (what.equals("HTML") ? " (open " + p.toUri() + ")" : ""));
    }

    /** The last lines of a local file, or null when it is missing or empty. */
    static String tail(String path) {
        byte[] b;
        try {
            b = new LocalFiles().read(path, -TAIL_BYTES, TAIL_BYTES);
        } catch (HwfException e) {
            return null;
        }
        if (b == null || b.length == 0) {
            return null;
        }
        String text = new String(b, StandardCharsets.UTF_8).stripTrailing();
        List<String> lines = text.lines().toList();
        if (b.length == TAIL_BYTES && lines.size() > 1) {
            lines = lines.subList(1, lines.size()); // the first line is likely cut
        }
        return String.join("\n", lines.subList(Math.max(0, lines.size() - TAIL_LINES), lines.size()));
    }
}
