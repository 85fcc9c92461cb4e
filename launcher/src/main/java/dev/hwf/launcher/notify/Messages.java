package dev.hwf.launcher.notify;

import dev.hwf.launcher.journal.Outbox;
import dev.hwf.launcher.journal.SpecCodec;
import dev.hwf.launcher.workflow.Notify;
import dev.hwf.launcher.workflow.Workflow;
import java.util.ArrayList;
import java.util.List;

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
                    + " made no progress";
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
            if (n.index() != null && (n.task() == null || !wf.has(n.task()) || wf.task(n.task()).isArray())) {
                b.append('[').append(n.index()).append(']');
            }
            b.append(' ').append(n.kind());
            if (n.reason() != null) {
                b.append(": ").append(n.reason());
            }
            b.append('\n');
        }
        if (notices.size() > LISTED) {
            b.append("and ").append(notices.size() - LISTED).append(" more\n");
        }
        return b.append(hint(g.runId())).toString();
    }

    private static String hint(String runId) {
        return "hwf status " + runId + " says more.";
    }
}
