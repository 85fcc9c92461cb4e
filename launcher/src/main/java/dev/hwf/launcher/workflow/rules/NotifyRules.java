package dev.hwf.launcher.workflow.rules;

import static dev.hwf.launcher.workflow.rules.FieldReader.absent;

import dev.hwf.launcher.workflow.Notify;
import dev.hwf.launcher.workflow.Text;
import dev.hwf.launcher.workflow.YamlTree.Entry;
import dev.hwf.launcher.workflow.YamlTree.ListNode;
import dev.hwf.launcher.workflow.YamlTree.MapNode;
import dev.hwf.launcher.workflow.YamlTree.Node;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * {@code notify:} (SPEC section 7) and {@code smtp:}, in a workflow ({@code site.smtp}) and in the
 * user's {@code ~/.hwf/config.yaml}: each entry hears some events and has exactly one channel.
 */
public final class NotifyRules {
    private static final Pattern ADDRESS = Pattern.compile("[^\\s@<>,;\"]+@[^\\s@<>,;\"]+\\.[^\\s@<>,;\"]+");
    private static final List<String> CHANNELS = List.of("webhook", "email", "command");

    private final FieldReader read;

    public NotifyRules(FieldReader read) {
        this.read = read;
    }

    /** The entries of {@code notify:}, or null when it is absent or wrong (which is reported). */
    public Notify notify(Node notifyNode, Node smtpNode, String smtpPath) {
        Notify.Smtp smtp = smtp(smtpNode, smtpPath);
        if (absent(notifyNode)) {
            return smtp == null ? null : new Notify(List.of(), smtp);
        }
        ListNode list = read.list(notifyNode, "notify", "a list of entries, e.g. [{ on: [failed, ended], "
                + "webhook: https://chat.example.org/hooks/abc }]");
        if (list == null) {
            return null;
        }
        List<Notify.Rule> rules = new ArrayList<>();
        read.eachItem(list, "notify", "is empty; an entry names its events and one channel", (item, key) -> {
            Notify.Rule r = rule(item, key);
            if (r != null) {
                rules.add(r);
            }
        });
        return new Notify(rules, smtp);
    }

    private Notify.Rule rule(Node item, String key) {
        MapNode m = read.map(item, key, "an entry such as { on: [failed], email: alice@example.org }");
        if (m == null) {
            return null;
        }
        read.checkKeys(m, key, KeyTable.NOTIFY);
        List<String> on = on(m, key);
        List<String> given = CHANNELS.stream().filter(c -> m.get(c) != null).toList();
        if (given.size() != 1) {
            read.at(m, key, given.isEmpty()
                    ? "names no channel; give exactly one of webhook: URL, email: ADDRESS or command: \"...\""
                    : "names " + String.join(" and ", given) + "; give exactly one channel per entry (write one "
                    + "entry per channel)");
            return null;
        }
        String channel = given.get(0);
        String path = key + "." + channel;
        Node value = m.value(channel);
        String text = read.oneLine(value, path, channel.equals("command") ? "the command" : "the " + channel);
        Long stuckAfter = absent(m.value("stuckAfter")) ? null : read.seconds(m.value("stuckAfter"),
                key + ".stuckAfter");
        if (stuckAfter != null && on != null && !on.contains("stuck")) {
            read.at(m.value("stuckAfter"), key + ".stuckAfter", "only means something with stuck in on:");
            return null;
        }
        if (text == null || on == null || (!absent(m.value("stuckAfter")) && stuckAfter == null)) {
            return null;
        }
        switch (channel) {
            case "webhook" -> {
                if (!isHttpUrl(text)) {
                    read.at(value, path, Text.show(text) + " is not an http:// or https:// URL");
                    return null;
                }
                return new Notify.Rule(on, text, null, null, stuckAfter);
            }
            case "email" -> {
                if (!ADDRESS.matcher(text).matches()) {
                    read.at(value, path, Text.show(text) + " is not an e-mail address such as alice@example.org");
                    return null;
                }
                return new Notify.Rule(on, null, text, null, stuckAfter);
            }
            default -> {
                return new Notify.Rule(on, null, null, text, stuckAfter);
            }
        }
    }

    private List<String> on(MapNode m, String key) {
        String path = key + ".on";
        Node n = m.value("on");
        if (absent(n)) {
            read.at(m, path, "missing; name the events this entry hears: " + String.join(", ", Notify.EVENTS));
            return null;
        }
        ListNode l = read.list(n, path, "a list of events (" + String.join(", ", Notify.EVENTS) + ")");
        if (l == null) {
            return null;
        }
        if (l.items().isEmpty()) {
            read.at(l, path, "is empty; name at least one of " + String.join(", ", Notify.EVENTS));
            return null;
        }
        List<String> out = new ArrayList<>();
        boolean ok = true;
        for (int i = 0; i < l.items().size(); i++) {
            String e = read.choice(l.items().get(i), path + "[" + i + "]", Notify.EVENTS);
            ok &= e != null;
            if (e != null && !out.contains(e)) {
                out.add(e);
            }
        }
        return ok ? out : null;
    }

    private static boolean isHttpUrl(String text) {
        try {
            URI u = new URI(text);
            return ("http".equals(u.getScheme()) || "https".equals(u.getScheme())) && u.getHost() != null;
        } catch (URISyntaxException e) {
            return false;
        }
    }

    /** {@code smtp: {host, port, starttls, user: {fromEnv}, password: {fromEnv}, from}}; null when absent or wrong. */
    public Notify.Smtp smtp(Node n, String path) {
        if (absent(n)) {
            return null;
        }
        MapNode m = read.map(n, path, "a map such as { host: smtp.example.org, port: 587, starttls: true, "
                + "from: hwf@example.org }");
        if (m == null) {
            return null;
        }
        int before = read.count();
        read.checkKeys(m, path, KeyTable.SMTP);
        String host = absent(m.value("host")) ? null : read.oneLine(m.value("host"), path + ".host", "the host");
        if (absent(m.value("host"))) {
            read.at(m, path + ".host", "missing; name the SMTP server, e.g. host: smtp.example.org");
        }
        Integer port = absent(m.value("port")) ? null : read.port(m.value("port"), path + ".port");
        Boolean starttls = absent(m.value("starttls")) ? Boolean.TRUE : read.bool(m.value("starttls"),
                path + ".starttls");
        String user = secret(m.get("user"), path + ".user");
        String password = secret(m.get("password"), path + ".password");
        if ((user == null) != (password == null) && read.count() == before) {
            read.at(m, path, "give both user and password, or neither");
        }
        String from = absent(m.value("from")) ? null : read.oneLine(m.value("from"), path + ".from", "the sender");
        if (absent(m.value("from"))) {
            read.at(m, path + ".from", "missing; the address mail is sent from, e.g. from: hwf@example.org");
        } else if (from != null && !ADDRESS.matcher(from).matches()) {
            read.at(m.value("from"), path + ".from", Text.show(from) + " is not an e-mail address");
        }
        if (read.count() != before) {
            return null;
        }
        boolean tls = starttls == null || starttls;
        return new Notify.Smtp(host, port == null ? (tls ? 587 : 25) : port, tls, user, password, from);
    }

    /**
     * {@code {fromEnv: VAR}}: the variable's name only, read by the process that sends (it need not be
     * set where the workflow is checked: a cron poll has its own environment).
     */
    private String secret(Entry e, String path) {
        if (e == null || absent(e.value())) {
            return null;
        }
        if (!(e.value() instanceof MapNode ref) || ref.get("fromEnv") == null || ref.entries().size() != 1) {
            read.at(e.value(), path, "a login is written {fromEnv: VARIABLE}, never as the value itself, so that "
                    + "no secret is kept in a file or the journal");
            return null;
        }
        String variable = read.text(ref.value("fromEnv"), path + ".fromEnv", "the name of an environment variable");
        if (variable != null && !Names.ENV_NAME.matcher(variable).matches()) {
            read.at(ref.value("fromEnv"), path + ".fromEnv", Text.show(variable)
                    + " is not a valid environment variable name");
            return null;
        }
        return variable;
    }
}
