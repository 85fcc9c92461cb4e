package dev.hwf.launcher.batch;

import dev.hwf.api.JobState;
import dev.hwf.launcher.ExitCodes;
import dev.hwf.launcher.HwfException;
import dev.hwf.launcher.engine.Follow;
import dev.hwf.launcher.plan.ReusePlan;
import dev.hwf.launcher.engine.RunEngine;
import dev.hwf.launcher.site.Scheduler;
import dev.hwf.launcher.journal.SpecCodec;
import dev.hwf.launcher.journal.Journal;
import dev.hwf.launcher.journal.RunSnapshot;
import dev.hwf.launcher.journal.TaskRecord;
import dev.hwf.launcher.render.JobScripts;
import dev.hwf.launcher.workflow.Task;
import dev.hwf.launcher.workflow.Workflow;
import java.time.Duration;
import java.time.LocalDateTime;
import java.util.List;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.ExitStatus;
import org.springframework.batch.core.configuration.support.MapJobRegistry;
import org.springframework.batch.core.job.Job;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.job.builder.JobBuilder;
import org.springframework.batch.core.job.parameters.JobParameters;
import org.springframework.batch.core.job.parameters.JobParametersBuilder;
import org.springframework.batch.core.launch.support.TaskExecutorJobOperator;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.batch.core.repository.support.JdbcJobRepositoryFactoryBean;
import org.springframework.batch.core.step.Step;
import org.springframework.batch.core.step.StepExecution;
import org.springframework.batch.core.step.builder.StepBuilder;
import org.springframework.batch.core.step.tasklet.Tasklet;
import org.springframework.batch.infrastructure.repeat.RepeatStatus;
import org.springframework.jdbc.support.JdbcTransactionManager;

/**
 * A workflow run as a Spring Batch job of five steps: validate, render, submit, monitor, finish.
 * Its JobRepository lives in the journal's SQLite file beside hwf's own tables, and the job
 * instance is keyed by the run id, so a restarted run skips the steps that completed.
 *
 * <p>Spring Batch is wired by hand rather than through an application context: only the commands
 * that run a job pay for it, and they pay for the few objects they use.
 */
public final class RunJob {
    private static final Logger LOG = LoggerFactory.getLogger(RunJob.class);
    /** The Spring Batch job name of a workflow run. */
    public static final String JOB_NAME = "hwf-run";

    private final Journal journal;
    private final Scheduler scheduler;
    private final RunEngine engine;
    private final Duration interval;
    /** The monitor step's pace, made at its first pass. */
    private Follow follow;
    private final Consumer<RunSnapshot> progress;
    /** The run as the last pass left it: the monitor step starts from it instead of reading the run again. */
    private RunSnapshot last;

    /**
     * @param interval time between two passes of the monitor step
     * @param progress called after every pass with the run as it stands
     */
    public RunJob(Journal journal, Scheduler scheduler, RunEngine engine, Duration interval,
                  Consumer<RunSnapshot> progress) {
        this.journal = journal;
        this.scheduler = scheduler;
        this.engine = engine;
        this.interval = interval;
        this.progress = progress;
    }

    /**
     * Runs the job for a run recorded in the journal. With {@code detach}, the job ends after the
     * submit step and the run goes on under {@code hwf poll}.
     *
     * @return the run as it stands when the job ends
     */
    public RunSnapshot run(String runId, boolean detach) {
        JobRepository repository = repository();
        Job job = job(repository, runId, detach);
        TaskExecutorJobOperator operator = operator(repository, job);
        return finish(runId, () -> operator.start(job, params(runId, 0, detach)));
    }

    /**
     * Follows a resumed run to its end. The Spring Batch side agrees with the journal: the run's
     * latest job instance is restarted where it stopped (its completed steps are skipped) when its
     * last execution did not complete, the one a killed hwf left STARTED included; after a
     * completed one, the resume is a new instance of the run's job.
     */
    public RunSnapshot resume(String runId) {
        JobRepository repository = repository();
        Job job = job(repository, runId, false);
        TaskExecutorJobOperator operator = operator(repository, job);
        long latest = -1;
        while (repository.getJobInstance(JOB_NAME, params(runId, latest + 1, false)) != null) {
            latest++;
        }
        JobExecution last = latest < 0 ? null : repository.getLastJobExecution(JOB_NAME, params(runId, latest, false));
        if (last == null || last.getStatus() == BatchStatus.COMPLETED || last.getStatus() == BatchStatus.ABANDONED) {
            long next = latest + 1;
            return finish(runId, () -> operator.start(job, params(runId, next, false)));
        }
        if (last.getStatus().isRunning()) {
            // The process that ran it is gone (the journal's run lock says nobody works on the run
            // but us): record that, so Spring Batch lets the execution be restarted.
            LocalDateTime now = LocalDateTime.now();
            for (StepExecution step : last.getStepExecutions()) {
                if (step.getStatus().isRunning()) {
                    step.setStatus(BatchStatus.FAILED);
                    step.setExitStatus(ExitStatus.FAILED.addExitDescription("hwf process ended without finishing"));
                    step.setEndTime(now);
                    repository.update(step);
                }
            }
            last.setStatus(BatchStatus.FAILED);
            last.setExitStatus(ExitStatus.FAILED.addExitDescription("hwf process ended without finishing"));
            last.setEndTime(now);
            repository.update(last);
        }
        return finish(runId, () -> operator.restart(last));
    }

    private interface Launch {
        JobExecution launch() throws Exception;
    }

    private RunSnapshot finish(String runId, Launch launch) {
        JobExecution execution;
        try {
            execution = launch.launch();
        } catch (HwfException e) {
            throw e;
        } catch (Exception e) {
            throw new HwfException(ExitCodes.BAD_INPUT, "run " + runId + " cannot be started by Spring Batch: "
                    + e.getMessage(), e);
        }
        if (execution.getStatus() != BatchStatus.COMPLETED) {
            for (Throwable t : execution.getAllFailureExceptions()) {
                if (t instanceof HwfException h) {
                    throw h;
                }
            }
            List<Throwable> all = execution.getAllFailureExceptions();
            Throwable first = all.isEmpty() ? null : all.get(0);
            throw new IllegalStateException("run " + runId + ": the Spring Batch job ended " + execution.getStatus(),
                    first);
        }
        return journal.openSnapshot(runId);
    }

    private static JobParameters params(String runId, long resume, boolean detach) {
        return new JobParametersBuilder()
                .addString("run.id", runId, true)
                .addLong("resume", resume, true)
                .addString("detach", Boolean.toString(detach), false)
                .toJobParameters();
    }

    private static TaskExecutorJobOperator operator(JobRepository repository, Job job) {
        TaskExecutorJobOperator operator = new TaskExecutorJobOperator();
        operator.setJobRepository(repository);
        MapJobRegistry registry = new MapJobRegistry();
        try {
            registry.register(job);
            operator.setJobRegistry(registry);
            operator.afterPropertiesSet();
        } catch (Exception e) {
            throw new IllegalStateException("cannot set up Spring Batch", e);
        }
        return operator;
    }

    private JobRepository repository() {
        JdbcJobRepositoryFactoryBean factory = new JdbcJobRepositoryFactoryBean();
        factory.setDataSource(journal.dataSource());
        factory.setTransactionManager(new JdbcTransactionManager(journal.dataSource()));
        factory.setDatabaseType("SQLITE");
        try {
            factory.afterPropertiesSet();
            return factory.getObject();
        } catch (Exception e) {
            throw new IllegalStateException("cannot open Spring Batch's job repository in " + journal.file(), e);
        }
    }

    private Job job(JobRepository repository, String runId, boolean detach) {
        return new JobBuilder(JOB_NAME, repository)
                .start(step(repository, "validate", validate(runId)))
                .next(step(repository, "render", render(runId)))
                .next(step(repository, "submit", submit(runId)))
                .next(step(repository, "monitor", monitor(runId, detach)))
                .next(step(repository, "finish", finish(runId)))
                .build();
    }

    private static Step step(JobRepository repository, String name, Tasklet tasklet) {
        Tasklet logged = (contribution, chunk) -> {
            LOG.debug("step {}", name);
            return tasklet.execute(contribution, chunk);
        };
        return new StepBuilder(name, repository).tasklet(logged).build();
    }

    /** The journal's copy of the workflow is readable and matches the run's task rows. */
    private Tasklet validate(String runId) {
        return (contribution, chunk) -> {
            RunSnapshot snap = journal.openSnapshot(runId);
            Workflow wf = SpecCodec.fromJson(snap.run().spec());
            List<String> journaled = snap.tasks().stream().map(TaskRecord::name).toList();
            List<String> specified = wf.tasks().stream().map(Task::name).toList();
            if (!journaled.equals(specified)) {
                throw new HwfException(ExitCodes.BAD_INPUT, "run " + runId + ": the journal's tasks " + journaled
                        + " do not match its workflow " + specified + "; the journal was changed by hand?");
            }
            return RepeatStatus.FINISHED;
        };
    }

    /**
     * Writes every not-yet-submitted task's first script into its directory, so a user can read
     * what will run before it runs (submission renders again, with the attempt it gets).
     */
    private Tasklet render(String runId) {
        return (contribution, chunk) -> {
            RunSnapshot snap = journal.openSnapshot(runId);
            Workflow wf = SpecCodec.fromJson(snap.run().spec());
            // reused tasks' directories point at where they ran (made at submit; again here after a crash)
            ReusePlan.link(scheduler.files(), journal, snap);
            engine.writeFirstScripts(snap, wf);
            return RepeatStatus.FINISHED;
        };
    }

    private Tasklet submit(String runId) {
        return (contribution, chunk) -> {
            last = engine.advance(runId);
            progress.accept(last);
            return RepeatStatus.FINISHED;
        };
    }

    /** One pass per call until the run has ended; each call is its own short step transaction. */
    private Tasklet monitor(String runId, boolean detach) {
        return (contribution, chunk) -> {
            if (detach) {
                return RepeatStatus.FINISHED;
            }
            RunSnapshot snap = last != null ? last : journal.openSnapshot(runId);
            if (snap.run().isFinished()) {
                return RepeatStatus.FINISHED;
            }
            if (follow == null) {
                follow = new Follow(engine, interval);
            }
            snap = follow.next(runId, snap); // reads the run afresh: a change made meanwhile by another process counts
            last = snap;
            progress.accept(snap);
            return snap.run().isFinished() ? RepeatStatus.FINISHED : RepeatStatus.CONTINUABLE;
        };
    }

    private Tasklet finish(String runId) {
        return (contribution, chunk) -> {
            RunSnapshot snap = journal.openSnapshot(runId);
            long live = snap.elements().size(); // an open snapshot holds the live elements
            contribution.getStepExecution().getExecutionContext().putString("run.state", snap.run().state());
            contribution.getStepExecution().getExecutionContext().putLong("run.live", live);
            boolean waiting = snap.tasks().stream().anyMatch(t -> snap.counts(t.name()).of(JobState.WAITING) > 0);
            if (waiting && snap.run().isFinished()) {
                throw new IllegalStateException("run " + runId + " ended with elements still WAITING");
            }
            return RepeatStatus.FINISHED;
        };
    }
}
