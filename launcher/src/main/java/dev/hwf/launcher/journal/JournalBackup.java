package dev.hwf.launcher.journal;

import dev.hwf.launcher.ExitCodes;
import dev.hwf.launcher.HwfException;
import dev.hwf.launcher.exec.FileModes;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.sqlite.SQLiteConnection;

/** Copies of a journal as of one commit: {@code hwf journal backup}'s, and the one kept before an upgrade. */
final class JournalBackup {
    private JournalBackup() {
    }

    /**
     * Copies the journal, as of one commit, into {@code target}, a new file that is its owner's alone
     * from its first byte: SQLite's online backup inside one read transaction of {@code source}, so
     * other processes may go on writing meanwhile. A copy that fails is removed.
     */
    static void backup(Connection source, Path target) throws SQLException, IOException {
        FileModes.createFile(target, FileModes.PRIVATE.file());
        boolean done = false;
        try {
            source.setAutoCommit(false);
            try (Statement s = source.createStatement(); ResultSet rs = s.executeQuery(
                    "SELECT count(*) FROM sqlite_master")) {
                rs.next(); // the read transaction starts here: what the copy holds is fixed from now on
            }
            int rc = ((SQLiteConnection) source).getDatabase().backup("main", target.toString(), null, 100, 300, -1);
            if (rc != 0) {
                throw new SQLException("SQLite's backup ended with result code " + rc);
            }
            source.commit();
            done = true;
        } finally {
            if (!done) {
                source.rollback();
                Files.deleteIfExists(target);
                Files.deleteIfExists(target.resolveSibling(target.getFileName() + "-journal"));
            }
        }
    }

    /** {@link #backup(Connection, Path)} of a journal, through a connection of its own that only reads. */
    static void backupTo(JournalDb db, Path target) {
        try (Connection c = JournalOpening.reading(db.file()).getConnection()) {
            backup(c, target);
        } catch (SQLException e) {
            throw db.translate(e);
        } catch (FileAlreadyExistsException e) {
            throw new HwfException(ExitCodes.TASK_FAILED, target + " exists already; hwf does not write over a file: "
                    + "name a new one, or remove that one first");
        } catch (IOException e) {
            throw new HwfException(ExitCodes.TASK_FAILED, "cannot write the copy of journal " + db.file() + " to "
                    + target + ": " + e.getMessage() + ". Choose a writable place with room for it");
        }
    }
}
