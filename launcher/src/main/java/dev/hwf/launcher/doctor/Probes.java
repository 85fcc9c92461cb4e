package dev.hwf.launcher.doctor;

import dev.hwf.launcher.workflow.NamedSite;
import dev.hwf.pbs.PbsAdapter;

/** The probe of each scheduler hwf knows; none for the local one, which has nothing to ask. */
final class Probes {
    private Probes() {
    }

    /** The probe of a site's scheduler, or null for {@code local} (and a scheduler the doctor does not know). */
    static SchedulerProbe of(NamedSite site) {
        return switch (site.scheduler()) {
            case "slurm" -> new SlurmProbe();
            case "pbs" -> new PbsProbe(PbsAdapter.TORQUE.equals(site.site().flavor()));
            case "lsf" -> new LsfProbe();
            default -> null;
        };
    }
}
