package dev.hwf.launcher.cli;

import dev.hwf.launcher.ExitCodes;
import dev.hwf.launcher.HwfException;
import dev.hwf.launcher.exec.FileModes;
import dev.hwf.launcher.journal.Journal;
import dev.hwf.launcher.journal.JournalCheck;
import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code hwf journal check} and {@code hwf journal backup FILE}: looking after the journal itself. */
@Command(name = "journal", mixinStandardHelpOptions = true,
        description = "Check the journal, or copy it safely while hwf runs.",
        subcommands = {JournalCommand.Check.class, JournalCommand.Backup.class},
        footer = {"", "Examples:", "  hwf journal check", "  hwf journal check --json",
                "  hwf journal backup ~/hwf-journal-$(date +%F).db"})
final class JournalCommand implements Runnable {
    @ParentCommand
    HwfCommand hwf;

    @Override
    public void run() {
        throw new picocli.CommandLine.ParameterException(new picocli.CommandLine(this),
                "a subcommand is needed: check or backup ('hwf journal --help' says what each does)");
    }

    @Command(name = "check", mixinStandardHelpOptions = true,
            description = {"Check that the journal is sound: SQLite's integrity and foreign key checks, the schema "
                    + "version, the per-task counts against the elements, the modes of its files, and the file "
                    + "system and journal mode in use.",
                    "Exit 0 when sound, 1 when not (each failed check says what is wrong). It only reads: other hwf "
                    + "commands may run meanwhile."},
            footer = {"", "Examples:", "  hwf journal check", "  hwf --journal /var/tmp/hwf/journal.db journal check --json"})
    static final class Check implements Callable<Integer> {
        @ParentCommand
        JournalCommand parent;

        @Option(names = "--json", description = "Print one JSON object: journal, sound, fileSystem, network, mode, "
                + "sqliteJournalMode, schemaVersion, checks [{name, ok, detail}], problems.")
        boolean json;

        @Override
        public Integer call() {
            HwfCommand hwf = parent.hwf;
            try (Journal journal = Journal.openAsItIs(hwf.journalPath())) {
                JournalCheck check = JournalCheck.of(journal);
                hwf.out.print(json ? StatusView.json(check.json()) + "\n" : check.text());
                return check.sound() ? ExitCodes.OK : ExitCodes.TASK_FAILED;
            }
        }
    }

    @Command(name = "backup", mixinStandardHelpOptions = true,
            description = {"Copy the journal to FILE with SQLite's online backup: a consistent copy as of one "
                    + "commit, even while other hwf commands write, readable by you alone (mode 0600).",
                    "FILE must not exist yet. Exit 0 when copied, 1 when the copy failed, 2 for a bad FILE."},
            footer = {"", "Examples:", "  hwf journal backup ~/hwf-journal-$(date +%F).db",
                    "  hwf --journal backup.db journal check     # check a copy"})
    static final class Backup implements Callable<Integer> {
        @ParentCommand
        JournalCommand parent;

        @Parameters(index = "0", paramLabel = "FILE", description = "Where the copy goes (a new file).")
        Path target;

        @Override
        public Integer call() {
            HwfCommand hwf = parent.hwf;
            Path abs = target.toAbsolutePath().normalize();
            try {
                FileModes.mkdirs(abs.getParent(), FileModes.PRIVATE.dir());
            } catch (IOException e) {
                throw new HwfException(ExitCodes.BAD_INPUT, "cannot make the directory for " + abs + ": "
                        + e.getMessage());
            }
            try (Journal journal = Journal.openAsItIs(hwf.journalPath())) {
                journal.backupTo(abs);
            }
            try (Journal copy = Journal.openAsItIs(abs)) {
                JournalCheck check = JournalCheck.of(copy);
                if (!check.checks().get(0).ok()) {
                    throw new HwfException(ExitCodes.TASK_FAILED, "the copy " + abs + " fails SQLite's integrity check ("
                            + check.checks().get(0).detail() + "); run 'hwf journal check' on the journal itself");
                }
            }
            hwf.hint("copied journal " + hwf.journalPath().toAbsolutePath().normalize() + " to " + abs);
            return ExitCodes.OK;
        }
    }
}
