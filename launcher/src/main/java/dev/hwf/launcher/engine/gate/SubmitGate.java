package dev.hwf.launcher.engine.gate;

import dev.hwf.launcher.workflow.Task;

/**
 * One reason to hold a task's WAITING elements back. Every such reason is a gate in
 * {@link SubmitGates}; a task's elements are submitted only as far as every gate lets them go.
 *
 * <p>An implementation answers from the pass it was made for (gates are made anew each pass, so
 * one may keep what it computed for the pass's other tasks, and count what it let go through
 * {@link #released}) and has no other side effects: the submit phase acts on its verdict.
 */
@FunctionalInterface
public interface SubmitGate {
    /**
     * Whether (and how many of) the task's WAITING elements may be submitted now.
     *
     * @param waiting how many WAITING elements the task has, never 0
     */
    Verdict check(Task task, int waiting);

    /** Told how many elements of the task went out after the chain's verdict, for the gates that count. */
    default void released(Task task, int elements) {
    }

    /**
     * A gate's answer.
     *
     * @param max    for GO: at most this many of the waiting elements (the first ones) go now
     * @param shown  whether the reason is written to the elements held back, for {@code hwf status}
     *               (a site limit is; waiting for an upstream task is plain from the task's state)
     */
    record Verdict(Kind kind, String reason, int max, boolean shown) {
        private static final Verdict GO = new Verdict(Kind.GO, null, Integer.MAX_VALUE, false);

        /** Whether the answer lets the elements go. */
        public enum Kind {
            /** Submit now (up to max), as far as this gate is concerned. */
            GO,
            /** Not now; ask again next pass. The elements stay WAITING. */
            HOLD,
            /** Never: the elements end CANCELLED with the reason. */
            STOP
        }

        static Verdict go() {
            return GO;
        }

        /** Only the first {@code n} waiting elements go now; the others are held with the reason, shown. */
        static Verdict upTo(int n, String reason) {
            return n <= 0 ? new Verdict(Kind.HOLD, reason, 0, true) : new Verdict(Kind.GO, reason, n, true);
        }

        static Verdict hold(String reason) {
            return new Verdict(Kind.HOLD, reason, 0, false);
        }

        static Verdict stop(String reason) {
            return new Verdict(Kind.STOP, reason, 0, true);
        }

        boolean isGo() {
            return kind == Kind.GO;
        }
    }
}
