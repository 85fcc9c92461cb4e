package dev.hwf.launcher.engine;

/**
 * Named points in a pass where hwf can be stopped dead, as a {@code kill -9} would, to show that
 * the journal carries a run on from any of them: {@code after-claim} (the attempt is recorded,
 * nothing submitted) and {@code after-submit} (the scheduler has the job, its id is not recorded).
 * Tests pass a hook that throws; the crash tests of the whole program set {@code HWF_CRASH_POINT}.
 */
public interface CrashHook {
    void reach(String point);

    /** Never stops anything. */
    CrashHook NONE = p -> { };

    /**
     * Inert unless {@code HWF_CRASH_POINT} names the point ({@code after-claim}, {@code after-submit});
     * {@code NAME:N} halts the JVM at its N-th reach. One hook for the whole process, so the count
     * runs across every engine it builds (as {@code hwf poll} builds one per run).
     */
    static CrashHook fromEnvironment() {
        return EnvironmentCrashHook.INSTANCE;
    }
}

/** {@link CrashHook#fromEnvironment()}: package-private, as an interface cannot hold its state. */
final class EnvironmentCrashHook implements CrashHook {
    static final EnvironmentCrashHook INSTANCE = new EnvironmentCrashHook(System.getenv("HWF_CRASH_POINT"));

    private final String spec;
    private int reached;

    private EnvironmentCrashHook(String spec) {
        this.spec = spec;
    }

    @Override
    public synchronized void reach(String point) {
        if (spec == null || spec.isBlank()) {
            return;
        }
        String[] p = spec.strip().split(":", 2);
        if (!p[0].equals(point)) {
            return;
        }
        int at = p.length == 2 ? Integer.parseInt(p[1]) : 1;
        if (++reached == at) {
            System.err.println("hwf: HWF_CRASH_POINT " + spec + " reached: stopping dead");
            Runtime.getRuntime().halt(137);
        }
    }
}
