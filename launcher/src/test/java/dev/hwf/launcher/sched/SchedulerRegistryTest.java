package dev.hwf.launcher.sched;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hwf.launcher.workflow.Site;
import dev.hwf.pbs.PbsAdapter;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The one list of schedulers: its names, and that each name builds the adapter of that name. */
class SchedulerRegistryTest {
    @Test
    void namesInTheOrderMessagesListThem() {
        assertEquals(List.of("slurm", "pbs", "lsf", "local"), SchedulerRegistry.names());
    }

    @Test
    void eachNameBuildsTheAdapterOfThatName() {
        for (String name : SchedulerRegistry.names()) {
            assertEquals(name, SchedulerRegistry.adapter(name, Site.local()).name());
        }
        assertTrue(SchedulerRegistry.find("sge", Site.local()).isEmpty());
        assertThrows(IllegalArgumentException.class, () -> SchedulerRegistry.adapter("sge", Site.local()));
    }

    @Test
    void pbsIsBuiltForTheSitesFlavorPbsProByDefault() {
        Site torque = new Site(null, 22, null, null, null, null, null, "torque");
        assertEquals("torque", ((PbsAdapter) SchedulerRegistry.adapter("pbs", torque)).flavor());
        assertEquals("pbspro", ((PbsAdapter) SchedulerRegistry.adapter("pbs", Site.local())).flavor());
        assertEquals(List.of("pbspro", "torque"), SchedulerRegistry.flavors("pbs"));
        assertEquals(List.of(), SchedulerRegistry.flavors("slurm"));
        assertEquals(List.of("pbspro", "torque"), SchedulerRegistry.flavors());
    }
}
