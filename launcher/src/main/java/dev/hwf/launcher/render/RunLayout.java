package dev.hwf.launcher.render;

import dev.hwf.launcher.exec.TaskDir;

/**
 * The names of a run's things: where its files lie in the work directory and what its jobs are
 * called on the scheduler. The engine, the renderer, logs and reports all find them this way.
 */
public final class RunLayout {
    private RunLayout() {
    }

    /** The directory of a task of a run: {@code <workdir>/<run>/<task>}. */
    public static String taskDir(String workdir, String runId, String task) {
        return workdir + "/" + runId + "/" + task;
    }

    /** The scheduler job name of a task attempt: unique, so a job can be found again by name. */
    public static String jobName(String runId, String task, int attempt) {
        return "hwf-" + runId + "-" + task + "-" + attempt;
    }

    /** The job script of a task attempt: {@code <taskDir>/job.<attempt>.sh}. */
    public static String scriptPath(String taskDir, int attempt) {
        return taskDir + "/" + TaskDir.script(attempt);
    }
}
