package dev.hwf.launcher.cli;

import dev.hwf.launcher.ExitCodes;
import dev.hwf.launcher.HwfException;
import dev.hwf.launcher.report.Accounting;
import dev.hwf.launcher.report.Accounting.Usage;
import dev.hwf.launcher.journal.SpecCodec;
import dev.hwf.launcher.journal.Journal;
import dev.hwf.launcher.journal.RunRecord;
import dev.hwf.launcher.journal.RunSnapshot;
import dev.hwf.launcher.workflow.Workflow;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.TypeConversionException;

/**
 * {@code hwf usage}: core-hours and GPU-hours per campaign, a campaign being every run of one
 * workflow name (a nightly cron job submitting the same file, say). Each run's figures are
 * {@link Accounting}'s, as {@code hwf status} shows them; here they are summed per task over the
 * campaign's runs. Reads the journal only.
 */
@Command(name = "usage", mixinStandardHelpOptions = true,
        description = {"Core-hours and GPU-hours per campaign: all runs of a workflow, summed per task.",
                "One block per workflow name (every workflow by default): a line per task with its core-hours, "
                        + "GPU-hours and the number of runs it was in, then the campaign's total. Figures are "
                        + "those of 'hwf status' (running time x cores and GPUs held), running runs counted to now.",
                "Exit 0; 2 when WORKFLOW has no runs in the journal (the message names those that have) or "
                        + "--since is not a date."},
        footer = {"", "Examples:", "  hwf usage",
                "  hwf usage nightly-train                       # one campaign",
                "  hwf usage nightly-train --since 2026-11-01    # runs from that day (UTC) on",
                "  hwf usage --since 2026-11-01T12:00:00Z --json",
                "  hwf usage --json | jq '.campaigns[] | {workflow, gpuHours}'"})
final class UsageCommand implements Callable<Integer> {
    @ParentCommand
    HwfCommand hwf;

    @Parameters(index = "0", arity = "0..1", paramLabel = "WORKFLOW",
            description = "Workflow name, the 'name:' of its file (see 'hwf runs'); default: every workflow.")
    String workflow;

    @Option(names = "--since", paramLabel = "DATE", converter = Since.class,
            description = "Only runs submitted at or after DATE: a day (UTC) such as 2026-11-01, or an instant "
                    + "such as 2026-11-01T12:00:00Z.")
    Instant since;

    @Option(names = "--json", description = "Print one JSON object: {campaigns: [{workflow, runs, coreHours, "
            + "gpuHours, tasks, runIds}], coreHours, gpuHours}.")
    boolean json;

    /** Parses --since: an ISO day (its start in UTC) or an ISO instant, with Z or an offset. */
    static final class Since implements ITypeConverter<Instant> {
        @Override
        public Instant convert(String value) {
            String v = value.strip();
            try {
                if (!v.contains("T")) {
                    return LocalDate.parse(v).atStartOfDay(ZoneOffset.UTC).toInstant();
                }
                return OffsetDateTime.parse(v).toInstant();
            } catch (DateTimeParseException e) {
                throw new TypeConversionException("'" + value + "' is not a date or time; give a day such as "
                        + "2026-11-01 or an instant such as 2026-11-01T12:00:00Z");
            }
        }
    }

    /** What one task used over a campaign's runs, and in how many of them it was. */
    record TaskUsage(String name, int runs, Usage usage) {
    }

    /**
     * Every run of one workflow name: tasks in the order first seen, runs oldest first.
     *
     * @param budgetGpuHours the campaign's budget ({@code budget: {gpuHours: N, per: campaign}} in
     *                       its newest run's workflow), or null
     */
    record Campaign(String workflow, List<String> runIds, List<TaskUsage> tasks, Usage total, Double budgetGpuHours) {
    }

    @Override
    public Integer call() {
        List<RunSnapshot> snapshots;
        String journalFile;
        try (Journal journal = hwf.openJournalForReading()) {
            journalFile = journal.file().toString();
            List<RunRecord> runs = journal.runs();
            if (workflow != null && runs.stream().noneMatch(r -> r.workflow().equals(workflow))) {
                throw new HwfException(ExitCodes.BAD_INPUT, noSuchWorkflow(runs, journalFile));
            }
            List<String> ids = new ArrayList<>();
            for (int i = runs.size() - 1; i >= 0; i--) { // runs() is newest first; campaigns read oldest first
                RunRecord r = runs.get(i);
                if ((workflow == null || r.workflow().equals(workflow))
                        && (since == null || !r.submittedAt().isBefore(since))) {
                    ids.add(r.id());
                }
            }
            snapshots = journal.snapshots(ids);
        }
        List<Campaign> campaigns = campaigns(snapshots, Instant.now());
        if (json) {
            hwf.out.println(StatusView.json(jsonObject(campaigns)));
        } else if (campaigns.isEmpty()) {
            hwf.hint("no runs" + (workflow == null ? "" : " of workflow " + workflow)
                    + (since == null ? "" : " submitted since " + since) + " in " + journalFile
                    + (since == null ? "; start one with 'hwf submit FILE'" : "; 'hwf runs' lists them all"));
        } else {
            hwf.out.print(table(campaigns, since == null));
        }
        return ExitCodes.OK;
    }

    private String noSuchWorkflow(List<RunRecord> runs, String journalFile) {
        if (runs.isEmpty()) {
            return "the journal " + journalFile + " holds no runs yet, none of workflow '" + workflow
                    + "'; start one with 'hwf submit FILE'";
        }
        TreeSet<String> names = new TreeSet<>();
        runs.forEach(r -> names.add(r.workflow()));
        return "no runs of workflow '" + workflow + "' in journal " + journalFile + "; it holds runs of: "
                + String.join(", ", names);
    }

    /** Runs (oldest first) grouped by workflow name, workflows by name, each run's usage summed per task. */
    static List<Campaign> campaigns(List<RunSnapshot> runs, Instant now) {
        List<Accounting.Report> reports = Accounting.of(runs, now);
        Map<String, List<Integer>> byWorkflow = new TreeMap<>();
        for (int i = 0; i < runs.size(); i++) {
            byWorkflow.computeIfAbsent(runs.get(i).run().workflow(), k -> new ArrayList<>()).add(i);
        }
        List<Campaign> out = new ArrayList<>();
        for (Map.Entry<String, List<Integer>> e : byWorkflow.entrySet()) {
            Map<String, Usage> used = new LinkedHashMap<>();
            Map<String, Integer> seen = new LinkedHashMap<>();
            List<String> ids = new ArrayList<>();
            Usage total = Usage.NONE;
            for (int i : e.getValue()) {
                ids.add(runs.get(i).run().id());
                Accounting.Report r = reports.get(i);
                r.tasks().forEach((task, u) -> {
                    used.merge(task, u, Usage::plus);
                    seen.merge(task, 1, Integer::sum);
                });
                total = total.plus(r.total());
            }
            List<TaskUsage> tasks = new ArrayList<>();
            used.forEach((task, u) -> tasks.add(new TaskUsage(task, seen.get(task), u)));
            out.add(new Campaign(e.getKey(), ids, tasks, total, campaignBudget(runs.get(e.getValue().get(
                    e.getValue().size() - 1)))));
        }
        return out;
    }

    /** The campaign budget in a run's stored workflow, or null when it has none (or one per run). */
    private static Double campaignBudget(RunSnapshot newest) {
        Workflow wf = SpecCodec.fromJsonOrNull(newest.run().spec());
        return wf != null && wf.budgetPerCampaign() ? wf.budgetGpuHours() : null;
    }

    /** The --json object; keys only ever get added, never renamed. */
    static Map<String, Object> jsonObject(List<Campaign> campaigns) {
        List<Object> list = new ArrayList<>();
        Usage all = Usage.NONE;
        for (Campaign c : campaigns) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("workflow", c.workflow());
            m.put("runs", c.runIds().size());
            putHours(m, c.total());
            List<Object> tasks = new ArrayList<>();
            for (TaskUsage t : c.tasks()) {
                Map<String, Object> task = new LinkedHashMap<>();
                task.put("name", t.name());
                task.put("runs", t.runs());
                putHours(task, t.usage());
                tasks.add(task);
            }
            m.put("tasks", tasks);
            m.put("runIds", c.runIds());
            m.put("budgetGpuHours", c.budgetGpuHours());
            list.add(m);
            all = all.plus(c.total());
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("campaigns", list);
        putHours(out, all);
        return out;
    }

    private static void putHours(Map<String, Object> m, Usage u) {
        m.put("coreHours", Accounting.rounded(u.coreHours()));
        m.put("gpuHours", Accounting.rounded(u.gpuHours()));
    }

    /** The table: a block per campaign, columns aligned across blocks, and a grand total for several. */
    static String table(List<Campaign> campaigns, boolean wholeCampaigns) {
        List<List<String[]>> blocks = new ArrayList<>();
        Usage all = Usage.NONE;
        int runs = 0;
        for (Campaign c : campaigns) {
            List<String[]> rows = new ArrayList<>();
            rows.add(new String[] {"TASK", "CORE-HOURS", "GPU-HOURS", "RUNS"});
            for (TaskUsage t : c.tasks()) {
                rows.add(row(t.name(), t.usage(), t.runs()));
            }
            rows.add(row("total", c.total(), c.runIds().size()));
            blocks.add(rows);
            all = all.plus(c.total());
            runs += c.runIds().size();
        }
        int[] width = new int[4];
        for (List<String[]> rows : blocks) {
            for (String[] row : rows) {
                for (int i = 0; i < row.length; i++) {
                    width[i] = Math.max(width[i], row[i].length());
                }
            }
        }
        StringBuilder sb = new StringBuilder();
        for (int b = 0; b < blocks.size(); b++) {
            Campaign c = campaigns.get(b);
            if (b > 0) {
                sb.append('\n');
            }
            sb.append("workflow ").append(c.workflow()).append(": ").append(c.runIds().size())
                    .append(c.runIds().size() == 1 ? " run" : " runs");
            if (c.budgetGpuHours() != null) {
                sb.append(", budget ").append(Accounting.format(c.budgetGpuHours())).append(" GPU-hours per campaign");
                if (wholeCampaigns) {
                    sb.append(" (").append(Accounting.format(100 * c.total().gpuHours() / c.budgetGpuHours()))
                            .append("% used)");
                }
            }
            sb.append('\n');
            for (String[] row : blocks.get(b)) {
                StringBuilder line = new StringBuilder("  ");
                for (int i = 0; i < row.length; i++) {
                    line.append(String.format("%-" + (width[i] + 2) + "s", row[i]));
                }
                sb.append(line.toString().stripTrailing()).append('\n');
            }
        }
        if (campaigns.size() > 1) {
            sb.append('\n').append("all ").append(campaigns.size()).append(" workflows: ").append(runs)
                    .append(" runs, ").append(Accounting.format(all.coreHours())).append(" core-hours, ")
                    .append(Accounting.format(all.gpuHours())).append(" GPU-hours\n");
        }
        return sb.toString();
    }

    private static String[] row(String name, Usage u, int runs) {
        return new String[] {name, Accounting.format(u.coreHours()), Accounting.format(u.gpuHours()),
                Integer.toString(runs)};
    }
}
