package dev.hwf.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ~} and the default journal follow {@code $HOME}, as in a shell: a user (or cron, or
 * sudo -H) who runs hwf with another HOME finds the journal and the work directory there, not in
 * the home directory the password database names.
 */
class HomeIT {
    @TempDir
    Path scratch;

    @Test
    void theDefaultJournalAndTildeFollowHome() throws Exception {
        Path home = Files.createDirectories(scratch.resolve("other home"));
        Hwf hwf = new Hwf(scratch, "0.2");
        hwf.env.put("HOME", home.toString());
        hwf.env.put("HWF_JOURNAL", ""); // unset: the default journal, ~/.hwf/journal.db
        Path wf = hwf.workflow("home.yaml", """
                name: home
                site: { workdir: "~/runs" }
                tasks:
                  - name: t
                    command: pwd > ../where.txt
                """);
        Hwf.Result r = hwf.run("submit", wf.toString());
        assertEquals(0, r.code(), r.all());
        String run = Hwf.runId(r);
        assertTrue(Files.isRegularFile(home.resolve(".hwf/journal.db")), "the journal is under $HOME/.hwf");
        assertEquals(home.resolve("runs").resolve(run).resolve("t").toString(),
                Files.readString(home.resolve("runs").resolve(run).resolve("where.txt")).strip(),
                "~/runs is under $HOME");
        Hwf.Result runs = hwf.run("runs");
        assertTrue(runs.out().contains(run), "hwf runs reads the same default journal: " + runs.all());
    }
}
