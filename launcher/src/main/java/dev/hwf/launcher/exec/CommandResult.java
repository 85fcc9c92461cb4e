package dev.hwf.launcher.exec;

/** What a finished command left: its exit code and its output. */
public record CommandResult(int exitCode, String stdout, String stderr) {
    /** The first non-blank line of stderr (or stdout), for error messages. */
    public String firstErrorLine() {
        for (String s : new String[] {stderr, stdout}) {
            for (String line : s.split("\n")) {
                if (!line.isBlank()) {
                    return line.strip();
                }
            }
        }
        return "no output";
    }
}
