package dev.hwf.launcher.engine;

/**
 * Named points in a pass where a test stops hwf as a {@code kill -9} would, to show that the
 * journal carries a run on from any of them: {@code after-claim} (attempts recorded, nothing
 * submitted) and {@code after-submit} (a submit command answered, its job id not yet recorded).
 */
@FunctionalInterface
public interface CrashHook {
    /** Called as a pass reaches the point; returns when hwf is to go on. */
    void reach(String point);

    /** Goes on at every point. */
    CrashHook NONE = point -> {
    };

    /**
     * The end-to-end tests' hook: inert unless {@code HWF_CRASH_POINT} names the point;
     * {@code NAME:N} halts the JVM (exit 137) at its N-th reach.
     */
    static CrashHook fromEnvironment() {
        String spec = System.getenv("HWF_CRASH_POINT");
        if (spec == null || spec.isBlank()) {
            return NONE;
        }
        String[] p = spec.strip().split(":", 2);
        int at = p.length == 2 ? Integer.parseInt(p[1]) : 1;
        int[] reached = {0};
        return point -> {
            if (!p[0].equals(point)) {
                return;
            }
            synchronized (reached) {
                if (++reached[0] == at) {
                    System.err.println("hwf: HWF_CRASH_POINT " + spec + " reached: stopping dead");
                    Runtime.getRuntime().halt(137);
                }
            }
        };
    }
}
