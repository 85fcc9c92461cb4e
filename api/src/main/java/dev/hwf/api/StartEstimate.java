package dev.hwf.api;

import java.time.LocalDateTime;

/**
 * What a scheduler says, without a job being submitted, about when it would start one (SPEC
 * section 7, {@code place: soonest}).
 *
 * @param at      the start it estimates, in the site's local time as the scheduler prints it; null
 *                when it gave none
 * @param refusal why the job could not start there now (a drained partition, a request no node
 *                meets), in the scheduler's words; null when it was not refused
 */
public record StartEstimate(LocalDateTime at, String refusal) {
    /** The scheduler gives no estimate (or none could be read). */
    public static final StartEstimate UNKNOWN = new StartEstimate(null, null);

    public static StartEstimate at(LocalDateTime at) {
        return new StartEstimate(at, null);
    }

    public static StartEstimate refused(String why) {
        return new StartEstimate(null, why);
    }

    public boolean isRefused() {
        return refusal != null;
    }
}
