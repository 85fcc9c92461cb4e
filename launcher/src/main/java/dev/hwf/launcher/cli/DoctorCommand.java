package dev.hwf.launcher.cli;

import dev.hwf.launcher.ExitCodes;
import dev.hwf.launcher.doctor.DoctorReport;
import dev.hwf.launcher.doctor.MachineChecks;
import dev.hwf.launcher.doctor.SiteDoctor;
import dev.hwf.launcher.doctor.SiteReport;
import dev.hwf.launcher.workflow.NamedSite;
import dev.hwf.launcher.workflow.Site;
import dev.hwf.launcher.workflow.Workflow;
import dev.hwf.launcher.workflow.WorkflowLoader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code hwf doctor [FILE]}: whether hwf and each site agree, before a campaign (SPEC section 7). */
@Command(name = "doctor", mixinStandardHelpOptions = true,
        description = {"Check each site of FILE (or, without FILE, the local scheduler on this machine): the "
                + "SSH host key and login, the scheduler's commands and version, its partitions or queues and their "
                + "GPUs against the tasks', accounting, the limits hwf reads, the work directory (writable, private, "
                + "file system); then the journal and Java. One line per check: OK, WARN or FAIL with what to do next.",
                "Exit 0 when nothing FAILed, 1 on a FAIL, 2 on an invalid workflow. Submits nothing; makes the work "
                + "directory when it is missing, as a run would."},
        footer = {"", "Examples:", "  hwf doctor", "  hwf doctor workflows/campaign.yaml",
                "  hwf doctor workflows/campaign.yaml --json | jq '.sites[].checks[] | select(.status != \"OK\")'"})
final class DoctorCommand implements Callable<Integer> {
    @ParentCommand
    HwfCommand hwf;

    @Parameters(index = "0", arity = "0..1", paramLabel = "FILE", description = "The workflow whose sites to check.")
    Path file;

    @Option(names = "--set", paramLabel = "KEY=VALUE", description = "Override a key before validation, as for submit.")
    List<String> sets = new ArrayList<>();

    @Option(names = "--json", description = "Print one JSON object: sites [{site, scheduler, where, checks [{check, "
            + "status, detail, fix}]}], machine [{check, status, detail, fix}], ok.")
    boolean json;

    @Override
    public Integer call() {
        Workflow wf = file == null ? null : WorkflowLoader.load(file, sets);
        List<NamedSite> sites = wf == null
                ? List.of(new NamedSite(NamedSite.DEFAULT, "local", Site.local(), null, null)) : wf.sites();
        List<SiteReport> reports = new ArrayList<>();
        for (NamedSite s : sites) {
            reports.add(SiteDoctor.check(wf, s, SiteSetup.DEFAULT_WORKDIR));
        }
        DoctorReport report = new DoctorReport(reports, MachineChecks.of(hwf.journalPath()));
        hwf.out.print(json ? StatusView.json(report.json()) + "\n" : report.text());
        return report.ok() ? ExitCodes.OK : ExitCodes.TASK_FAILED;
    }
}
