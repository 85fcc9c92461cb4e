package dev.hwf.launcher.notify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import com.sun.net.httpserver.HttpServer;
import dev.hwf.api.JobState;
import dev.hwf.api.PendingReason;
import dev.hwf.launcher.engine.CrashHook;
import dev.hwf.launcher.engine.support.TestClock;
import dev.hwf.launcher.journal.Change;
import dev.hwf.launcher.journal.ElementRecord;
import dev.hwf.launcher.journal.Journal;
import dev.hwf.launcher.journal.Outbox;
import dev.hwf.launcher.journal.RunSnapshot;
import dev.hwf.launcher.journal.SpecCodec;
import dev.hwf.launcher.journal.Submitted;
import dev.hwf.launcher.workflow.Workflow;
import dev.hwf.launcher.workflow.WorkflowLoader;
import jakarta.mail.internet.MimeMessage;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Notifications against real receivers on 127.0.0.1: an HTTP server of the JDK's, a GreenMail SMTP
 * server and a command that bash runs; the outbox on a real SQLite journal, the clock the test's.
 */
class NotifyTest {
    private static final Instant T0 = Instant.parse("2030-01-02T03:04:05Z");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Notifier.Timing FAST = new Notifier.Timing(Duration.ofSeconds(60), Duration.ofSeconds(30),
            Duration.ofHours(1), Duration.ofDays(3));

    @TempDir
    Path dir;

    private Journal journal;
    private TestClock clock;
    private HttpServer http;
    private final List<Received> received = Collections.synchronizedList(new ArrayList<>());
    private final AtomicInteger status = new AtomicInteger(200);
    private GreenMail mail;

    record Received(String id, JsonNode body) {
    }

    @BeforeEach
    void start() throws IOException {
        journal = Journal.open(dir.resolve("journal.db"));
        clock = new TestClock(T0);
        http = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        http.createContext("/hook", ex -> {
            byte[] body = ex.getRequestBody().readAllBytes();
            int code = status.get();
            if (code == 200) {
                received.add(new Received(ex.getRequestHeaders().getFirst("X-Hwf-Event"), JSON.readTree(body)));
            }
            ex.sendResponseHeaders(code, -1);
            ex.close();
        });
        http.start();
        mail = new GreenMail(new ServerSetup(0, "127.0.0.1", "smtp").dynamicPort());
        mail.start();
        mail.setUser("hwf@example.org", "hwf-login", "s3cret");
    }

    @AfterEach
    void stop() {
        http.stop(0);
        mail.stop();
        journal.close();
    }

    private String hook() {
        return "http://127.0.0.1:" + http.getAddress().getPort() + "/hook";
    }

    private String run(String notify, int array) {
        Workflow wf = WorkflowLoader.parse("""
                name: nt
                scheduler: local
                site:
                  smtp: { host: 127.0.0.1, port: %d, starttls: false, user: { fromEnv: NT_USER },
                          password: { fromEnv: NT_PASSWORD }, from: hwf@example.org }
                notify:
                %s
                tasks:
                  - name: sim
                    array: %d
                    command: ./sim
                """.formatted(mail.getSmtp().getPort(), notify.indent(2).stripTrailing(), array), "nt.yaml", null,
                List.of());
        return journal.createRun(wf, SpecCodec.toJson(wf), dir.toString(), T0);
    }

    private Notifier notifier(CrashHook crash) {
        return new Notifier(journal, clock, crash, Map.of("NT_USER", "hwf-login", "NT_PASSWORD", "s3cret"), FAST);
    }

    /** Moves elements of {@code sim} as a pass would: read, then one compare-and-set transaction. */
    private void move(String runId, List<Integer> indices, JobState to, String reason) {
        if (to == JobState.SUCCEEDED) { // it was queued and ran first
            move(runId, indices, JobState.QUEUED, null);
            move(runId, indices, JobState.RUNNING, null);
        }
        RunSnapshot snap = journal.snapshot(runId);
        List<Change> changes = new ArrayList<>();
        for (ElementRecord e : snap.elements()) {
            if (indices.contains(e.index())) {
                changes.add(new Change(e, e.with(to, to == JobState.FAILED ? Integer.valueOf(1) : to == JobState.SUCCEEDED ? Integer.valueOf(0) : null, reason,
                        clock.instant())));
            }
        }
        journal.apply(runId, changes, clock.instant());
    }

    @Test
    void aNoticeIsWrittenWithTheChangeOrNotAtAll() {
        String runId = run("- { on: [failed, ended], webhook: '" + hook() + "' }", 3);
        move(runId, List.of(2), JobState.SUCCEEDED, null);
        // one transaction: element 0 fails, element 2 would go SUCCEEDED -> FAILED, which is refused
        RunSnapshot snap = journal.snapshot(runId);
        List<Change> bad = new ArrayList<>();
        for (ElementRecord e : snap.elements()) {
            if (e.index() != 1) {
                bad.add(new Change(e, e.with(JobState.FAILED, 1, "exit 1", T0)));
            }
        }
        assertThrows(RuntimeException.class, () -> journal.apply(runId, bad, T0));
        assertEquals(List.of(), journal.outbox().notices(runId), "rolled back with the change it came with");
        move(runId, List.of(0), JobState.FAILED, "exit 1");
        List<Outbox.Notice> notices = journal.outbox().notices(runId);
        assertEquals(1, notices.size(), "committed with the change, before anything was sent");
        assertEquals("sim", notices.get(0).task());
        assertEquals(0, notices.get(0).index());
        assertEquals("exit 1", notices.get(0).reason());
        move(runId, List.of(1), JobState.SUCCEEDED, null);
        notices = journal.outbox().notices(runId);
        assertEquals(List.of("failed", "ended"), notices.stream().map(Outbox.Notice::kind).toList(),
                "the run's end, in the transaction that derived it");
        assertEquals("FAILED", notices.get(1).state());
    }

    @Test
    void threeHundredFailuresInOnePassMakeOneMessage() {
        String runId = run("- { on: [failed], webhook: '" + hook() + "' }", 300);
        move(runId, IntStream.range(0, 300).boxed().toList(), JobState.FAILED, "exit 3");
        assertEquals(1, notifier(CrashHook.NONE).deliver());
        assertEquals(1, received.size());
        String text = received.get(0).body().get("text").asText();
        assertTrue(text.contains("300 elements of run " + runId + " failed"), text);
        assertTrue(text.contains("- sim[0] failed: exit 3"), text);
        assertTrue(text.contains("- sim[19] failed: exit 3"), text);
        assertFalse(text.contains("sim[20]"), text);
        assertTrue(text.contains("and 280 more"), text);
        assertEquals(received.get(0).id(), received.get(0).body().get("id").asText());
        assertEquals(0, notifier(CrashHook.NONE).deliver(), "nothing twice");
        assertEquals(new Outbox.Summary(0, 1, 0, 0, null), journal.outbox().summary(runId));
    }

    @Test
    void aReceiverThatIsDownGetsTheMessageOnceItIsBackWithBackoff() {
        String runId = run("- { on: [failed], webhook: '" + hook() + "' }", 2);
        status.set(503);
        move(runId, List.of(0), JobState.FAILED, "exit 1");
        assertEquals(0, notifier(CrashHook.NONE).deliver());
        Outbox.Delivery d = journal.outbox().deliveries(runId).get(0);
        assertEquals(Outbox.PENDING, d.state());
        assertEquals(1, d.tries());
        assertTrue(d.lastError().contains("HTTP 503"), d.lastError());
        assertEquals(T0.plusSeconds(30), d.nextAt(), "the first wait");
        clock.advance(Duration.ofSeconds(31));
        notifier(CrashHook.NONE).deliver();
        d = journal.outbox().deliveries(runId).get(0);
        assertEquals(2, d.tries());
        assertEquals(clock.instant().plusSeconds(60), d.nextAt(), "each wait twice the one before");
        http.stop(0); // no server at all now: connection refused
        clock.advance(Duration.ofSeconds(61));
        notifier(CrashHook.NONE).deliver();
        d = journal.outbox().deliveries(runId).get(0);
        assertEquals(3, d.tries());
        assertTrue(d.lastError().startsWith("webhook: "), d.lastError());
        // a second failure arrives while the receiver is away: its own message, kept as well
        move(runId, List.of(1), JobState.FAILED, "exit 2");
        notifier(CrashHook.NONE).deliver();
        assertEquals(0, received.size());
        clock.advance(Duration.ofSeconds(121));
        notifier(CrashHook.NONE).deliver();
        assertEquals(0, received.size());
        startAgain();
        clock.advance(Duration.ofMinutes(5));
        assertEquals(2, notifier(CrashHook.NONE).deliver());
        assertEquals(2, received.size(), "both, once each");
        assertEquals(2, received.stream().map(Received::id).distinct().count());
        assertTrue(received.stream().allMatch(r -> r.id().startsWith(runId + ".failed.")));
    }

    private void startAgain() {
        int port = http.getAddress().getPort();
        try {
            HttpServer again = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 0);
            again.createContext("/hook", ex -> {
                received.add(new Received(ex.getRequestHeaders().getFirst("X-Hwf-Event"),
                        JSON.readTree(ex.getRequestBody().readAllBytes())));
                ex.sendResponseHeaders(200, -1);
                ex.close();
            });
            again.start();
            http = again;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void killedBetweenSendingAndRecordingItSendsAgainWithTheSameId() {
        String runId = run("- { on: [failed], webhook: '" + hook() + "' }", 2);
        move(runId, List.of(0, 1), JobState.FAILED, "exit 1");
        CrashHook dies = p -> {
            if (p.equals(Notifier.CRASH_POINT)) {
                throw new IllegalStateException("stopped dead at " + p);
            }
        };
        notifier(dies).deliver();
        assertEquals(1, received.size(), "sent");
        assertEquals(Outbox.PENDING, journal.outbox().deliveries(runId).get(0).state(), "not recorded");
        assertEquals(0, notifier(CrashHook.NONE).deliver(), "another process leaves it while the claim holds");
        clock.advance(Duration.ofSeconds(61));
        assertEquals(1, notifier(CrashHook.NONE).deliver());
        assertEquals(2, received.size());
        assertEquals(received.get(0).id(), received.get(1).id(), "the resend carries the same id");
        assertEquals(received.get(0).body(), received.get(1).body(), "and the same words");
        assertEquals(Outbox.SENT, journal.outbox().deliveries(runId).get(0).state());
    }

    @Test
    void emailGoesThroughSmtpWithALoginFromTheEnvironmentAndItsIdAsMessageId() throws Exception {
        String runId = run("- { on: [ended], email: alice@example.org }", 1);
        move(runId, List.of(0), JobState.SUCCEEDED, null);
        assertEquals(1, notifier(CrashHook.NONE).deliver());
        MimeMessage[] got = mail.getReceivedMessages();
        assertEquals(1, got.length);
        assertEquals("hwf: run " + runId + " ended SUCCEEDED", got[0].getSubject());
        assertEquals("<" + runId + ".ended." + journal.outbox().notices(runId).get(0).seq() + "@hwf>",
                got[0].getMessageID());
        assertEquals("alice@example.org", got[0].getAllRecipients()[0].toString());
        assertTrue(((String) got[0].getContent()).contains("ended SUCCEEDED"));
    }

    @Test
    void aMissingLoginOrAWrongOneIsKeptAsTheErrorAndTriedAgain() {
        String runId = run("- { on: [ended], email: alice@example.org }", 1);
        move(runId, List.of(0), JobState.SUCCEEDED, null);
        new Notifier(journal, clock, CrashHook.NONE, Map.of(), FAST).deliver();
        Outbox.Delivery d = journal.outbox().deliveries(runId).get(0);
        assertEquals(Outbox.PENDING, d.state());
        assertTrue(d.lastError().contains("NT_USER, which is not set"), d.lastError());
        assertFalse(d.lastError().contains("s3cret"));
        clock.advance(Duration.ofSeconds(31));
        new Notifier(journal, clock, CrashHook.NONE, Map.of("NT_USER", "hwf-login", "NT_PASSWORD", "wrong"), FAST)
                .deliver();
        d = journal.outbox().deliveries(runId).get(0);
        assertEquals(2, d.tries());
        assertTrue(d.lastError().contains("e-mail to alice@example.org"), d.lastError());
        assertEquals(0, mail.getReceivedMessages().length);
        clock.advance(Duration.ofSeconds(61));
        assertEquals(1, notifier(CrashHook.NONE).deliver());
        assertEquals(1, mail.getReceivedMessages().length);
    }

    @Test
    void starttlsIsNeverDroppedForPlainText() {
        Workflow wf = WorkflowLoader.parse("""
                name: nt
                site: { smtp: { host: 127.0.0.1, port: %d, from: hwf@example.org } }
                notify: [{ on: [ended], email: alice@example.org }]
                tasks: [{ name: sim, command: ./sim }]
                """.formatted(mail.getSmtp().getPort()), "nt.yaml", null, List.of());
        String runId = journal.createRun(wf, SpecCodec.toJson(wf), dir.toString(), T0);
        move(runId, List.of(0), JobState.SUCCEEDED, null);
        notifier(CrashHook.NONE).deliver();
        Outbox.Delivery d = journal.outbox().deliveries(runId).get(0);
        assertEquals(Outbox.PENDING, d.state(), "this server offers no STARTTLS: nothing sent in plain text");
        assertTrue(d.lastError().toLowerCase().contains("starttls"), d.lastError());
        assertEquals(0, mail.getReceivedMessages().length);
    }

    @Test
    void aCommandGetsTheMessageOnItsInputAndNothingOfItInItsCommandLine() throws IOException {
        Path out = dir.resolve("got.txt");
        String runId = run("- { on: [failed], command: 'cat > \"$HWF_OUT\"; echo \"$HWF_EVENT_ID\" >> \"$HWF_OUT\"' }",
                1);
        move(runId, List.of(0), JobState.FAILED, "$(touch " + dir.resolve("pwned") + ") `id`; exit 1");
        Notifier n = new Notifier(journal, clock, CrashHook.NONE, Map.of(), FAST);
        // the command's environment is hwf's: HWF_OUT reaches it as any variable of the crontab would
        assertEquals(0, n.deliver(), "HWF_OUT unset: cat fails to write, exit 1, kept for later");
        assertTrue(journal.outbox().deliveries(runId).get(0).lastError().contains("command exited 1"));
        assertFalse(Files.exists(dir.resolve("pwned")));
        Path script = dir.resolve("keep.sh");
        Files.writeString(script, "cat > '" + out + "'\n");
        Workflow wf = WorkflowLoader.parse("""
                name: nt
                notify: [{ on: [failed], command: 'bash %s' }]
                tasks: [{ name: sim, command: ./sim }]
                """.formatted(script), "nt.yaml", null, List.of());
        String second = journal.createRun(wf, SpecCodec.toJson(wf), dir.toString(), T0);
        move(second, List.of(0), JobState.FAILED, "$(touch " + dir.resolve("pwned") + ") `id`");
        clock.advance(Duration.ofSeconds(10));
        n.deliver();
        String got = Files.readString(out, StandardCharsets.UTF_8);
        assertTrue(got.contains("$(touch " + dir.resolve("pwned") + ") `id`"), got);
        assertFalse(Files.exists(dir.resolve("pwned")), "the message is data, never run");
        assertEquals(Outbox.SENT, journal.outbox().deliveries(second).get(0).state());
    }

    @Test
    void theBudgetIsHeardAtEightyAndAHundredPercentOnceEach() {
        String runId = run("- { on: [budget], webhook: '" + hook() + "' }", 1);
        Outbox outbox = journal.outbox();
        assertEquals(0, outbox.budget(runId, 7.9, 10, "7.9 of 10 GPU-hours", T0));
        assertEquals(1, outbox.budget(runId, 8.0, 10, "8.0 of 10 GPU-hours", T0));
        assertEquals(0, outbox.budget(runId, 9.0, 10, "9.0 of 10 GPU-hours", T0), "once");
        assertEquals(1, notifier(CrashHook.NONE).deliver());
        assertTrue(received.get(0).body().get("text").asText().contains("has used 80% of its GPU-hour budget: "
                + "8.0 of 10 GPU-hours"), received.get(0).body().toString());
        assertEquals(1, outbox.budget(runId, 10.5, 10, "10.5 of 10 GPU-hours", T0));
        assertEquals(0, outbox.budget(runId, 11, 10, "11 of 10 GPU-hours", T0));
        assertEquals(1, notifier(CrashHook.NONE).deliver());
        assertTrue(received.get(1).body().get("text").asText().contains("used 100%"));
        String quiet = run("- { on: [failed], webhook: '" + hook() + "' }", 1);
        assertEquals(0, outbox.budget(quiet, 11, 10, "11 of 10 GPU-hours", T0), "a run that does not hear budget");
    }

    @Test
    void anElementWithoutAStateChangeForStuckAfterIsHeardOncePerStateAndAttempt() {
        String runId = run("- { on: [stuck], stuckAfter: 2h, webhook: '" + hook() + "' }", 3);
        journal.claim(runId, "sim", 0, List.of(0, 1, 2), "nt-sim", T0);
        move(runId, List.of(0), JobState.RUNNING, null);
        Outbox outbox = journal.outbox();
        assertEquals(0, outbox.stuck(runId, Duration.ofHours(2), T0.plus(Duration.ofMinutes(119))));
        assertEquals(3, outbox.stuck(runId, Duration.ofHours(2), T0.plus(Duration.ofMinutes(121))));
        assertEquals(0, outbox.stuck(runId, Duration.ofHours(2), T0.plus(Duration.ofHours(5))), "once each");
        clock.set(T0.plus(Duration.ofHours(5)));
        move(runId, List.of(1), JobState.RUNNING, null); // a change: a new wait begins
        assertEquals(0, outbox.stuck(runId, Duration.ofHours(2), T0.plus(Duration.ofHours(6))));
        assertEquals(1, outbox.stuck(runId, Duration.ofHours(2), T0.plus(Duration.ofHours(8))));
        assertEquals(1, notifier(CrashHook.NONE).deliver());
        String text = received.get(0).body().get("text").asText();
        assertTrue(text.contains("4 elements of run " + runId + " made no progress"), text);
        assertTrue(text.contains("- sim[2] stuck: queued since"), text);
        assertEquals(1, received.size(), "one message for the four");
        String quiet = run("- { on: [failed], webhook: '" + hook() + "' }", 1);
        journal.claim(quiet, "sim", 0, List.of(0), "nt-sim", T0);
        assertEquals(0, outbox.stuck(quiet, Duration.ofHours(2), T0.plus(Duration.ofDays(1))));
    }

    /** Records why queued elements of {@code sim} wait, as a pass that read the scheduler would. */
    private void waitsOn(String runId, List<Integer> indices, PendingReason why) {
        List<Change> changes = new ArrayList<>();
        for (ElementRecord e : journal.snapshot(runId).elements()) {
            if (indices.contains(e.index())) {
                changes.add(new Change(e, e.withPending(why)));
            }
        }
        journal.apply(runId, changes, clock.instant());
    }

    @Test
    void aPendingReasonThatCannotClearIsHeardAtOnceOncePerReasonAndAttempt() {
        String runId = run("- { on: [stuck], webhook: '" + hook() + "' }", 3);
        journal.claim(runId, "sim", 0, List.of(0, 1, 2), "nt-sim", T0);
        journal.recordJobIds(runId, List.of(new Submitted("sim", 1, "4711", 0, 2)), T0);
        Outbox outbox = journal.outbox();
        Duration sixHours = Duration.ofHours(6);
        waitsOn(runId, List.of(0, 1), PendingReason.clears("Priority"));
        assertEquals(0, outbox.stuck(runId, sixHours, T0.plusSeconds(60)), "an ordinary reason: none");
        waitsOn(runId, List.of(0), new PendingReason("JobHeldUser", PendingReason.Block.HELD));
        assertEquals(1, outbox.stuck(runId, sixHours, T0.plusSeconds(120)), "at once, long before stuckAfter");
        assertEquals(0, outbox.stuck(runId, sixHours, T0.plusSeconds(180)), "not again at the next pass");
        assertEquals("HELD", outbox.notices(runId).get(0).state());
        assertEquals("queued as job 4711: JobHeldUser", outbox.notices(runId).get(0).reason());
        waitsOn(runId, List.of(0), new PendingReason("ReqNodeNotAvail, UnavailableNodes:n3", PendingReason.Block.DOWN));
        assertEquals(1, outbox.stuck(runId, sixHours, T0.plusSeconds(240)), "a new reason: heard again");
        // past stuckAfter: the elements without such a reason are heard for their time, element 0 not again
        assertEquals(2, outbox.stuck(runId, sixHours, T0.plus(Duration.ofHours(7))));
        assertEquals(1, notifier(CrashHook.NONE).deliver());
        String text = received.get(0).body().get("text").asText();
        assertTrue(text.contains("- sim[0] stuck: queued as job 4711: JobHeldUser, cannot clear by itself"), text);
        assertTrue(text.contains("What to do: held: it waits until its hold is released (scontrol release, qrls or "
                + "bresume JOBID)"), text); // scheduler local: every scheduler's command
        assertTrue(text.contains("What to do: the nodes or the partition (queue) it needs are down"), text);
        // a new attempt of the same element, held again: heard again
        move(runId, List.of(0), JobState.WAITING, "retry");
        journal.claim(runId, "sim", 1, List.of(0), "nt-sim", T0);
        assertEquals(null, journal.snapshot(runId).elements().get(0).pending(), "a claim clears the reason");
        waitsOn(runId, List.of(0), new PendingReason("JobHeldUser", PendingReason.Block.HELD));
        assertEquals(1, outbox.stuck(runId, sixHours, T0.plus(Duration.ofHours(8))));
        String quiet = run("- { on: [failed], webhook: '" + hook() + "' }", 1);
        journal.claim(quiet, "sim", 0, List.of(0), "nt-sim", T0);
        waitsOn(quiet, List.of(0), new PendingReason("JobHeldUser", PendingReason.Block.HELD));
        assertEquals(0, outbox.stuck(quiet, sixHours, T0.plusSeconds(60)), "a run that does not hear stuck");
    }

    @Test
    void aPendingStuckMessageSaysWhatToDoPerScheduler() {
        Workflow wf = WorkflowLoader.parse("""
                name: nt
                scheduler: slurm
                notify:
                  - { on: [stuck], webhook: 'http://127.0.0.1:9/hook' }
                tasks:
                  - { name: sim, command: ./sim }
                """, "nt.yaml", null, List.of());
        Outbox.Group g = new Outbox.Group("r1", "nt", SpecCodec.toJson(wf), "RUNNING", "stuck", List.of(
                new Outbox.Notice(1, "r1", "stuck", "sim", 0, "HELD", "queued as job 9: JobHeldAdmin", T0),
                new Outbox.Notice(2, "r1", "stuck", "sim", 0, "BUDGET", "queued as job 9: AssocGrpGRESRunMinutes", T0)));
        String body = Messages.compose(g).get(0).body();
        assertTrue(body.contains("- sim stuck: queued as job 9: JobHeldAdmin, cannot clear by itself\n"), body);
        assertTrue(body.contains("(scontrol release JOBID)"), body);
        assertTrue(body.contains("budget of CPU, GPU or billing minutes is spent"), body);
        assertEquals("hwf: 2 elements of run r1 are stuck in the queue", Messages.compose(g).get(0).subject());
    }

    @Test
    void backoffDoublesUpToAnHour() {
        Notifier.Timing t = Notifier.Timing.DEFAULT;
        assertEquals(Duration.ofSeconds(30), t.after(1));
        assertEquals(Duration.ofSeconds(60), t.after(2));
        assertEquals(Duration.ofSeconds(120), t.after(3));
        assertEquals(Duration.ofHours(1), t.after(20));
        assertEquals(Duration.ofHours(1), t.after(1000));
    }

    @Test
    void aMessageStillRefusedAfterThreeDaysIsGivenUpAndSaysWhy() {
        String runId = run("- { on: [failed], webhook: '" + hook() + "' }", 1);
        status.set(500);
        move(runId, List.of(0), JobState.FAILED, "exit 1");
        notifier(CrashHook.NONE).deliver();
        clock.advance(Duration.ofDays(3).plusMinutes(1));
        notifier(CrashHook.NONE).deliver();
        Outbox.Delivery d = journal.outbox().deliveries(runId).get(0);
        assertEquals(Outbox.FAILED, d.state());
        assertTrue(d.lastError().contains("HTTP 500"));
        assertEquals(1, journal.outbox().summary(runId).failed());
        assertTrue(journal.outbox().summary(runId).lastError().contains("HTTP 500"));
    }

    @Test
    void aRunWithoutNotifyLeavesTheOutboxEmpty() {
        Workflow wf = WorkflowLoader.parse("name: nt\ntasks: [{ name: sim, array: 2, command: ./sim }]\n", "nt.yaml",
                null, List.of());
        String runId = journal.createRun(wf, SpecCodec.toJson(wf), dir.toString(), T0);
        move(runId, List.of(0, 1), JobState.FAILED, "exit 1");
        assertEquals(List.of(), journal.outbox().notices(runId));
        assertTrue(journal.outbox().summary(runId).isEmpty());
    }
}
