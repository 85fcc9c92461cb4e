package dev.hwf.launcher.cli;

/**
 * Sets slf4j-simple's levels before the first logger exists: warnings by default, more with
 * {@code --verbose}, errors only with {@code --quiet}. Logs go to stderr, so stdout carries only
 * what a command prints.
 */
final class Logging {
    private Logging() {
    }

    static void configure(String[] args) {
        String level = has(args, "-v", "--verbose") ? "debug" : has(args, "-q", "--quiet") ? "error" : "warn";
        setIfAbsent("org.slf4j.simpleLogger.defaultLogLevel", level.equals("error") ? "error" : "warn");
        setIfAbsent("org.slf4j.simpleLogger.log.dev.hwf", level);
        setIfAbsent("org.slf4j.simpleLogger.logFile", "System.err");
        setIfAbsent("org.slf4j.simpleLogger.showDateTime", "true");
        setIfAbsent("org.slf4j.simpleLogger.dateTimeFormat", "HH:mm:ss.SSS");
        setIfAbsent("org.slf4j.simpleLogger.showThreadName", "false");
        setIfAbsent("org.slf4j.simpleLogger.showShortLogName", "true");
    }

    /** Whether one of the flags is among the arguments (before a "--", which ends options). */
    static boolean has(String[] args, String... flags) {
        for (String a : args) {
            if (a.equals("--")) {
                return false;
            }
            for (String f : flags) {
                if (a.equals(f)) {
                    return true;
                }
            }
        }
        return false;
    }

    private static void setIfAbsent(String key, String value) {
        if (System.getProperty(key) == null) {
            System.setProperty(key, value);
        }
    }
}
