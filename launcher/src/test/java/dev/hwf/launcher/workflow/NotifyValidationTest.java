package dev.hwf.launcher.workflow;

import static dev.hwf.launcher.workflow.WorkflowAssertions.parse;
import static dev.hwf.launcher.workflow.WorkflowAssertions.problem;
import static dev.hwf.launcher.workflow.WorkflowAssertions.problems;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hwf.launcher.journal.SpecCodec;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@code notify:}, {@code site.smtp} and the user's {@code ~/.hwf/config.yaml} (SPEC section 7). */
class NotifyValidationTest {
    private static final String TASKS = "tasks:\n  - name: t\n    command: 'true'\n";

    @Test
    void entriesAndTheSmtpServerAreReadAndKeptWithTheRun() {
        Workflow wf = parse("""
                name: x
                site:
                  smtp: { host: smtp.example.org, port: 2525, user: { fromEnv: SMTP_USER },
                          password: { fromEnv: SMTP_PASSWORD }, from: hwf@example.org }
                notify:
                  - on: [failed, ended, stuck, budget]
                    webhook: https://chat.example.org/hooks/abc
                  - on: [ended]
                    email: alice@example.org
                  - on: [failed]
                    command: "logger -t hwf"
                """ + TASKS);
        Notify n = wf.notifications();
        assertEquals(3, n.rules().size());
        assertEquals("https://chat.example.org/hooks/abc", n.rules().get(0).webhook());
        assertEquals(List.of("ended"), n.rules().get(1).on());
        assertEquals("logger -t hwf", n.rules().get(2).command());
        assertEquals(new Notify.Smtp("smtp.example.org", 2525, true, "SMTP_USER", "SMTP_PASSWORD", "hwf@example.org"),
                n.smtp());
        assertEquals(",failed,ended,stuck,budget,", n.heard());
        assertEquals(n, SpecCodec.fromJson(SpecCodec.toJson(wf)).notifications(), "kept with the run in the journal");
        assertTrue(SpecCodec.toJson(wf).contains("SMTP_PASSWORD"));
        assertNull(parse("name: x\n" + TASKS).notifications());
        assertEquals(Notify.STUCK_AFTER, n.stuckAfter(), "6 hours unless an entry says");
        assertEquals(5400L, parse("name: x\nnotify: [{ on: [stuck], stuckAfter: 90m, webhook: 'http://h/x' }, "
                + "{ on: [stuck], email: a@b.org }]\n" + TASKS).notifications().stuckAfter(), "the shortest");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
        "notify: 5                                              | notify            | expected a list",
        "notify: [{ on: [failed] }]                             | notify[0]         | names no channel",
        "notify: [{ on: [failed], webhook: 'http://h/x', email: a@b.org } ] | notify[0] | names webhook and email",
        "notify: [{ email: a@b.org }]                           | notify[0].on      | missing",
        "notify: [{ on: [], email: a@b.org }]                   | notify[0].on      | is empty",
        "notify: [{ on: [failled], email: a@b.org }]            | notify[0].on[0]   | failled",
        "notify: [{ on: [failed], webhook: 'ftp://h/x' }]       | notify[0].webhook | not an http",
        "notify: [{ on: [failed], email: alice }]               | notify[0].email   | not an e-mail address",
        "notify: [{ on: [failed], command: '' }]                | notify[0].command | must not be empty",
        "notify: [{ on: [failed], email: a@b.org, to: x }]      | notify[0].to      | unknown key",
        "`site: { smtp: { host: h, from: a@b.org, password: hunter2 } }` | site.smtp.password | fromEnv",
        "`site: { smtp: { host: h, from: a@b.org, user: { fromEnv: U } } }` | site.smtp | both user and password",
        "`site: { smtp: { from: a@b.org } }`                    | site.smtp.host    | missing",
        "`site: { smtp: { host: h, from: a@b.org, tls: yes } }` | site.smtp.tls     | unknown key",
        "notify: [{ on: [failed], stuckAfter: 2h, email: a@b.org }] | notify[0].stuckAfter | only means something with stuck",
        "notify: [{ on: [stuck], stuckAfter: soon, email: a@b.org }] | notify[0].stuckAfter | soon",
    })
    void badEntriesAreRefusedWithTheirLineAndKey(String line, String key, String says) {
        List<Problem> p = problems("name: x\n" + line + "\n" + TASKS);
        Problem found = problem(p, key, 2);
        assertTrue(found.message().contains(says), found.toString());
    }

    @Test
    void theUsersConfigGivesDefaultsToAWorkflowWithoutNotify() {
        Notify defaults = UserConfig.parse("""
                notify:
                  - on: [ended]
                    email: bob@example.org
                smtp: { host: mail.example.org, starttls: false, from: hwf@example.org }
                """, "config.yaml");
        Workflow without = parse("name: x\n" + TASKS).withNotifyDefaults(defaults);
        assertEquals("bob@example.org", without.notifications().rules().get(0).email());
        assertEquals(25, without.notifications().smtp().port(), "25 without STARTTLS, 587 with");
        Workflow own = parse("name: x\nnotify: [{ on: [failed], webhook: 'http://127.0.0.1:9/h' }]\n" + TASKS)
                .withNotifyDefaults(defaults);
        assertEquals(1, own.notifications().rules().size());
        assertEquals("http://127.0.0.1:9/h", own.notifications().rules().get(0).webhook(), "the workflow's own win");
        assertEquals("mail.example.org", own.notifications().smtp().host(), "the config's SMTP server fills in");
    }

    @Test
    void theUsersConfigIsCheckedLikeAWorkflow() {
        WorkflowException e = assertThrows(WorkflowException.class, () -> UserConfig.parse("""
                notify:
                  - on: [ended]
                    email: bob@example.org
                smpt: { host: h }
                """, "config.yaml"));
        Problem p = e.problems().get(0);
        assertEquals("config.yaml", p.file());
        assertEquals(4, p.line());
        assertEquals("smpt", p.key());
        assertTrue(p.message().contains("did you mean smtp"), p.message());
    }
}
