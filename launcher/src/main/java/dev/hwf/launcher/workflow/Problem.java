package dev.hwf.launcher.workflow;

/**
 * One thing wrong with a workflow file, located for the user.
 *
 * @param file   the file as given on the command line, or {@code --set} for an override
 * @param line   1-based line, 0 when unknown
 * @param column 1-based column, 0 when unknown
 * @param key    the key path, e.g. {@code tasks[1].walltime} or {@code tasks.train.gpus}
 */
public record Problem(String file, int line, int column, String key, String message) {
    @Override
    public String toString() {
        return file + ":" + line + ":" + column + ": " + key + ": " + message;
    }
}
