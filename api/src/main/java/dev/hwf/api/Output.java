package dev.hwf.api;

/** What one command printed, and its exit code: the input of an adapter's parsers. */
public record Output(int exitCode, String stdout, String stderr) {
    public Output {
        stdout = stdout == null ? "" : stdout;
        stderr = stderr == null ? "" : stderr;
    }
}
