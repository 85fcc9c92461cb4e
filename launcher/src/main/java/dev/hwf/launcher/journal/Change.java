package dev.hwf.launcher.journal;

/** One element's change: the row as read, and as it should become. */
public record Change(ElementRecord before, ElementRecord after) {
}
