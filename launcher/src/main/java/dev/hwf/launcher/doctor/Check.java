package dev.hwf.launcher.doctor;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One line of {@code hwf doctor}: what was checked, how it went, what was found and, unless it
 * went well, what to do about it.
 *
 * @param check  the stable name of the check ({@code scheduler}, {@code partitions}, …)
 * @param status OK, WARN or FAIL
 * @param detail what was found, in words
 * @param fix    what to do next; null when the check is OK
 */
public record Check(String check, Status status, String detail, String fix) {
    /** How a check went. Only a FAIL makes {@code hwf doctor} exit 1. */
    public enum Status { OK, WARN, FAIL }

    public static Check ok(String check, String detail) {
        return new Check(check, Status.OK, detail, null);
    }

    public static Check warn(String check, String detail, String fix) {
        return new Check(check, Status.WARN, detail, fix);
    }

    public static Check fail(String check, String detail, String fix) {
        return new Check(check, Status.FAIL, detail, fix);
    }

    /** {@code --json}'s form: check, status, detail, fix. */
    Map<String, Object> json() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("check", check);
        m.put("status", status.name());
        m.put("detail", detail);
        m.put("fix", fix);
        return m;
    }

    /** The human form: one line, the fix after the finding. */
    String line() {
        return String.format("  %-4s  %-14s %s%s", status, check, detail, fix == null ? "" : "; next: " + fix);
    }
}
