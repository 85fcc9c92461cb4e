package dev.hwf.launcher.doctor;

import java.util.List;

/**
 * The checks of one site.
 *
 * @param site      its name ({@code default} for a workflow without {@code sites:})
 * @param scheduler its scheduler
 * @param where     where its commands ran: "this machine" or user@host[:port]
 */
public record SiteReport(String site, String scheduler, String where, List<Check> checks) {
}
