package dev.hwf.launcher.notify;

import dev.hwf.launcher.journal.Outbox;
import dev.hwf.launcher.journal.SpecCodec;
import dev.hwf.launcher.workflow.Notify;
import dev.hwf.launcher.workflow.Task;
import dev.hwf.launcher.workflow.Workflow;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The words of a notification: one message per run and kind, however many notices it gathers (300
 * elements failing in one pass make one message, listing the first {@value #LISTED} and how many more),
 * to every {@code notify:} entry of the run that hears that kind.
 */
public final class Messages {
    /** How many notices a message lists one by one. */
    static final int LISTED = 20;

    private Messages() {
    }

    /** The messages for {@code g}, one per entry that hears its kind; none when the run's workflow names none. */
    public static List<Outbox.Message> compose(Outbox.Group g) {
        Workflow wf = SpecCodec.fromJsonOrNull(g.spec());
        if (wf == null || wf.notifications() == null) {
            return List.of();
        }
        String subject = subject(g);
        String body = body(g, wf);
        List<Outbox.Message> out = new ArrayList<>();
        List<Notify.Rule> rules = wf.notifications().rules();
        for (int i = 0; i < rules.size(); i++) {
            if (rules.get(i).on().contains(g.kind())) {
                out.add(new Outbox.Message(i, subject, body));
            }
        }
        return out;
    }

    static String subject(Outbox.Group g) {
        int n = g.notices().size();
        return switch (g.kind()) {
            case "failed" -> "hwf: " + (n == 1 ? "an element" : n + " elements") + " of run " + g.runId()
                    + " failed";
            case "ended" -> "hwf: run " + g.runId() + " ended " + g.notices().get(n - 1).state();
            case "stuck" -> "hwf: " + (n == 1 ? "an element" : n + " elements") + " of run " + g.runId()
                    + (!g.notices().stream().allMatch(x -> isPending(x.state())) ? " made no progress"
                    : n == 1 ? " is stuck in the queue" : " are stuck in the queue");
            case "budget" -> "hwf: run " + g.runId() + " has used " + g.notices().get(n - 1).state()
                    + " of its GPU-hour budget";
            default -> "hwf: run " + g.runId() + ": " + g.kind();
        };
    }

    static String body(Outbox.Group g, Workflow wf) {
        StringBuilder b = new StringBuilder();
        List<Outbox.Notice> notices = g.notices();
        if (g.kind().equals("budget")) {
            for (Outbox.Notice n : notices) {
                b.append("run ").append(g.runId()).append(" (workflow ").append(g.workflow()).append(") has used ")
                        .append(n.state()).append(" of its GPU-hour budget: ").append(n.reason()).append('\n');
            }
            return b.append(hint(g.runId())).toString();
        }
        if (g.kind().equals("ended")) {
            Outbox.Notice last = notices.get(notices.size() - 1);
            b.append("run ").append(g.runId()).append(" (workflow ").append(g.workflow()).append(") ended ")
                    .append(last.state());
            if (last.reason() != null) {
                b.append(": ").append(last.reason());
            }
            return b.append('\n').append(hint(g.runId())).toString();
        }
        b.append("run ").append(g.runId()).append(" (workflow ").append(g.workflow()).append("):\n");
        for (int i = 0; i < Math.min(LISTED, notices.size()); i++) {
            Outbox.Notice n = notices.get(i);
            b.append("- ").append(n.task() == null ? "the run" : n.task());
            Task t = n.task() == null ? null : wf.find(n.task());
            if (n.index() != null && (t == null || t.isArray())) {
                b.append('[').append(n.index()).append(']');
            }
            b.append(' ').append(n.kind());
            if (n.reason() != null) {
                b.append(": ").append(n.reason());
            }
            if (n.kind().equals("stuck") && isPending(n.state())) {
                b.append(", cannot clear by itself");
            }
            b.append('\n');
        }
        if (notices.size() > LISTED) {
            b.append("and ").append(notices.size() - LISTED).append(" more\n");
        }
        if (g.kind().equals("stuck")) {
            b.append(whatToDo(g, wf));
        }
        return b.append(hint(g.runId())).toString();
    }

    /**
     * For {@code stuck} notices about a pending reason that cannot clear by itself (their state is how
     * the job is blocked: HELD, DOWN, BUDGET, NEVER), what to do next, once per block and scheduler.
     */
    static String whatToDo(Outbox.Group g, Workflow wf) {
        Set<String> lines = new LinkedHashSet<>();
        for (Outbox.Notice n : g.notices()) {
            Task t = n.task() == null ? null : wf.find(n.task());
            String scheduler = t != null ? wf.siteOf(t).scheduler() : "";
            String line = switch (n.state() == null ? "" : n.state()) {
                case "HELD" -> "held: it waits until its hold is released (" + release(scheduler)
                        + "); a hold the site's administrators set is theirs to release";
                case "DOWN" -> "the nodes or the partition (queue) it needs are down or closed: ask the site's "
                        + "administrators, or hwf cancel " + g.runId() + " and run it on another partition or site";
                case "BUDGET" -> "its account's (or QOS's) budget of CPU, GPU or billing minutes is spent: ask the "
                        + "site's administrators to raise or renew it, or run it under another account";
                case "NEVER" -> "it can never run as submitted (account, QOS, constraints, a per-job limit, or a "
                        + "dependency that failed): hwf cancel " + g.runId() + ", fix the workflow, and run it again";
                default -> null;
            };
            if (line != null) {
                lines.add(line);
            }
        }
        StringBuilder b = new StringBuilder();
        for (String line : lines) {
            b.append("What to do: ").append(line).append(".\n");
        }
        return b.toString();
    }

    /** The command that releases a held job on this scheduler, JOBID standing for its id. */
    private static String release(String scheduler) {
        return switch (scheduler) {
            case "slurm" -> "scontrol release JOBID";
            case "pbspro", "torque" -> "qrls JOBID";
            case "lsf" -> "bresume JOBID";
            default -> "scontrol release, qrls or bresume JOBID";
        };
    }

    /** Whether a {@code stuck} notice is about a pending reason (its state the block) rather than time. */
    private static boolean isPending(String state) {
        return state != null && List.of("HELD", "DOWN", "BUDGET", "NEVER").contains(state);
    }

    private static String hint(String runId) {
        return "hwf status " + runId + " says more.";
    }
}
