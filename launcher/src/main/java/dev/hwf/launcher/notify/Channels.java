package dev.hwf.launcher.notify;

import dev.hwf.launcher.Json;
import dev.hwf.launcher.journal.Outbox;
import dev.hwf.launcher.workflow.Notify;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

/**
 * Sends one message down one channel: a webhook (HTTP POST of JSON with a {@code text} field and the
 * id in {@code X-Hwf-Event}), e-mail (SMTP, STARTTLS, a login from the environment; the id as the
 * mail's {@code Message-ID}) or a command (bash runs the user's command line; the message is on its
 * standard input, never in the command line). Each throws {@link SendException} with what went wrong.
 */
final class Channels {
    static final Duration CONNECT = Duration.ofSeconds(10);
    static final Duration WAIT = Duration.ofSeconds(30);

    /** A send that did not reach its receiver. */
    static final class SendException extends Exception {
        SendException(String message) {
            super(message);
        }
    }

    private final Map<String, String> env;
    private HttpClient http;

    /** {@code env}: where the SMTP login's {@code fromEnv} variables are read. */
    Channels(Map<String, String> env) {
        this.env = env;
    }

    void send(Notify notify, Outbox.Delivery d) throws SendException {
        if (d.channel() >= notify.rules().size()) {
            throw new SendException("the run's workflow has no notify entry " + d.channel());
        }
        Notify.Rule rule = notify.rules().get(d.channel());
        if (rule.webhook() != null) {
            webhook(rule.webhook(), d);
        } else if (rule.email() != null) {
            email(notify.smtp(), rule.email(), d);
        } else {
            command(rule.command(), d);
        }
    }

    /** The words a chat shows: the subject, then the body. */
    static String text(Outbox.Delivery d) {
        return d.subject() + "\n" + d.body();
    }

    private void webhook(String url, Outbox.Delivery d) throws SendException {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("text", text(d));
        body.put("id", d.messageId());
        body.put("run", d.runId());
        body.put("event", d.kind());
        if (http == null) {
            http = HttpClient.newBuilder().connectTimeout(CONNECT).followRedirects(HttpClient.Redirect.NEVER).build();
        }
        try {
            HttpRequest req = HttpRequest.newBuilder(URI.create(url)).timeout(WAIT)
                    .header("Content-Type", "application/json; charset=utf-8")
                    .header("X-Hwf-Event", d.messageId())
                    .POST(HttpRequest.BodyPublishers.ofString(Json.write(body), StandardCharsets.UTF_8)).build();
            HttpResponse<String> r = http.send(req, HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() / 100 != 2) {
                String said = r.body() == null ? "" : r.body().strip();
                throw new SendException("webhook answered HTTP " + r.statusCode()
                        + (said.isEmpty() ? "" : ": " + said.substring(0, Math.min(200, said.length()))));
            }
        } catch (IOException e) {
            throw new SendException("webhook: " + describe(e));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SendException("webhook: interrupted");
        }
    }

    private void email(Notify.Smtp smtp, String to, Outbox.Delivery d) throws SendException {
        if (smtp == null) {
            throw new SendException("no SMTP server to send e-mail through: set site.smtp in the workflow or smtp: "
                    + "in ~/.hwf/config.yaml");
        }
        String user = secret(smtp.userFromEnv(), "user");
        String password = secret(smtp.passwordFromEnv(), "password");
        Properties p = new Properties();
        p.put("mail.smtp.host", smtp.host());
        p.put("mail.smtp.port", Integer.toString(smtp.port()));
        p.put("mail.smtp.connectiontimeout", Long.toString(CONNECT.toMillis()));
        p.put("mail.smtp.timeout", Long.toString(WAIT.toMillis()));
        p.put("mail.smtp.writetimeout", Long.toString(WAIT.toMillis()));
        p.put("mail.smtp.auth", Boolean.toString(user != null));
        if (smtp.starttls()) { // never fall back to plain text where STARTTLS was asked for
            p.put("mail.smtp.starttls.enable", "true");
            p.put("mail.smtp.starttls.required", "true");
            p.put("mail.smtp.ssl.checkserveridentity", "true");
        }
        Session session = Session.getInstance(p);
        String id = d.messageId();
        MimeMessage m = new MimeMessage(session) {
            @Override
            protected void updateMessageID() throws MessagingException {
                setHeader("Message-ID", "<" + id + "@hwf>");
            }
        };
        try {
            m.setFrom(new InternetAddress(smtp.from()));
            m.setRecipients(Message.RecipientType.TO, InternetAddress.parse(to));
            m.setSubject(d.subject(), "UTF-8");
            m.setText(d.body(), "UTF-8");
            m.setHeader("X-Hwf-Event", id);
            if (user != null) {
                Transport.send(m, user, password);
            } else {
                Transport.send(m);
            }
        } catch (MessagingException e) {
            throw new SendException("e-mail to " + to + " through " + smtp.host() + ":" + smtp.port() + ": "
                    + describe(e));
        }
    }

    private String secret(String variable, String what) throws SendException {
        if (variable == null) {
            return null;
        }
        String v = env.get(variable);
        if (v == null || v.isEmpty()) {
            throw new SendException("the SMTP " + what + " is read from " + variable + ", which is not set in this "
                    + "hwf process's environment (for hwf poll from cron: set it in the crontab's environment)");
        }
        return v;
    }

    private static void command(String commandLine, Outbox.Delivery d) throws SendException {
        ProcessBuilder pb = new ProcessBuilder("bash", "-c", commandLine)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(ProcessBuilder.Redirect.DISCARD);
        pb.environment().put("HWF_EVENT_ID", d.messageId());
        pb.environment().put("HWF_EVENT", d.kind());
        pb.environment().put("HWF_RUN", d.runId());
        Process p;
        try {
            p = pb.start();
        } catch (IOException e) {
            throw new SendException("command: cannot start bash: " + e.getMessage());
        }
        try {
            try (OutputStream in = p.getOutputStream()) {
                in.write((text(d) + "\n").getBytes(StandardCharsets.UTF_8));
            } catch (IOException e) {
                // the command need not read its input
            }
            if (!p.waitFor(WAIT.toSeconds(), TimeUnit.SECONDS)) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
                throw new SendException("command did not end within " + WAIT.toSeconds() + " s; stopped");
            }
            if (p.exitValue() != 0) {
                throw new SendException("command exited " + p.exitValue());
            }
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new SendException("command: interrupted");
        }
    }

    private static String describe(Throwable e) {
        StringBuilder b = new StringBuilder();
        for (Throwable t = e; t != null && b.length() < 300; t = t.getCause()) {
            String m = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
            if (b.indexOf(m) < 0) {
                b.append(b.length() == 0 ? "" : ": ").append(m);
            }
        }
        return b.toString();
    }
}
