package dev.hwf.launcher.engine.support;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.hwf.api.SchedulerAdapter;
import dev.hwf.launcher.engine.CrashHook;
import dev.hwf.launcher.engine.RunEngine;
import dev.hwf.launcher.journal.ElementRecord;
import dev.hwf.launcher.journal.Event;
import dev.hwf.launcher.journal.Journal;
import dev.hwf.launcher.journal.RunSnapshot;
import dev.hwf.launcher.journal.SpecCodec;
import dev.hwf.launcher.sched.SchedulerRegistry;
import dev.hwf.launcher.site.Scheduler;
import dev.hwf.launcher.workflow.Workflow;
import dev.hwf.launcher.workflow.WorkflowLoader;
import dev.hwf.slurm.SlurmAdapter;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * One run on a scripted Slurm: a real journal, the {@link SlurmAdapter} with its real parsers,
 * a {@link FixtureRunner} for the scheduler, {@link FakeSiteFiles} for the work directory and a
 * {@link TestClock}. A test scripts the scheduler's answers, sets the clock, makes a pass and
 * checks the journal.
 */
public final class PassHarness implements AutoCloseable {
    /** The timings {@code Schedulers} gives a cluster by default. */
    public static final Duration LOST_AFTER = Duration.ofSeconds(120);
    public static final Duration SUBMIT_GRACE = Duration.ofSeconds(90);
    public static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(60);
    /** The site's work directory; only ever a prefix in {@link FakeSiteFiles}. */
    public static final String WORKDIR = "/scratch/alice/hwf";
    public static final Instant T0 = Instant.parse("2026-03-02T09:00:00Z");

    public final Journal journal;
    public final FixtureRunner runner = new FixtureRunner();
    public final FakeSiteFiles files = new FakeSiteFiles();
    public final TestClock clock = new TestClock(T0);
    private final Path tmp;
    private Workflow wf;
    private String runId;
    private RunEngine engine;

    public PassHarness(Path tmp) {
        this.tmp = tmp;
        this.journal = Journal.open(tmp.resolve("journal.db"));
    }

    /**
     * Records a new run of the workflow (every element WAITING) and builds the engine for it. The
     * run's site limits count as read a moment ago and none (as on a cluster without limits), so
     * passes do not ask for them; {@link #startAskingLimits} and {@link #startWithLimits} for tests
     * of limits.
     */
    public String start(String yaml) {
        return startWithLimits(yaml, null, null, null);
    }

    /** {@link #start}, with the site's limits as already read: array size, jobs, where the job limit comes from. */
    public String startWithLimits(String yaml, Integer maxArraySize, Integer maxJobs, String source) {
        startAskingLimits(yaml);
        journal.recordLimits(runId, "{\"maxArraySize\":" + maxArraySize + ",\"maxJobs\":" + maxJobs
                + ",\"maxJobsSource\":" + (source == null ? "null" : "\"" + source + "\"") + "}", clock.instant());
        return runId;
    }

    /** {@link #start}, with no limits read yet: the first pass with work to submit asks the scheduler. */
    public String startAskingLimits(String yaml) {
        wf = WorkflowLoader.parse(yaml, "wf.yaml", tmp, List.of());
        // Slurm's answers unless the workflow names another scheduler, whose captured output the test scripts
        runId = journal.createRun(wf, SpecCodec.toJson(wf), WORKDIR, clock.instant());
        engine = engine(CrashHook.NONE);
        return runId;
    }

    /**
     * A new engine over the same journal, scheduler and files: a new hwf process, which keeps
     * nothing of an earlier one but what the journal holds.
     */
    public RunEngine engine(CrashHook crash) {
        SchedulerAdapter adapter = wf == null || "slurm".equals(wf.scheduler()) ? new SlurmAdapter()
                : SchedulerRegistry.adapter(wf.scheduler(), wf.site());
        return new RunEngine(journal, new Scheduler(adapter, runner, files, LOST_AFTER, COMMAND_TIMEOUT,
                SUBMIT_GRACE), clock, crash);
    }

    /** From now on passes are made by {@code next} (after a crash, the hwf process that carries on). */
    public void use(RunEngine next) {
        engine = next;
    }

    public RunEngine engine() {
        return engine;
    }

    public String runId() {
        return runId;
    }

    /** The run's workflow, as {@link #start} read it. */
    public Workflow workflow() {
        return wf;
    }

    /**
     * One pass at the clock's time. Each pass must ask exactly what the test scripted for it: a
     * command with no answer, or an answer left over, fails the test here.
     */
    public RunSnapshot pass() {
        RunSnapshot snap = engine.advance(runId);
        assertEquals(List.of(), runner.unexpected(), "commands the test did not script");
        assertEquals(List.of(), runner.unused(), "scripted answers this pass never asked for");
        return OpenSnapshots.checked(journal, snap);
    }

    /** Advances the clock by {@code d}, then makes a pass. */
    public RunSnapshot passAfter(Duration d) {
        clock.advance(d);
        return pass();
    }

    public RunSnapshot snapshot() {
        return journal.snapshot(runId);
    }

    /** {@code <workdir>/<run>/<task>}, where hwf writes the task's scripts and its jobs their files. */
    public String dir(String task) {
        return dev.hwf.launcher.render.RunLayout.taskDir(WORKDIR, runId, task);
    }

    public String jobName(String task, int attempt) {
        return dev.hwf.launcher.render.RunLayout.jobName(runId, task, attempt);
    }

    /** The sbatch command hwf sends for an attempt of a task. */
    public List<String> sbatch(String task, int attempt) {
        String dir = dir(task);
        String log = wf.task(task).isArray() ? "slurm-%A_%a.out" : "slurm-%j.out";
        return List.of("sbatch", "--parsable", "--chdir=" + dir, "--output=" + dir + "/" + log,
                dir + "/job." + attempt + ".sh");
    }

    /** The sbatch command hwf sends for an attempt of a task handed over early, under {@code dependency}. */
    public List<String> sbatch(String task, int attempt, String dependency) {
        List<String> argv = new ArrayList<>(sbatch(task, attempt));
        argv.add(1, "--dependency=" + dependency);
        return argv;
    }

    /** hwf killed at a crash point: the tests' stand-in for {@code kill -9}. */
    public static final class Killed extends RuntimeException {
        Killed(String point) {
            super("hwf killed at " + point);
        }
    }

    /** A crash hook that kills hwf ({@link Killed}) when it reaches {@code point}. */
    public static CrashHook killAt(String point) {
        return p -> {
            if (p.equals(point)) {
                throw new Killed(p);
            }
        };
    }

    /**
     * One pass by an hwf killed when it reaches {@code point}, which it must reach; the passes after
     * it are a new hwf's.
     */
    public void passKilledAt(String point) {
        RunEngine killed = engine(killAt(point));
        assertThrows(Killed.class, () -> killed.advance(runId));
        engine = engine(CrashHook.NONE);
    }

    /** The squeue status query hwf sends for these job ids, in that order. */
    public static List<String> squeue(String jobIds) {
        return List.of("squeue", "--noheader", "--array", "--states=all", "--jobs=" + jobIds, "--format=%i|%T|%r");
    }

    public static ElementRecord element(RunSnapshot snap, String task, int index) {
        return snap.elements().stream().filter(e -> e.task().equals(task) && e.index() == index).findFirst()
                .orElseThrow(() -> new AssertionError("no element " + task + "[" + index + "] in " + snap));
    }

    /** The reasons recorded, in order, for an element's changes to {@code state}. */
    public List<String> reasons(String task, int index, String state) {
        return journal.events(runId).stream()
                .filter(e -> task.equals(e.task()) && Integer.valueOf(index).equals(e.index())
                        && state.equals(e.state()))
                .map(Event::reason).toList();
    }

    @Override
    public void close() {
        journal.close();
    }
}
