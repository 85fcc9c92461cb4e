package dev.hwf.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import com.sun.net.httpserver.HttpServer;
import jakarta.mail.internet.MimeMessage;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Notifications of a campaign on the {@code local} scheduler driven by {@code hwf poll} as cron
 * would, to a real HTTP receiver and a real SMTP server on 127.0.0.1: one {@code failed} webhook and
 * one {@code ended} e-mail; hwf killed between sending and recording sends again with the same id; a
 * receiver that is down gets everything once it is back. On the real local Slurm, a held job is heard
 * of as {@code stuck} at once, once, and the run ends once it is released.
 */
class NotifyIT {
    private static final Duration LIMIT = Duration.ofSeconds(90);

    @TempDir
    Path scratch;

    private Hwf hwf;
    private HttpServer http;
    private int hookPort;
    private GreenMail mail;
    private final List<String[]> hooks = Collections.synchronizedList(new ArrayList<>());

    @BeforeAll
    static void built() {
        // bin/hwf builds its jar on first use, with the user's own Maven set-up: before HOME is changed below
        Hwf.Result v = new Hwf(Path.of(System.getProperty("java.io.tmpdir")), "1").run("--version");
        assertEquals(0, v.code(), v.all());
    }

    @BeforeEach
    void start() throws IOException {
        hwf = new Hwf(scratch, "0.3");
        mail = new GreenMail(new ServerSetup(0, "127.0.0.1", "smtp").dynamicPort());
        mail.start();
        mail.setUser("hwf@example.org", "campaign", "mail-secret");
        hookPort = startHook(0);
        // the user's defaults: the SMTP server, its login from the environment of each hwf process
        Path home = scratch.resolve("home");
        Files.createDirectories(home.resolve(".hwf"));
        Files.writeString(home.resolve(".hwf/config.yaml"), """
                smtp:
                  host: 127.0.0.1
                  port: %d
                  starttls: false
                  user: { fromEnv: NOTIFY_IT_USER }
                  password: { fromEnv: NOTIFY_IT_PASSWORD }
                  from: hwf@example.org
                """.formatted(mail.getSmtp().getPort()));
        hwf.env.put("HOME", home.toString());
        hwf.env.put("NOTIFY_IT_USER", "campaign");
        hwf.env.put("NOTIFY_IT_PASSWORD", "mail-secret");
        hwf.env.put("HWF_NOTIFY_LEASE", "1");
        hwf.env.put("HWF_NOTIFY_BACKOFF", "0.5");
    }

    private int startHook(int port) throws IOException {
        http = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 0);
        http.createContext("/hook", ex -> {
            String body = new String(ex.getRequestBody().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            hooks.add(new String[] {ex.getRequestHeaders().getFirst("X-Hwf-Event"), body});
            ex.sendResponseHeaders(200, -1);
            ex.close();
        });
        http.start();
        return http.getAddress().getPort();
    }

    @AfterEach
    void stop() {
        if (http != null) {
            http.stop(0);
        }
        mail.stop();
    }

    private String submit() {
        return submit("local");
    }

    private String submit(String scheduler) {
        Path wf = hwf.workflow("campaign.yaml", """
                name: campaign
                scheduler: %s
                site: { workdir: %s }
                notify:
                  - on: [failed]
                    webhook: http://127.0.0.1:%d/hook
                  - on: [ended]
                    email: alice@example.org
                tasks:
                  - name: good
                    array: 3
                    command: "true"
                  - name: bad
                    retries: 0
                    command: "sleep 1; exit 3"
                """.formatted(scheduler, scratch.resolve("work"), hookPort));
        Hwf.Result r = hwf.run("submit", wf.toString(), "--detach");
        assertEquals(0, r.code(), r.all());
        return r.out().strip();
    }

    private JsonNode text(String[] hook) throws IOException {
        return Hwf.JSON.readTree(hook[1]);
    }

    @Test
    void aCronCampaignSendsOneFailedWebhookAndOneEndedEmail() throws Exception {
        oneFailedWebhookAndOneEndedEmail(submit("local"), LIMIT);
    }

    /** The same campaign on the real local Slurm, polled as cron would. */
    @Test
    void aCronCampaignOnSlurmSendsTheSame() throws Exception {
        hwf.env.put("HWF_POLL_INTERVAL", "1");
        oneFailedWebhookAndOneEndedEmail(submit("slurm"), Duration.ofSeconds(180));
    }

    private void oneFailedWebhookAndOneEndedEmail(String run, Duration limit) throws Exception {
        assertEquals("FAILED", hwf.pollUntilEnded(run, limit));
        for (int i = 0; i < 3; i++) { // later polls, as cron goes on: nothing again
            assertEquals(0, hwf.run("poll").code());
        }
        assertEquals(1, hooks.size(), "one failed webhook");
        JsonNode body = text(hooks.get(0));
        assertTrue(body.get("text").asText().contains("- bad failed: exit 3"), body.toString());
        assertEquals("failed", body.get("event").asText());
        assertTrue(hooks.get(0)[0].startsWith(run + ".failed."), hooks.get(0)[0]);
        MimeMessage[] got = mail.getReceivedMessages();
        assertEquals(1, got.length, "one ended e-mail");
        assertEquals("hwf: run " + run + " ended FAILED", got[0].getSubject());
        assertTrue(got[0].getMessageID().startsWith("<" + run + ".ended."), got[0].getMessageID());
        JsonNode n = hwf.status(run).get("notifications");
        assertEquals(0, n.get("pending").asInt(), n.toString());
        assertEquals(2, n.get("sent").asInt(), n.toString());
        for (Path f : List.of(hwf.journal, hwf.journal.resolveSibling(hwf.journal.getFileName() + "-wal"))) {
            if (Files.exists(f)) {
                String bytes = new String(Files.readAllBytes(f), java.nio.charset.StandardCharsets.ISO_8859_1);
                assertTrue(!bytes.contains("mail-secret"), "no secret in " + f);
            }
        }
    }

    @Test
    void killedBetweenSendingAndRecordingTheResendCarriesTheSameId() throws Exception {
        String run = submit();
        // polls that stop dead right after their first send, until one has sent something (bounded)
        hwf.env.put("HWF_CRASH_POINT", "after-notify-send");
        long deadline = System.nanoTime() + LIMIT.toNanos();
        int killed = 0;
        while (hooks.isEmpty() && mail.getReceivedMessages().length == 0 && System.nanoTime() < deadline) {
            Hwf.Result poll = hwf.run(Duration.ofSeconds(120), "poll");
            killed += poll.code() == 137 ? 1 : 0;
            Thread.sleep(300);
        }
        assertEquals(1, killed, "stopped dead once, after sending");
        hwf.env.remove("HWF_CRASH_POINT");
        assertEquals("FAILED", hwf.pollUntilEnded(run, LIMIT));
        Thread.sleep(1500); // the claim of the dead process lapses (HWF_NOTIFY_LEASE=1)
        for (int i = 0; i < 3; i++) {
            assertEquals(0, hwf.run("poll").code());
            Thread.sleep(600);
        }
        assertEquals(2, hooks.size(), "the failed message, sent, unrecorded, and sent again");
        assertEquals(hooks.get(0)[0], hooks.get(1)[0], "with the same id");
        assertEquals(hooks.get(0)[1], hooks.get(1)[1], "and the same words");
        assertEquals(1, mail.getReceivedMessages().length);
        JsonNode n = hwf.status(run).get("notifications");
        assertEquals(2, n.get("sent").asInt(), n.toString());
        assertEquals(0, n.get("pending").asInt(), n.toString());
    }

    @Test
    void aReceiverThatIsDownGetsTheMessageOnceItIsBack() throws Exception {
        http.stop(0);
        http = null;
        int mailPort = mail.getSmtp().getPort();
        mail.stop();
        String run = submit();
        assertEquals("FAILED", hwf.pollUntilEnded(run, LIMIT));
        JsonNode n = hwf.status(run).get("notifications");
        assertEquals(2, n.get("pending").asInt(), n.toString());
        assertTrue(n.get("lastError").asText().length() > 0, n.toString());
        Hwf.Result table = hwf.run("status", run);
        assertTrue(table.out().contains("notifications: 2 pending"), table.out());
        // both come back on the same ports
        startHook(hookPort);
        mail = new GreenMail(new ServerSetup(mailPort, "127.0.0.1", "smtp"));
        mail.start();
        mail.setUser("hwf@example.org", "campaign", "mail-secret");
        long deadline = System.nanoTime() + LIMIT.toNanos();
        while ((hooks.isEmpty() || mail.getReceivedMessages().length == 0) && System.nanoTime() < deadline) {
            Thread.sleep(700);
            assertEquals(0, hwf.run("poll").code());
        }
        assertEquals(0, hwf.run("poll").code());
        assertEquals(1, hooks.size(), "delivered once it was back, once");
        assertEquals(1, mail.getReceivedMessages().length, "the e-mail too");
        n = hwf.status(run).get("notifications");
        assertEquals(2, n.get("sent").asInt(), n.toString());
        assertEquals(0, n.get("pending").asInt(), n.toString());
    }

    /**
     * A task whose job Slurm holds ({@code sbatch --hold}, as the task's directive) on the real local
     * Slurm: the first poll that reads squeue sends one {@code stuck} webhook naming the reason and what
     * to do, later polls send nothing, {@code status} shows the reason; released, the run ends.
     */
    @Test
    void aHeldJobOnSlurmIsHeardOfAtOnceOnceAndTheRunEndsWhenReleased() throws Exception {
        hwf.env.put("HWF_POLL_INTERVAL", "1");
        Path wf = hwf.workflow("held.yaml", """
                name: held
                scheduler: slurm
                site: { workdir: %s }
                notify:
                  - on: [stuck]
                    webhook: http://127.0.0.1:%d/hook
                tasks:
                  - name: wait
                    partition: gpu
                    directives: ["--hold"]
                    command: "true"
                """.formatted(scratch.resolve("work"), hookPort));
        Hwf.Result r = hwf.run("submit", wf.toString(), "--detach");
        assertEquals(0, r.code(), r.all());
        String run = r.out().strip();
        String job = null;
        try {
            long deadline = System.nanoTime() + LIMIT.toNanos();
            while (hooks.isEmpty() && System.nanoTime() < deadline) {
                assertEquals(0, hwf.run("poll").code());
                Thread.sleep(500);
            }
            job = Hwf.task(hwf.status(run), "wait").get("jobId").asText();
            for (int i = 0; i < 2; i++) { // later polls, the job still held: nothing again
                assertEquals(0, hwf.run("poll").code());
            }
            assertEquals(1, hooks.size(), "one stuck webhook");
            assertTrue(hooks.get(0)[0].startsWith(run + ".stuck."), hooks.get(0)[0]);
            JsonNode body = text(hooks.get(0));
            assertEquals("stuck", body.get("event").asText());
            String words = body.get("text").asText();
            assertTrue(words.contains("- wait stuck: queued as job " + job + ": JobHeldUser, cannot clear by itself"),
                    words);
            assertTrue(words.contains("scontrol release JOBID"), words);
            JsonNode why = Hwf.task(hwf.status(run), "wait").get("pendingReason");
            assertEquals("HELD", why.get("block").asText(), why.toString());
            Hwf.Result table = hwf.run("status", run);
            assertTrue(table.out().contains("queued: JobHeldUser, cannot clear by itself"), table.out());
        } finally {
            if (job != null) {
                scontrol("release", job);
            } else {
                hwf.run("cancel", run);
            }
        }
        // released, it waits its turn for a CPU of the shared test node like any job
        assertEquals("SUCCEEDED", hwf.pollUntilEnded(run, Duration.ofSeconds(300)));
        assertEquals(1, hooks.size(), "released and run: nothing more");
    }

    private static void scontrol(String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("scontrol"));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertTrue(p.waitFor(30, java.util.concurrent.TimeUnit.SECONDS), "scontrol " + String.join(" ", args));
        assertEquals(0, p.exitValue(), out);
    }
}
