package dev.hwf.e2e;

/** The scenarios on the {@code local} scheduler. */
class LocalSchedulerIT extends SchedulerScenarios {
    @Override
    String scheduler() {
        return "local";
    }

    @Override
    String pollInterval() {
        return "0.3";
    }
}
