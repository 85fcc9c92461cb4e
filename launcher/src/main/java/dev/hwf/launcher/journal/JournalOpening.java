package dev.hwf.launcher.journal;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.hwf.launcher.ExitCodes;
import dev.hwf.launcher.HwfException;
import dev.hwf.launcher.exec.Exposure;
import dev.hwf.launcher.exec.FileModes;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteDataSource;

/**
 * How a journal file is opened: for writing (created when absent, in the storage mode its file
 * system calls for, upgraded to this build's schema), for reading, or as it is.
 */
final class JournalOpening {
    /** How long a writer tries to switch a WAL journal to rollback mode while other processes read it. */
    private static final Duration SWITCH_WAIT = Duration.ofSeconds(5);

    private JournalOpening() {
    }

    /**
     * Opens (creating when absent) the journal at {@code file}, in the journal mode its file system
     * calls for, or the one {@code modeSetting} names ({@link JournalStorage}), and upgrades its schema.
     */
    static Journal open(Path file, String modeSetting) {
        SqliteNative.useKeptCopy();
        Path abs = file.toAbsolutePath().normalize();
        try {
            Path parent = abs.getParent();
            if (parent != null) {
                FileModes.mkdirs(parent, FileModes.PRIVATE.dir());
            }
            if (!Files.exists(abs)) {
                // its owner's alone from the first byte: SQLite gives its -wal and -shm files the same mode
                FileModes.createFile(abs, FileModes.PRIVATE.file());
            } else {
                Exposure.journal(abs.toString(), FileModes.of(abs));
            }
        } catch (FileAlreadyExistsException e) {
            // made by another hwf meanwhile
        } catch (IOException e) {
            throw new HwfException(ExitCodes.BAD_INPUT, "cannot create the journal's directory for " + abs + ": "
                    + e.getMessage() + ". Point --journal or HWF_JOURNAL at a writable place.");
        }
        JournalStorage storage = JournalStorage.of(abs, modeSetting);
        storage.checkLocks(abs);
        SQLiteConfig config = new SQLiteConfig();
        if (storage.mode() == JournalStorage.Mode.WAL) {
            config.setJournalMode(SQLiteConfig.JournalMode.WAL);
            config.setSynchronous(SQLiteConfig.SynchronousMode.NORMAL);
            // a page cache of 512 KiB, not SQLite's 2 MiB: a followed run re-reads its run every pass, and the
            // file's pages are in the system's cache anyway; a large write spills into the WAL, as it may
            config.setCacheSize(-512);
        } else {
            // a rollback journal, synced at each commit as SQLite advises for it; a cache large enough that
            // even a large run's creation stays in memory until it commits: a transaction that spills
            // pages into the file takes the exclusive lock early and keeps readers out until it ends
            config.setJournalMode(SQLiteConfig.JournalMode.DELETE);
            config.setSynchronous(SQLiteConfig.SynchronousMode.FULL);
            config.setCacheSize(-64 * 1024);
        }
        config.setBusyTimeout(30_000);
        config.enforceForeignKeys(true);
        config.setTransactionMode(SQLiteConfig.TransactionMode.IMMEDIATE);
        SQLiteDataSource sqlite = new SQLiteDataSource(config);
        sqlite.setUrl("jdbc:sqlite:" + abs);
        HikariConfig hikari = new HikariConfig();
        hikari.setDataSource(sqlite);
        hikari.setPoolName("hwf-journal");
        hikari.setMaximumPoolSize(4);
        hikari.setMinimumIdle(0);
        hikari.setInitializationFailTimeout(-1);
        HikariDataSource ds = new HikariDataSource(hikari);
        JournalDb db = new JournalDb(abs, ds);
        try {
            probe(db, sqlite, storage);
            SchemaMigration.migrate(db);
        } catch (RuntimeException e) {
            ds.close();
            throw e;
        }
        return new Journal(db, ds::close);
    }

    /**
     * Opens the journal at {@code file} for commands that only read it ({@code status}, {@code runs},
     * {@code report}, {@code logs}): one plain SQLite connection per read, no pool, no schema
     * upgrade, transactions that begin DEFERRED (in WAL mode a reader never waits for a writer, so
     * these commands answer while a submit or poll holds the write lock), and {@code query_only}, so
     * a write through it fails instead of changing anything. A journal that is absent or needs an
     * upgrade is opened as {@link Journal#open} does, which creates or upgrades it.
     */
    static Journal openForReading(Path file) {
        SqliteNative.useKeptCopy();
        Path abs = file.toAbsolutePath().normalize();
        if (!Files.isRegularFile(abs)) {
            return Journal.open(file);
        }
        Exposure.journal(abs.toString(), FileModes.of(abs));
        JournalDb db = new JournalDb(abs, reading(abs));
        int version;
        try {
            version = db.inTransaction(SchemaMigration::schemaVersion);
        } catch (HwfException e) {
            return Journal.open(file); // not a journal, or not readable: the ordinary open says what is wrong
        }
        if (version > Journal.SCHEMA_VERSION) {
            throw SchemaMigration.tooNew(abs, version);
        }
        return version < Journal.SCHEMA_VERSION ? Journal.open(file) : new Journal(db, () -> { });
    }

    /**
     * Opens the journal at {@code file} as it is, for {@code hwf journal check} and {@code backup}: read
     * only, as {@link #openForReading} does, but never created nor upgraded, whatever its version.
     */
    static Journal openAsItIs(Path file) {
        SqliteNative.useKeptCopy();
        Path abs = file.toAbsolutePath().normalize();
        if (!Files.isRegularFile(abs)) {
            throw new HwfException(ExitCodes.BAD_INPUT, "no journal at " + abs + "; name the journal with --journal "
                    + "PATH or HWF_JOURNAL");
        }
        return new Journal(new JournalDb(abs, reading(abs)), () -> { });
    }

    /**
     * Plain SQLite connections for reading: no pool, transactions that begin DEFERRED, and
     * {@code query_only}, so a write through one fails instead of changing anything.
     */
    static SQLiteDataSource reading(Path abs) {
        SQLiteConfig config = new SQLiteConfig();
        config.setBusyTimeout(30_000);
        config.setTransactionMode(SQLiteConfig.TransactionMode.DEFERRED);
        SQLiteDataSource sqlite = new SQLiteDataSource(config) {
            @Override
            public Connection getConnection() throws SQLException {
                Connection c = super.getConnection();
                try (Statement s = c.createStatement()) {
                    s.execute("PRAGMA query_only = 1");
                } catch (SQLException e) {
                    c.close();
                    throw e;
                }
                return c;
            }
        };
        sqlite.setUrl("jdbc:sqlite:" + abs);
        return sqlite;
    }

    /**
     * Opens one connection straight from SQLite, outside the pool: the pool would retry a file
     * that is not a database for its whole connection timeout (30 s) and then report only
     * "connection is not available", while SQLite says at once what is wrong with the file.
     */
    private static void probe(JournalDb db, SQLiteDataSource sqlite, JournalStorage storage) {
        long deadline = System.nanoTime() + SWITCH_WAIT.toNanos();
        while (true) {
            String mode = "wal";
            try (Connection c = sqlite.getConnection(); Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("PRAGMA journal_mode")) {
                // opening applied the pragmas, which read the file's header and set the journal mode
                mode = rs.next() ? rs.getString(1) : "";
                if (storage.mode().pragma().equalsIgnoreCase(mode)) {
                    return;
                }
            } catch (SQLException e) {
                // SQLite leaves WAL only when no other connection is reading or writing the file, and says busy
                boolean busy = String.valueOf(e.getMessage()).contains("SQLITE_BUSY");
                if (!busy || storage.mode() != JournalStorage.Mode.ROLLBACK) {
                    throw db.translate(e);
                }
            }
            if (System.nanoTime() > deadline) {
                throw new HwfException(ExitCodes.BAD_INPUT, "journal " + db.file() + " is in " + mode + " mode and hwf "
                        + "uses " + storage.mode().label() + " mode for it on " + storage.fileSystem()
                        + (storage.forced() ? " (HWF_JOURNAL_MODE)" : "") + ", but another process has it open, so it "
                        + "could not be switched. Run this again when the other hwf commands of this journal (cron's "
                        + "'hwf poll' too) have ended");
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new HwfException(ExitCodes.BAD_INPUT, "interrupted while opening journal " + db.file());
            }
        }
    }
}
