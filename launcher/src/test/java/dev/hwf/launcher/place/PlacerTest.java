package dev.hwf.launcher.place;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.hwf.api.StartEstimate;
import dev.hwf.launcher.place.Placer.Candidate;
import dev.hwf.launcher.place.Placer.Decision;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;

/** How one submission's site is chosen, and the reason status shows. */
class PlacerTest {
    private static final Instant NOW = Instant.parse("2026-12-05T09:00:00Z");

    private static Candidate est(String site, String at) {
        return new Candidate(site, StartEstimate.at(LocalDateTime.parse(at)), null, null, null, null, null);
    }

    private static Decision decide(String place, Candidate... c) {
        return Placer.decide(place, List.of(c), NOW, ZoneOffset.UTC);
    }

    @Test
    void soonestTakesTheEarliestEstimatedStart() {
        Decision d = decide("soonest", est("cpu", "2026-12-05T09:40:00"), est("gpu", "2026-12-05T09:00:12"));
        assertEquals("gpu", d.site());
        assertEquals("placed on gpu: est. start 12 s vs est. start 40 min on cpu", d.reason());
    }

    @Test
    void soonestCorrectsAnEstimateByHowLateThatSiteStartedSuchWork() {
        Candidate cpu = new Candidate("cpu", StartEstimate.at(LocalDateTime.parse("2026-12-05T09:00:00")),
                Duration.ofHours(2), null, null, null, null); // says now; such work started 2 h later than said
        Candidate gpu = est("gpu", "2026-12-05T09:30:00");
        Decision d = decide("soonest", cpu, gpu);
        assertEquals("gpu", d.site());
        assertEquals("placed on gpu: est. start 30 min vs est. start 2.0 h (scheduler 0 s, +2.0 h as seen here) on cpu",
                d.reason());
    }

    @Test
    void aDrainedOrUnreachableSiteIsNeverChosenAndTheReasonSaysSo() {
        Candidate drained = new Candidate("gpu", StartEstimate.refused("Required partition not available (inactive or"
                + " drain)"), null, null, null, null, null);
        Decision d = decide("soonest", drained, est("cpu", "2026-12-05T10:00:00"));
        assertEquals("cpu", d.site());
        assertEquals("placed on cpu: est. start 60 min; gpu refused it (Required partition not available "
                + "(inactive or drain))", d.reason());
        Candidate down = new Candidate("cpu", StartEstimate.UNKNOWN, null, null, null, null, "ssh: connection refused");
        Decision none = decide("first", down, drained);
        assertNull(none.site());
        assertEquals("no site can take it now: cpu unreachable (ssh: connection refused); gpu refused it (Required "
                + "partition not available (inactive or drain))", none.reason());
    }

    @Test
    void withoutEstimatesTheOrderGivenHoldsUnlessHwfHasSeenTheWaits() {
        assertEquals("lsf1", decide("soonest", Candidate.of("lsf1"), Candidate.of("lsf2")).site());
        Candidate seen = new Candidate("lsf2", StartEstimate.UNKNOWN, null, Duration.ofMinutes(3), null, null, null);
        Decision d = decide("soonest", Candidate.of("lsf1"), seen);
        assertEquals("lsf2", d.site(), "a known wait beats none");
        assertEquals("placed on lsf2: waits 3 min as seen here vs no estimate on lsf1", d.reason());
    }

    @Test
    void cheapestTakesTheLowestCostWithinEachBudget() {
        Candidate cpu = new Candidate("cpu", StartEstimate.UNKNOWN, null, null, 0.4, null, null);
        Candidate gpu = new Candidate("gpu", StartEstimate.UNKNOWN, null, null, 0.2, 0.1, null);
        Decision d = decide("cheapest", gpu, cpu);
        assertEquals("cpu", d.site());
        assertEquals("placed on cpu: 0.40 units; gpu over budget (0.20 > 0.10 left)", d.reason());
        Candidate gpuFunded = new Candidate("gpu", StartEstimate.UNKNOWN, null, null, 0.2, 100.0, null);
        assertEquals("placed on gpu: 0.20 units vs 0.40 units on cpu", decide("cheapest", cpu, gpuFunded).reason());
    }

    @Test
    void firstTakesTheFirstThatCanTakeIt() {
        assertEquals(new Decision("a", "placed on a (first)"), decide("first", Candidate.of("a"), Candidate.of("b")));
        assertEquals(new Decision("a", "placed on a: no estimate"), decide("soonest", Candidate.of("a")));
    }

    @Test
    void durationsReadAsPeopleSayThem() {
        assertEquals("12 s", Placer.human(Duration.ofSeconds(12)));
        assertEquals("40 min", Placer.human(Duration.ofMinutes(40)));
        assertEquals("3.5 h", Placer.human(Duration.ofMinutes(210)));
        assertEquals("3 d", Placer.human(Duration.ofDays(3)));
        assertEquals("-5 min", Placer.human(Duration.ofMinutes(-5)));
    }

    @Test
    void firstAndCheapestPassOverASiteTheWorkWasWithdrawnFromUnlessItIsTheOnlyOneLeft() {
        Candidate cpu = Candidate.of("cpu").withdrawnAfter(Duration.ofMinutes(5));
        Decision d = decide("first", cpu, Candidate.of("gpu"));
        assertEquals(new Decision("gpu", "withdrawn from cpu after 5 min queued; placed on gpu (first)"), d);

        Candidate gpuDown = new Candidate("gpu", StartEstimate.UNKNOWN, null, null, null, null, "ssh: timed out");
        assertEquals(new Decision("cpu", "withdrawn from cpu after 5 min queued; placed on cpu (first); gpu unreachable"
                + " (ssh: timed out)"), decide("first", cpu, gpuDown), "the only one reachable: back there");

        Candidate cheapCpu = new Candidate("cpu", StartEstimate.UNKNOWN, null, null, 0.1, null, null)
                .withdrawnAfter(Duration.ofMinutes(30));
        Candidate dearGpu = new Candidate("gpu", StartEstimate.UNKNOWN, null, null, 0.9, null, null);
        assertEquals(new Decision("gpu", "withdrawn from cpu after 30 min queued; placed on gpu: 0.90 units"),
                decide("cheapest", cheapCpu, dearGpu));
    }

    @Test
    void soonestExpectsASiteToMakeTheWorkWaitAtLeastAsLongAsItDidBeforeWithdrawal() {
        Candidate cpu = est("cpu", "2026-12-05T09:00:12").withdrawnAfter(Duration.ofMinutes(20)); // says 12 s
        Candidate gpu = est("gpu", "2026-12-05T09:10:00");
        Decision d = decide("soonest", cpu, gpu);
        assertEquals("gpu", d.site());
        assertEquals("withdrawn from cpu after 20 min queued; placed on gpu: est. start 10 min vs at least 20 min"
                + " (est. start 12 s, but it waited that long here) on cpu", d.reason());

        Candidate gpuLater = est("gpu", "2026-12-05T10:00:00");
        assertEquals("cpu", decide("soonest", cpu, gpuLater).site(), "a lower bound, not a ban: 20 min beats 60");

        Candidate lsf1 = Candidate.of("lsf1").withdrawnAfter(Duration.ofMinutes(5));
        assertEquals("lsf2", decide("soonest", lsf1, Candidate.of("lsf2")).site(),
                "without estimates the site it waited on in vain goes last");
        Candidate seen = new Candidate("lsf1", StartEstimate.UNKNOWN, null, Duration.ofMinutes(1), null, null, null)
                .withdrawnAfter(Duration.ofMinutes(5));
        Candidate lsf2 = new Candidate("lsf2", StartEstimate.UNKNOWN, null, Duration.ofMinutes(3), null, null, null);
        assertEquals("lsf2", decide("soonest", seen, lsf2).site(), "1 min as seen, but at least 5 now");
    }

    @Test
    void aNegativeBiasBringsAnEstimateForward() {
        Candidate cpu = new Candidate("cpu", StartEstimate.at(LocalDateTime.parse("2026-12-05T10:00:00")),
                Duration.ofMinutes(-50), null, null, null, null); // says 60 min; such work started 50 min sooner
        Decision d = decide("soonest", cpu, est("gpu", "2026-12-05T09:30:00"));
        assertEquals("placed on cpu: est. start 10 min (scheduler 60 min, -50 min as seen here) vs est. start 30 min"
                + " on gpu", d.reason());
    }
}
