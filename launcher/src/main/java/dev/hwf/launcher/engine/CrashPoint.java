package dev.hwf.launcher.engine;

/**
 * Named points in a pass where the crash tests stop hwf dead, as a {@code kill -9} would, to show
 * that the journal carries a run on from any of them. Inert unless {@code HWF_CRASH_POINT} names
 * the point ({@code after-claim}, {@code after-submit}); {@code NAME:N} stops at its N-th reach.
 */
final class CrashPoint {
    private static final String SPEC = System.getenv("HWF_CRASH_POINT");
    private static int reached;

    private CrashPoint() {
    }

    static synchronized void reach(String point) {
        if (SPEC == null || SPEC.isBlank()) {
            return;
        }
        String[] p = SPEC.strip().split(":", 2);
        if (!p[0].equals(point)) {
            return;
        }
        int at = p.length == 2 ? Integer.parseInt(p[1]) : 1;
        if (++reached == at) {
            System.err.println("hwf: HWF_CRASH_POINT " + SPEC + " reached: stopping dead");
            Runtime.getRuntime().halt(137);
        }
    }
}
