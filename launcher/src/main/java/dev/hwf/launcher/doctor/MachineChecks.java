package dev.hwf.launcher.doctor;

import dev.hwf.launcher.HwfException;
import dev.hwf.launcher.journal.Journal;
import dev.hwf.launcher.journal.JournalCheck;
import dev.hwf.launcher.journal.JournalStorage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;

/** The checks of this machine, whatever the sites: the journal and the Java that runs hwf. */
public final class MachineChecks {
    private MachineChecks() {
    }

    /** The journal's and Java's checks. */
    public static List<Check> of(Path journal) {
        return List.of(journal(journal), java());
    }

    /**
     * An existing journal: {@code hwf journal check}'s verdict in one line (file system, mode, file
     * modes). A journal not yet made: where it will be, and the mode hwf will use on that file system.
     */
    static Check journal(Path file) {
        try {
            if (!Files.exists(file)) {
                JournalStorage s = JournalStorage.of(file);
                return Check.ok("journal", file + " not made yet: the first hwf command that writes makes it (0600) "
                        + "on " + fileSystem(s) + ", in " + s.mode().label() + " mode" + (s.forced() ? " (HWF_JOURNAL_MODE)"
                        : ""));
            }
            try (Journal j = Journal.openAsItIs(file)) {
                JournalCheck c = JournalCheck.of(j);
                String modes = c.checks().stream().filter(i -> i.name().equals("fileModes")).map(JournalCheck.Item::detail)
                        .findFirst().orElse("");
                String detail = file + " on " + fileSystem(c.storage()) + ", " + c.modeLabel() + " mode, schema "
                        + c.schemaVersion() + ", " + modes;
                if (c.sound()) {
                    return Check.ok("journal", detail);
                }
                return Check.fail("journal", detail + "; " + c.checks().stream().filter(i -> !i.ok())
                        .map(i -> i.name() + ": " + i.detail()).collect(Collectors.joining("; ")),
                        "'hwf journal check' says more; keep a copy ('hwf journal backup FILE') before mending it");
            }
        } catch (HwfException e) {
            return Check.fail("journal", file + ": " + e.getMessage(), "fix what the message says, or name another "
                    + "journal with --journal PATH or HWF_JOURNAL");
        }
    }

    private static String fileSystem(JournalStorage s) {
        return s.fileSystem() + (s.network() ? " (network)" : " (local)");
    }

    /** The JVM that runs hwf: its version, vendor and home. */
    static Check java() {
        Runtime.Version v = Runtime.version();
        String detail = "Java " + v + " (" + System.getProperty("java.vendor") + ") at " + System.getProperty("java.home");
        return v.feature() >= 17 ? Check.ok("java", detail)
                : Check.fail("java", detail, "hwf needs Java 17 or newer: set HWF_JAVA or JAVA_HOME to one");
    }
}
