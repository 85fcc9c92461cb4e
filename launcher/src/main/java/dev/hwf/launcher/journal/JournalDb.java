package dev.hwf.launcher.journal;

import dev.hwf.launcher.ExitCodes;
import dev.hwf.launcher.HwfException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import javax.sql.DataSource;

/**
 * What the journal's parts share: its file, its connections, and the transaction every read and
 * write runs in, with SQLite's errors said in terms of the journal.
 */
final class JournalDb {
    private final Path file;
    private final DataSource dataSource;

    JournalDb(Path file, DataSource dataSource) {
        this.file = file;
        this.dataSource = dataSource;
    }

    Path file() {
        return file;
    }

    DataSource dataSource() {
        return dataSource;
    }

    /** Runs {@code work} in one transaction (IMMEDIATE on a writing journal); commits, or rolls back on any exception. */
    <T> T inTransaction(Journal.Work<T> work) {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try {
                T result = work.run(c);
                c.commit();
                return result;
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        } catch (SQLException e) {
            throw translate(e);
        }
    }

    /** An SQLite error as what it means for this journal and what to do about it. */
    HwfException translate(SQLException e) {
        String msg = String.valueOf(e.getMessage());
        if (msg.contains("SQLITE_BUSY") || msg.contains("database is locked")) {
            return new HwfException(ExitCodes.BAD_INPUT, "journal " + file + " stayed locked by another process for "
                    + "30 s; try again when it has finished", e);
        }
        if (msg.contains("SQLITE_READONLY") || msg.contains("readonly")) {
            return new HwfException(ExitCodes.BAD_INPUT, "journal " + file + " is read-only; hwf needs to write it. "
                    + "Fix its permissions or use --journal", e);
        }
        if (msg.contains("SQLITE_NOTADB") || msg.contains("SQLITE_CORRUPT") || msg.contains("malformed")) {
            return new HwfException(ExitCodes.BAD_INPUT, "journal " + file + " is not a valid hwf journal ("
                    + msg + "); move it aside and use a fresh one with --journal", e);
        }
        return new HwfException(ExitCodes.BAD_INPUT, "journal " + file + ": " + msg, e);
    }

    /** The error for a run id this journal does not hold, with the hint that lists them. */
    HwfException noRun(String runId) {
        return new HwfException(ExitCodes.BAD_INPUT, "no run '" + runId + "' in journal " + file
                + "; 'hwf runs' lists the runs it holds");
    }
}
