package dev.hwf.launcher.workflow;

import java.util.List;

/**
 * Who hears what (SPEC section 7, {@code notify:}): the workflow's entries, or the user's defaults
 * from {@code ~/.hwf/config.yaml} where the workflow has none, and the SMTP server e-mail goes through.
 *
 * @param rules the entries, in file order; a channel is known by its index here
 * @param smtp  {@code site.smtp}, or the config's {@code smtp:}; null when none is set
 */
public record Notify(List<Rule> rules, Smtp smtp) {
    /** Seconds without a state change after which a live element is {@code stuck}, unless an entry says. */
    public static final long STUCK_AFTER = 6 * 3600;

    /** The events an entry's {@code on:} may name. */
    public static final List<String> EVENTS = List.of("failed", "ended", "stuck", "budget");

    public Notify {
        rules = rules == null ? List.of() : List.copyOf(rules);
    }

    /**
     * One entry: the events it hears and exactly one channel.
     *
     * @param webhook an http(s) URL that takes a JSON body with a {@code text} field
     * @param email   an address, reached through {@link Smtp}
     * @param command a command line run by bash with the message on its standard input
     * @param stuckAfter seconds without a state change after which a live element is {@code stuck}; null
     *                for the default ({@link #STUCK_AFTER})
     */
    public record Rule(List<String> on, String webhook, String email, String command, Long stuckAfter) {
        public Rule {
            on = List.copyOf(on);
        }

        public Rule(List<String> on, String webhook, String email, String command) {
            this(on, webhook, email, command, null);
        }

        /** The channel as a user reads it in messages: {@code webhook URL}, {@code email ADDRESS}, ... */
        public String describe() {
            return webhook != null ? "webhook " + webhook : email != null ? "email " + email : "command " + command;
        }
    }

    /**
     * An SMTP server. The login comes only from the delivering process's environment
     * ({@code {fromEnv: VAR}}): the journal keeps the variables' names, never their values.
     */
    public record Smtp(String host, int port, boolean starttls, String userFromEnv, String passwordFromEnv,
                       String from) {
    }

    /** The shortest {@code stuckAfter} of the entries that hear {@code stuck}; null when none does. */
    public Long stuckAfter() {
        return rules.stream().filter(r -> r.on().contains("stuck"))
                .map(r -> r.stuckAfter() == null ? STUCK_AFTER : r.stuckAfter()).min(Long::compare).orElse(null);
    }

    /** Whether there is anything to hear. */
    public boolean isEmpty() {
        return rules.isEmpty();
    }

    /**
     * The events some entry hears, as the journal's triggers read them: {@code ,failed,ended,}; null for
     * none.
     */
    public String heard() {
        StringBuilder b = new StringBuilder(",");
        for (String e : EVENTS) {
            if (rules.stream().anyMatch(r -> r.on().contains(e))) {
                b.append(e).append(',');
            }
        }
        return b.length() == 1 ? null : b.toString();
    }

    /**
     * This workflow's notifications with the user's {@code defaults} filled in: the defaults' entries
     * when the workflow has none, and their SMTP server when it sets none.
     */
    public static Notify merge(Notify own, Notify defaults) {
        if (defaults == null) {
            return own;
        }
        if (own == null || own.isEmpty()) {
            return new Notify(defaults.rules(), own != null && own.smtp() != null ? own.smtp() : defaults.smtp());
        }
        return own.smtp() != null ? own : new Notify(own.rules(), defaults.smtp());
    }
}
