package dev.hwf.launcher.place;

import dev.hwf.api.StartEstimate;
import dev.hwf.launcher.workflow.Placement;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * Chooses the site of one submission among a task's sites (SPEC section 7, {@code place}), and
 * says why in words that {@code status} and the report show.
 *
 * <ul>
 *   <li>{@code first}: the first site that can take the work now.</li>
 *   <li>{@code soonest}: the earliest start, as the scheduler estimates it, corrected by how far
 *       off its estimates were for this shape of work on that site (the waits hwf recorded); where a
 *       scheduler gives no estimate, the wait hwf recorded there, else unknown (after every known
 *       one, in the order given).</li>
 *   <li>{@code cheapest}: the lowest cost (rate times the request's hours), never on a site whose
 *       budget it would overdraw.</li>
 * </ul>
 * A site that cannot be reached, or that refuses the work (a drained partition), is never chosen.
 * A site the work was withdrawn from ({@code replaceAfter}) is, for {@code soonest}, expected to
 * make it wait at least as long as it already did there; {@code first} and {@code cheapest} pass
 * it over while another site can take the work. The reason then starts with the withdrawal.
 */
public final class Placer {
    private Placer() {
    }

    /**
     * One site the work may go to, with what is known of it now.
     *
     * @param estimate    the scheduler's start estimate (soonest); {@link StartEstimate#UNKNOWN} when none
     * @param bias        how much later than estimated work of this shape started here, as hwf
     *                    recorded (median); null when nothing is recorded
     * @param waited      the wait hwf recorded for this shape here (median), for a scheduler without
     *                    estimates; null when nothing is recorded
     * @param cost        what the work would cost here (cheapest); null when the site has no cost
     * @param budgetLeft  what is left of the site's budget; null when it has none
     * @param unreachable why the site cannot be reached now; null when it can
     * @param withdrawnAfter how long the work waited here, never started, before hwf withdrew it
     *                    ({@code replaceAfter}); null when it was never withdrawn from here
     */
    public record Candidate(String site, StartEstimate estimate, Duration bias, Duration waited, Double cost,
                            Double budgetLeft, String unreachable, Duration withdrawnAfter) {
        /** A site the work was never withdrawn from. */
        public Candidate(String site, StartEstimate estimate, Duration bias, Duration waited, Double cost,
                         Double budgetLeft, String unreachable) {
            this(site, estimate, bias, waited, cost, budgetLeft, unreachable, null);
        }

        /** A reachable site about which nothing more is known. */
        public static Candidate of(String site) {
            return new Candidate(site, StartEstimate.UNKNOWN, null, null, null, null, null);
        }

        /** The same site, the work withdrawn from it after waiting {@code waited} there. */
        public Candidate withdrawnAfter(Duration waited) {
            return new Candidate(site, estimate, bias, this.waited, cost, budgetLeft, unreachable, waited);
        }
    }

    /** The site chosen and why; {@code site} null when none can take the work now (the reason says why). */
    public record Decision(String site, String reason) {
    }

    /**
     * @param now  the hwf host's clock
     * @param zone the time zone the schedulers' estimates are printed in
     */
    public static Decision decide(String place, List<Candidate> candidates, Instant now, ZoneId zone) {
        List<Candidate> open = new ArrayList<>();
        List<String> shut = new ArrayList<>();
        for (Candidate c : candidates) {
            if (c.unreachable() != null) {
                shut.add(c.site() + " unreachable (" + c.unreachable() + ")");
            } else if (c.estimate().isRefused()) {
                shut.add(c.site() + " refused it (" + c.estimate().refusal() + ")");
            } else if (Placement.CHEAPEST.equals(place) && c.budgetLeft() != null && c.cost() != null
                    && c.cost() > c.budgetLeft()) {
                shut.add(c.site() + " over budget (" + money(c.cost()) + " > " + money(c.budgetLeft()) + " left)");
            } else {
                open.add(c);
            }
        }
        String withdrawn = candidates.stream().filter(c -> c.withdrawnAfter() != null)
                .map(c -> "withdrawn from " + c.site() + " after " + human(c.withdrawnAfter()) + " queued; ")
                .collect(Collectors.joining());
        if (open.isEmpty()) {
            return new Decision(null, withdrawn + "no site can take it now: " + String.join("; ", shut));
        }
        String tail = shut.isEmpty() ? "" : "; " + String.join("; ", shut);
        if (!Placement.SOONEST.equals(place) && open.stream().anyMatch(c -> c.withdrawnAfter() == null)) {
            open.removeIf(c -> c.withdrawnAfter() != null); // first, cheapest: not back where it waited in vain
        }
        if (Placement.FIRST.equals(place) || place == null) {
            Candidate c = open.get(0);
            return new Decision(c.site(), withdrawn + "placed on " + c.site()
                    + (candidates.size() > 1 ? " (first)" : "") + tail);
        }
        List<Expected> ranked;
        if (Placement.CHEAPEST.equals(place)) {
            ranked = open.stream().map(c -> new Expected(c, null, money(c.cost()) + " units"))
                    .sorted(Comparator.comparingDouble((Expected e) -> e.c().cost() == null ? Double.MAX_VALUE
                            : e.c().cost()))
                    .toList(); // a stable sort: ties keep the order given
        } else {
            ranked = open.stream().map(c -> expected(c, now, zone))
                    .sorted(Comparator.comparing(Placer::rank))
                    .toList();
        }
        Expected best = ranked.get(0);
        String others = ranked.subList(1, ranked.size()).stream().map(e -> e.words() + " on " + e.c().site())
                .collect(Collectors.joining(", "));
        return new Decision(best.c().site(), withdrawn + "placed on " + best.c().site() + ": " + best.words()
                + (others.isEmpty() ? "" : " vs " + others) + tail);
    }

    /** An unknown wait ranks after every known one; on a site the work was withdrawn from, after those too. */
    private static Duration rank(Expected e) {
        if (e.time() != null) {
            return e.time();
        }
        return Duration.ofDays(365_000).plusSeconds(e.c().withdrawnAfter() == null ? 0 : 1);
    }

    /** A site's expected wait (null: unknown) and how it reads. */
    private record Expected(Candidate c, Duration time, String words) {
    }

    private static Expected expected(Candidate c, Instant now, ZoneId zone) {
        return atLeastWithdrawn(c, estimated(c, now, zone));
    }

    /** A site the work was withdrawn from makes it wait at least as long as it waited there. */
    private static Expected atLeastWithdrawn(Candidate c, Expected e) {
        Duration floor = c.withdrawnAfter();
        if (floor == null || e.time() == null || e.time().compareTo(floor) >= 0) {
            return e;
        }
        return new Expected(c, floor, "at least " + human(floor) + " (" + e.words()
                + ", but it waited that long here)");
    }

    private static Expected estimated(Candidate c, Instant now, ZoneId zone) {
        if (c.estimate().at() != null) {
            Duration est = Duration.between(now, c.estimate().at().atZone(zone).toInstant());
            est = est.isNegative() ? Duration.ZERO : est;
            if (c.bias() == null || c.bias().isZero()) {
                return new Expected(c, est, "est. start " + human(est));
            }
            Duration corrected = est.plus(c.bias());
            corrected = corrected.isNegative() ? Duration.ZERO : corrected;
            return new Expected(c, corrected, "est. start " + human(corrected) + " (scheduler " + human(est) + ", "
                    + (c.bias().isNegative() ? "" : "+") + human(c.bias()) + " as seen here)");
        }
        if (c.waited() != null) {
            return new Expected(c, c.waited(), "waits " + human(c.waited()) + " as seen here");
        }
        return new Expected(c, null, "no estimate");
    }

    /** 12 s, 40 min, 3.5 h, 2 d; a negative duration as -12 s. */
    public static String human(Duration d) {
        long s = d.toSeconds();
        String sign = s < 0 ? "-" : "";
        s = Math.abs(s);
        if (s < 120) {
            return sign + s + " s";
        }
        if (s < 7200) {
            return sign + (s / 60) + " min";
        }
        if (s < 172_800) {
            return sign + String.format(Locale.ROOT, "%.1f h", s / 3600.0);
        }
        return sign + (s / 86_400) + " d";
    }

    private static String money(Double v) {
        return v == null ? "?" : String.format(Locale.ROOT, "%.2f", v);
    }
}
