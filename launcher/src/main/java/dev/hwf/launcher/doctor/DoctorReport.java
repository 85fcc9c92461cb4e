package dev.hwf.launcher.doctor;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What {@code hwf doctor} found: each site's checks, then this machine's (journal, Java).
 *
 * @param sites   each site's checks, in the workflow's order
 * @param machine the checks of this machine
 */
public record DoctorReport(List<SiteReport> sites, List<Check> machine) {
    /** Whether no check FAILed: exit 0. */
    public boolean ok() {
        return all().stream().noneMatch(c -> c.status() == Check.Status.FAIL);
    }

    private List<Check> all() {
        List<Check> all = new ArrayList<>(machine);
        sites.forEach(s -> all.addAll(s.checks()));
        return all;
    }

    /** The human form: a heading per site, one line per check, then the count. */
    public String text() {
        StringBuilder b = new StringBuilder();
        for (SiteReport s : sites) {
            b.append("site ").append(s.site()).append(": ").append(s.scheduler()).append(" on ").append(s.where())
                    .append('\n');
            s.checks().forEach(c -> b.append(c.line()).append('\n'));
        }
        b.append("this machine\n");
        machine.forEach(c -> b.append(c.line()).append('\n'));
        long warn = all().stream().filter(c -> c.status() == Check.Status.WARN).count();
        long fail = all().stream().filter(c -> c.status() == Check.Status.FAIL).count();
        b.append(fail == 0 && warn == 0 ? "all checks OK" : fail + " FAIL, " + warn + " WARN").append('\n');
        return b.toString();
    }

    /** {@code --json}: {"sites":[{"site","scheduler","where","checks":[…]}],"machine":[…],"ok":…}. */
    public Map<String, Object> json() {
        Map<String, Object> m = new LinkedHashMap<>();
        List<Map<String, Object>> list = new ArrayList<>();
        for (SiteReport s : sites) {
            Map<String, Object> o = new LinkedHashMap<>();
            o.put("site", s.site());
            o.put("scheduler", s.scheduler());
            o.put("where", s.where());
            o.put("checks", s.checks().stream().map(Check::json).toList());
            list.add(o);
        }
        m.put("sites", list);
        m.put("machine", machine.stream().map(Check::json).toList());
        m.put("ok", ok());
        return m;
    }
}
