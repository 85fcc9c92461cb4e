package dev.hwf.launcher.engine;

import dev.hwf.launcher.journal.ElementRecord;
import dev.hwf.launcher.workflow.Task;
import java.util.List;

/**
 * One reason to hold a task's WAITING elements back. Every such reason is a gate in
 * {@link SubmitGates}; a task is submitted only when every gate says {@link Verdict#go()}.
 *
 * <p>An implementation answers from the pass it was made for (gates are made anew each pass, so
 * one may keep what it computed for the pass's other tasks) and has no side effects: the submit
 * phase acts on its verdict.
 */
@FunctionalInterface
interface SubmitGate {
    /**
     * Whether the task's WAITING elements may be submitted now.
     *
     * @param waiting the task's WAITING elements, never empty
     */
    Verdict check(Task task, List<ElementRecord> waiting);

    /** A gate's answer. */
    record Verdict(Kind kind, String reason) {
        private static final Verdict GO = new Verdict(Kind.GO, null);

        /** Whether the answer lets the elements go. */
        enum Kind {
            /** Submit now, as far as this gate is concerned. */
            GO,
            /** Not now; ask again next pass. The elements stay WAITING. */
            HOLD,
            /** Never: the elements end CANCELLED with the reason. */
            STOP
        }

        static Verdict go() {
            return GO;
        }

        static Verdict hold(String reason) {
            return new Verdict(Kind.HOLD, reason);
        }

        static Verdict stop(String reason) {
            return new Verdict(Kind.STOP, reason);
        }

        boolean isGo() {
            return kind == Kind.GO;
        }
    }
}
