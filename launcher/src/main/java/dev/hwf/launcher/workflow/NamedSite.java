package dev.hwf.launcher.workflow;

import java.util.Map;

/**
 * One site of a workflow (SPEC section 7, {@code sites:}): its name, its scheduler, where and how
 * that scheduler is reached, and what work there costs. A workflow without {@code sites:} has one,
 * named {@value #DEFAULT}, made of its {@code scheduler:} and {@code site:}.
 *
 * @param cost        what an hour costs here, in the campaign's own unit; null = not given
 * @param budgetUnits hwf places no more work here once cost times hours used would pass this; null = none
 * @param reaches     the sites this site's login node (this machine, for a local site) reaches by its
 *                    own {@code ssh}, by name, with the address it reaches each at
 *                    ({@code [user@]host[:port]}): inputs between them are copied directly
 */
public record NamedSite(String name, String scheduler, Site site, Cost cost, Double budgetUnits,
                        Map<String, String> reaches) {
    public NamedSite {
        reaches = reaches == null ? Map.of() : Map.copyOf(reaches); // null: recorded before reaches existed
    }

    /** A site that reaches no other. */
    public NamedSite(String name, String scheduler, Site site, Cost cost, Double budgetUnits) {
        this(name, scheduler, site, cost, budgetUnits, Map.of());
    }

    /** The name of the one site of a workflow without {@code sites:}. */
    public static final String DEFAULT = "default";

    /**
     * {@code cost: { coreHour: X, gpuHour: Y }}: what one core, and one GPU, cost per hour here;
     * either may be null (nothing).
     */
    public record Cost(Double coreHour, Double gpuHour) {
        /** The cost of {@code hours} of a request of {@code cores} cores and {@code gpus} GPUs. */
        public double of(double hours, int cores, int gpus) {
            return hours * ((coreHour == null ? 0 : coreHour * cores) + (gpuHour == null ? 0 : gpuHour * gpus));
        }
    }

    /**
     * The key a site's live jobs are counted under, across runs (scheduler|host|user): two sites
     * of the same scheduler, host and user are one site to its limits.
     */
    public String key() {
        return key(scheduler, site.host(), site.user());
    }

    /** {@link #key()} of a site with this scheduler, host and user (null: this machine, the local user). */
    public static String key(String scheduler, String host, String user) {
        return scheduler + "|" + (host == null ? "" : host) + "|" + (user == null ? "" : user);
    }

    public boolean isRemote() {
        return site.isRemote();
    }
}
