package dev.hwf.launcher.cli;

/**
 * Sets slf4j-simple's levels before the first logger exists: warnings by default, more with
 * {@code --verbose}. Logs go to stderr, so stdout carries only what a command prints.
 */
final class Logging {
    private Logging() {
    }

    static void configure(String[] args) {
        String level = "warn";
        for (String a : args) {
            if (a.equals("-v") || a.equals("--verbose")) {
                level = "debug";
            }
        }
        setIfAbsent("org.slf4j.simpleLogger.defaultLogLevel", "warn");
        setIfAbsent("org.slf4j.simpleLogger.log.dev.hwf", level);
        setIfAbsent("org.slf4j.simpleLogger.logFile", "System.err");
        setIfAbsent("org.slf4j.simpleLogger.showDateTime", "true");
        setIfAbsent("org.slf4j.simpleLogger.dateTimeFormat", "HH:mm:ss.SSS");
        setIfAbsent("org.slf4j.simpleLogger.showThreadName", "false");
        setIfAbsent("org.slf4j.simpleLogger.showShortLogName", "true");
    }

    private static void setIfAbsent(String key, String value) {
        if (System.getProperty(key) == null) {
            System.setProperty(key, value);
        }
    }
}
