package dev.hwf.launcher.doctor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hwf.api.Output;
import dev.hwf.api.SchedulerOutputException;
import dev.hwf.launcher.doctor.Check.Status;
import dev.hwf.launcher.workflow.Workflow;
import dev.hwf.launcher.workflow.WorkflowLoader;
import dev.hwf.testing.Fixture;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * How {@code hwf doctor} reads each scheduler's answers (fixtures of real output where a real
 * scheduler could be run, see fixtures/doctor/README.md), and what it concludes from them.
 */
class DoctorTest {
    private static Output out(String dir, String name) {
        Fixture f = Fixture.load("doctor/" + dir, name);
        return new Output(f.exitCode(), f.stdout(), f.stderr());
    }

    private static final SlurmProbe SLURM = new SlurmProbe();
    private static final PbsProbe PBSPRO = new PbsProbe(false);
    private static final PbsProbe TORQUE = new PbsProbe(true);
    private static final LsfProbe LSF = new LsfProbe();

    // ------------------------------------------------------------------ Slurm

    @Test
    void slurmVersionFromSinfoAndSbatch() {
        Check c = SLURM.version(List.of(out("slurm", "sinfo-version"), out("slurm", "sbatch-version")));
        assertEquals(Status.OK, c.status());
        assertEquals("Slurm 22.05.8 (sinfo, sbatch)", c.detail());
    }

    @Test
    void slurmCommandsMissingOrDisagreeing() {
        Check missing = SLURM.version(List.of(new Output(127, "", "bash: line 1: sinfo: command not found"),
                out("slurm", "sbatch-version")));
        assertEquals(Status.FAIL, missing.status());
        assertTrue(missing.detail().contains("sinfo: command not found"), missing.detail());
        assertTrue(missing.fix().contains("PATH"), missing.fix());
        Check empty = SLURM.version(List.of(new Output(0, "", ""), out("slurm", "sbatch-version")));
        assertEquals(Status.FAIL, empty.status());
        Check two = SLURM.version(List.of(out("slurm", "sinfo-version"), new Output(0, "slurm 23.02.1\n", "")));
        assertEquals(Status.WARN, two.status());
        assertEquals("Slurm: sinfo 22.05.8, sbatch 23.02.1", two.detail());
    }

    @Test
    void slurmPartitionsOfThePlainCluster() {
        List<Partition> p = SLURM.partitions(List.of(out("slurm", "sinfo-partitions-plain")));
        assertEquals(List.of(new Partition("cpu", true, true, "up", 2), new Partition("gpu", false, true, "up", 2)), p);
    }

    @Test
    void slurmPartitionLinesPerKindOfNodeAddUp() {
        // cpu has two nodes without GPUs and n3 with two; gpu only n3
        List<Partition> p = SLURM.partitions(List.of(out("slurm", "sinfo-partitions-realistic")));
        assertEquals(List.of(new Partition("cpu", true, true, "up", 2), new Partition("gpu", false, true, "up", 2)), p);
    }

    @Test
    void slurmGresForms() {
        assertEquals(0, SlurmProbe.gpusPerNode("(null)"));
        assertEquals(2, SlurmProbe.gpusPerNode("gpu:2"));
        assertEquals(4, SlurmProbe.gpusPerNode("gpu:a100:4(S:0-1)"));
        assertEquals(3, SlurmProbe.gpusPerNode("gpu:a100:1(S:0),gpu:v100:2(S:1),mps:200"));
        assertEquals(0, SlurmProbe.gpusPerNode("mps:100"));
    }

    @Test
    void slurmPartitionsBrokenOrEmpty() {
        assertThrows(SchedulerOutputException.class, () -> SLURM.partitions(List.of(new Output(0, "", ""))));
        assertThrows(SchedulerOutputException.class, () -> SLURM.partitions(List.of(new Output(0, "cpu* up\n", ""))));
        assertThrows(SchedulerOutputException.class, () -> SLURM.partitions(List.of(new Output(1, "",
                "slurm_load_partitions: Unable to contact slurm controller (connect failure)"))));
        List<Partition> drained = SLURM.partitions(List.of(new Output(0, "cpu*|up|1|(null)\ngpu|drain|1|gpu:2\n", "")));
        assertEquals(new Partition("gpu", false, false, "drain", 2), drained.get(1));
    }

    @Test
    void slurmAccountingOnAndOff() {
        Check on = SLURM.accounting(out("slurm", "sacct-probe-slurmdbd"));
        assertEquals(Status.OK, on.status());
        Check off = SLURM.accounting(out("slurm", "sacct-probe-accounting-off"));
        assertEquals(Status.WARN, off.status());
        assertTrue(off.detail().startsWith("sacct: Slurm accounting storage is disabled (no slurmdbd)"), off.detail());
        assertTrue(off.detail().contains("LOST"), "says what hwf loses: " + off.detail());
        Check down = SLURM.accounting(out("slurm", "sacct-probe-slurmdbd-unreachable"));
        assertEquals(Status.WARN, down.status());
        assertTrue(down.detail().startsWith("sacct exited 1: sacct: error: slurm_persist_conn_open_without_init: "
                + "failed to open persistent connection to host:vm:1: Connection refused"), down.detail());
        assertTrue(down.fix().startsWith("is slurmdbd up?"), down.fix());
        Check empty = SLURM.accounting(new Output(1, "", ""));
        assertEquals("sacct exited 1: no output: " + SchedulerProbe.WITHOUT_ACCOUNTING, empty.detail());
    }

    // ------------------------------------------------------------------ PBS Pro and Torque

    @Test
    void pbsProVersionAndFlavor() {
        Check pro = PBSPRO.version(List.of(out("pbs", "openpbs-qstat-version")));
        assertEquals(Status.OK, pro.status());
        assertEquals("PBS Pro 23.06.06 (qstat)", pro.detail());
        Check wrongFlavor = TORQUE.version(List.of(out("pbs", "openpbs-qstat-version")));
        assertEquals(Status.WARN, wrongFlavor.status());
        assertTrue(wrongFlavor.fix().contains("flavor: pbspro"), wrongFlavor.fix());
        Check torque = TORQUE.version(List.of(new Output(0, "Version: 6.1.3\nCommit: 0a1b2c\n", "")));
        assertEquals("Torque 6.1.3 (qstat)", torque.detail());
        assertEquals(Status.WARN, PBSPRO.version(List.of(new Output(0, "Version: 6.1.3\n", ""))).status());
    }

    @Test
    void slurmsTorqueWrappersTellNoVersion() {
        Check c = TORQUE.version(List.of(out("pbs", "slurm-torque-qstat-version")));
        assertEquals(Status.WARN, c.status());
        assertTrue(c.detail().contains("Unknown option: version"), c.detail());
        assertEquals(Status.FAIL, PBSPRO.version(List.of(new Output(127, "", "bash: qstat: command not found"))).status());
    }

    @Test
    void pbsProQueuesWithTheGpusOfTheirNodes() {
        List<Partition> q = PBSPRO.partitions(List.of(out("pbs", "openpbs-qstat-Qf-json-workq"),
                out("pbs", "handmade-pbsnodes-a-F-json")));
        assertEquals(List.of(new Partition("workq", false, true, "enabled, started", 2)), q);
        // pbsnodes did not answer: the queue is known, its GPUs are not
        List<Partition> unknown = PBSPRO.partitions(List.of(out("pbs", "openpbs-qstat-Qf-json-workq"),
                new Output(1, "", "pbsnodes: cannot connect")));
        assertNull(unknown.get(0).gpus());
    }

    @Test
    void pbsProServerDownOrBrokenJson() {
        assertThrows(SchedulerOutputException.class, () -> PBSPRO.partitions(List.of(
                out("pbs", "openpbs-qstat-Qf-server-down"), out("pbs", "handmade-pbsnodes-a-F-json"))));
        assertThrows(SchedulerOutputException.class, () -> PBSPRO.partitions(List.of(new Output(0, "{\"Queue\":", ""),
                new Output(1, "", ""))));
        assertThrows(SchedulerOutputException.class, () -> PBSPRO.partitions(List.of(new Output(0, "", ""),
                new Output(1, "", ""))));
    }

    @Test
    void torqueQueuesFromQstatQ() {
        List<Partition> q = TORQUE.partitions(List.of(out("pbs", "slurm-torque-qstat-Q"),
                out("pbs", "slurm-torque-pbsnodes-a")));
        assertEquals(List.of("cpu", "gpu"), q.stream().map(Partition::name).toList());
        assertTrue(q.stream().allMatch(Partition::up));
        assertNull(q.get(1).gpus(), "Torque binds no node to a queue: a queue's GPUs are unknown");
        List<Partition> noGpus = TORQUE.partitions(List.of(out("pbs", "slurm-torque-qstat-Q"),
                new Output(0, "vm\n    state = free\n    np = 2\n", "")));
        assertEquals(0, noGpus.get(0).gpus());
        assertThrows(SchedulerOutputException.class, () -> TORQUE.partitions(List.of(new Output(0, "", ""),
                new Output(0, "", ""))));
    }

    @Test
    void pbsProHistoryAndTorqueNone() {
        Check on = PBSPRO.accounting(out("pbs", "openpbs-qstat-Bf-json"));
        assertEquals(Status.OK, on.status());
        assertTrue(on.detail().contains("job_history_enable = True"), on.detail());
        Check off = PBSPRO.accounting(new Output(0, "{\"Server\":{\"vm\":{\"server_state\":\"Active\"}}}", ""));
        assertEquals(Status.WARN, off.status());
        assertTrue(off.fix().contains("job_history_enable = True"), off.fix());
        Check down = PBSPRO.accounting(out("pbs", "openpbs-qstat-Bf-server-down"));
        assertEquals(Status.WARN, down.status());
        assertTrue(down.detail().contains("exited 255: Unknown Host."), down.detail());
        assertNull(TORQUE.accountingCommand(null));
        assertEquals(Status.WARN, TORQUE.accounting(null).status());
    }

    // ------------------------------------------------------------------ LSF (handmade: no LSF here)

    @Test
    void lsfVersionQueuesAndHistory() {
        Check v = LSF.version(List.of(out("lsf", "handmade-lsid")));
        assertEquals("IBM Spectrum LSF Standard 10.1.0.13, cluster cluster1 (lsid)", v.detail());
        assertEquals(Status.FAIL, LSF.version(List.of(out("lsf", "handmade-lsid-lim-down"))).status());
        List<Partition> q = LSF.partitions(List.of(out("lsf", "handmade-bqueues-w")));
        assertEquals(List.of("owners", "priority", "normal", "idle"), q.stream().map(Partition::name).toList());
        assertEquals(new Partition("idle", false, false, "Closed:Inact", null), q.get(3));
        assertThrows(SchedulerOutputException.class, () -> LSF.partitions(List.of(new Output(0, "", ""))));
        assertEquals(Status.OK, LSF.accounting(out("lsf", "handmade-bhist-unknown-job")).status());
        assertEquals(Status.WARN, LSF.accounting(new Output(255, "", "LSF is down. Please wait ...")).status());
    }

    // ------------------------------------------------------------------ partitions against the workflow

    private static Workflow workflow(String tasks) {
        return WorkflowLoader.parse("name: w\nscheduler: slurm\nsite: { gpuPartition: gpu }\ntasks:\n" + tasks,
                "w.yaml", Path.of("."), List.of());
    }

    @Test
    void aTaskPartitionTheSiteLacksFailsNamingTaskAndPartition() {
        Workflow wf = workflow("  - { name: a, partition: cpu, command: 'true' }\n"
                + "  - { name: b, partition: nosuch, command: 'true' }\n");
        List<Check> c = PartitionChecks.of("partition", SLURM.partitions(List.of(out("slurm", "sinfo-partitions-plain"))),
                wf.tasks(), "gpu");
        assertEquals(List.of("partitions", "taskPartition", "gpuPartition"), c.stream().map(Check::check).toList());
        assertEquals("cpu (default, up, 2 GPUs), gpu (up, 2 GPUs)", c.get(0).detail());
        assertEquals(Status.FAIL, c.get(1).status());
        assertEquals("task b asks for partition nosuch, which this site does not have (it has cpu, gpu)",
                c.get(1).detail());
        assertEquals(Status.OK, c.get(2).status());
    }

    @Test
    void gpuPartitionMissingOrWithoutGpus() {
        List<Partition> p = List.of(new Partition("cpu", true, true, "up", 0), new Partition("gpu", false, true, "up", 0),
                new Partition("big", false, false, "drain", 8));
        List<Check> noGpus = PartitionChecks.of("partition", p, List.of(), "gpu");
        assertEquals(Status.WARN, noGpus.get(0).status(), "a drained partition");
        assertEquals(Status.WARN, noGpus.get(1).status());
        assertTrue(noGpus.get(1).fix().contains("(big)"), noGpus.get(1).fix());
        List<Check> missing = PartitionChecks.of("queue", p, List.of(), "a100");
        assertEquals(Status.FAIL, missing.get(1).status());
        assertEquals("site.gpuPartition a100 is no queue of this site (it has cpu, gpu, big)", missing.get(1).detail());
        Workflow wf = workflow("  - { name: t, partition: cpu, gpus: 1, command: 'true' }\n");
        List<Check> gpuTask = PartitionChecks.of("partition", p, wf.tasks(), null);
        assertEquals(Status.FAIL, gpuTask.get(1).status());
        assertEquals("task t asks for 1 GPU(s) in partition cpu, whose nodes have none", gpuTask.get(1).detail());
    }

    // ------------------------------------------------------------------ this machine, and the report

    @Test
    void aJournalNotYetMadeAndJava(@TempDir Path dir) {
        Check j = MachineChecks.journal(dir.resolve("journal.db"));
        assertEquals(Status.OK, j.status());
        assertTrue(j.detail().contains("not made yet") && j.detail().contains("wal mode"), j.detail());
        assertTrue(Files.notExists(dir.resolve("journal.db")), "the doctor makes no journal");
        assertEquals(Status.OK, MachineChecks.java().status());
    }

    @Test
    void reportTextAndJson() {
        DoctorReport r = new DoctorReport(List.of(new SiteReport("cpu", "slurm", "this machine", List.of(
                Check.ok("scheduler", "Slurm 22.05.8 (sinfo, sbatch)"),
                Check.warn("accounting", "sacct: off", "ask for slurmdbd")))), List.of(Check.ok("java", "Java 17")));
        assertTrue(r.ok());
        assertEquals("""
                site cpu: slurm on this machine
                  OK    scheduler      Slurm 22.05.8 (sinfo, sbatch)
                  WARN  accounting     sacct: off; next: ask for slurmdbd
                this machine
                  OK    java           Java 17
                0 FAIL, 1 WARN
                """, r.text());
        assertEquals("{sites=[{site=cpu, scheduler=slurm, where=this machine, checks=[{check=scheduler, status=OK, "
                + "detail=Slurm 22.05.8 (sinfo, sbatch), fix=null}, {check=accounting, status=WARN, detail=sacct: off, "
                + "fix=ask for slurmdbd}]}], machine=[{check=java, status=OK, detail=Java 17, fix=null}], ok=true}",
                r.json().toString());
        DoctorReport failed = new DoctorReport(List.of(), List.of(Check.fail("journal", "x", "y")));
        assertTrue(!failed.ok());
    }
}
