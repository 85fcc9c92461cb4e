package dev.hwf.launcher.workflow;

import java.time.Duration;
import java.util.List;

/**
 * Where a task runs and what it exchanges with other sites (SPEC section 7).
 *
 * @param sites         the sites it may run on ({@code site:}), in the order given; empty = the
 *                      workflow's default site
 * @param place         how one of several sites is chosen: {@value #FIRST}, {@value #SOONEST} or
 *                      {@value #CHEAPEST}
 * @param inputs        files copied into the task's directory from its upstream's, before it starts
 * @param outputs       globs of what the task leaves for others, relative to its directory
 * @param replaceAfterSeconds how long an attempt none of whose elements has started may wait on
 *                      its site before hwf withdraws it and places it again ({@code replaceAfter});
 *                      null: never (only with several sites)
 */
public record Placement(List<String> sites, String place, List<Input> inputs, List<String> outputs,
                        Long replaceAfterSeconds) {
    public static final String FIRST = "first";
    public static final String SOONEST = "soonest";
    public static final String CHEAPEST = "cheapest";
    public static final List<String> CHOICES = List.of(FIRST, SOONEST, CHEAPEST);
    /** A task on the default site that exchanges nothing. */
    public static final Placement NONE = new Placement(List.of(), FIRST, List.of(), List.of());

    /** {@code inputs: [{from: TASK, path: GLOB}]}: the files of {@code from} matching {@code path}. */
    public record Input(String from, String path) {
    }

    /** A placement that never withdraws an attempt. */
    public Placement(List<String> sites, String place, List<Input> inputs, List<String> outputs) {
        this(sites, place, inputs, outputs, null);
    }

    public Placement {
        sites = sites == null ? List.of() : List.copyOf(sites);
        place = place == null ? FIRST : place;
        inputs = inputs == null ? List.of() : List.copyOf(inputs);
        outputs = outputs == null ? List.of() : List.copyOf(outputs);
    }

    /** Whether hwf chooses among several sites for each submission. */
    public boolean choosesSite() {
        return sites.size() > 1;
    }

    /** How long an attempt may wait unstarted before it is withdrawn and placed again; null: never. */
    public Duration replaceAfter() {
        return replaceAfterSeconds == null ? null : Duration.ofSeconds(replaceAfterSeconds);
    }
}
