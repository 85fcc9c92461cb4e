package dev.hwf.launcher.journal;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.hwf.api.JobState;
import dev.hwf.launcher.ExitCodes;
import dev.hwf.launcher.HwfException;
import dev.hwf.launcher.exec.Exposure;
import dev.hwf.launcher.exec.FileModes;
import dev.hwf.launcher.workflow.Task;
import dev.hwf.launcher.workflow.Workflow;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import javax.sql.DataSource;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteDataSource;

/**
 * The SQLite journal: the only state hwf keeps. One file holds hwf's tables (runs, tasks,
 * attempts, elements, events) and Spring Batch's JobRepository tables.
 *
 * <p>Every change is a short transaction that begins IMMEDIATE (it takes the write lock up front),
 * so two hwf processes on the same file queue behind each other instead of failing half-way, and
 * state transitions are compare-and-set updates: a change applies only if the row is still in the
 * state the writer read, which is what keeps two processes from submitting the same work twice.
 */
public final class Journal implements AutoCloseable {
    /** The schema version this build writes. A journal with a higher one is refused. */
    public static final int SCHEMA_VERSION = 6;

    /** How long a writer tries to switch a WAL journal to rollback mode while other processes read it. */
    private static final java.time.Duration SWITCH_WAIT = java.time.Duration.ofSeconds(5);
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final DateTimeFormatter RUN_STAMP =
            DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC);

    private final Path file;
    private final DataSource dataSource;
    private final Runnable closer;

    private Journal(Path file, DataSource dataSource, Runnable closer) {
        this.file = file;
        this.dataSource = dataSource;
        this.closer = closer;
    }

    /**
     * Opens (creating when absent) the journal at {@code file}, in the journal mode its file system
     * calls for, or the one {@code HWF_JOURNAL_MODE} names ({@link JournalStorage}).
     */
    public static Journal open(Path file) {
        return open(file, System.getenv("HWF_JOURNAL_MODE"));
    }

    /** {@link #open(Path)} with {@code modeSetting} in place of {@code HWF_JOURNAL_MODE}. */
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
        } catch (java.nio.file.FileAlreadyExistsException e) {
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
        Journal journal = new Journal(abs, ds, ds::close);
        try {
            journal.probe(sqlite, storage);
            journal.migrate();
        } catch (RuntimeException e) {
            ds.close();
            throw e;
        }
        return journal;
    }

    /**
     * Opens the journal at {@code file} for commands that only read it ({@code status}, {@code runs},
     * {@code report}, {@code logs}): one plain SQLite connection per read, no pool, no schema
     * upgrade, transactions that begin DEFERRED (in WAL mode a reader never waits for a writer, so
     * these commands answer while a submit or poll holds the write lock), and {@code query_only}, so
     * a write through it fails instead of changing anything. A journal that is absent or needs an
     * upgrade is opened as {@link #open} does, which creates or upgrades it.
     */
    public static Journal openForReading(Path file) {
        SqliteNative.useKeptCopy();
        Path abs = file.toAbsolutePath().normalize();
        if (!Files.isRegularFile(abs)) {
            return open(file);
        }
        Exposure.journal(abs.toString(), FileModes.of(abs));
        Journal journal = new Journal(abs, reading(abs), () -> { });
        int version;
        try {
            version = journal.inTransaction(Journal::schemaVersion);
        } catch (HwfException e) {
            return open(file); // not a journal, or not readable: the ordinary open says what is wrong
        }
        if (version > SCHEMA_VERSION) {
            throw journal.tooNew(version);
        }
        return version < SCHEMA_VERSION ? open(file) : journal;
    }

    /**
     * Opens the journal at {@code file} as it is, for {@code hwf journal check} and {@code backup}: read
     * only, as {@link #openForReading} does, but never created nor upgraded, whatever its version.
     */
    public static Journal openAsItIs(Path file) {
        SqliteNative.useKeptCopy();
        Path abs = file.toAbsolutePath().normalize();
        if (!Files.isRegularFile(abs)) {
            throw new HwfException(ExitCodes.BAD_INPUT, "no journal at " + abs + "; name the journal with --journal "
                    + "PATH or HWF_JOURNAL");
        }
        return new Journal(abs, reading(abs), () -> { });
    }

    /**
     * Plain SQLite connections for reading: no pool, transactions that begin DEFERRED, and
     * {@code query_only}, so a write through one fails instead of changing anything.
     */
    private static SQLiteDataSource reading(Path abs) {
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

    public Path file() {
        return file;
    }

    public DataSource dataSource() {
        return dataSource;
    }

    @Override
    public void close() {
        closer.run();
    }

    /**
     * Opens one connection straight from SQLite, outside the pool: the pool would retry a file
     * that is not a database for its whole connection timeout (30 s) and then report only
     * "connection is not available", while SQLite says at once what is wrong with the file.
     */
    private void probe(SQLiteDataSource sqlite, JournalStorage storage) {
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
                    throw translate(e);
                }
            }
            if (System.nanoTime() > deadline) {
                throw new HwfException(ExitCodes.BAD_INPUT, "journal " + file + " is in " + mode + " mode and hwf uses "
                        + storage.mode().label() + " mode for it on " + storage.fileSystem() + (storage.forced()
                        ? " (HWF_JOURNAL_MODE)" : "") + ", but another process has it open, so it could not be "
                        + "switched. Run this again when the other hwf commands of this journal (cron's 'hwf poll' "
                        + "too) have ended");
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new HwfException(ExitCodes.BAD_INPUT, "interrupted while opening journal " + file);
            }
        }
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
            int rc = ((org.sqlite.SQLiteConnection) source).getDatabase()
                    .backup("main", target.toString(), null, 100, 300, -1);
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

    /** {@link #backup(Connection, Path)} of this journal, through a connection of its own that only reads. */
    public void backupTo(Path target) {
        try (Connection c = reading(file).getConnection()) {
            backup(c, target);
        } catch (SQLException e) {
            throw translate(e);
        } catch (java.nio.file.FileAlreadyExistsException e) {
            throw new HwfException(ExitCodes.BAD_INPUT, target + " exists already; hwf does not write over a file: "
                    + "name a new one, or remove that one first");
        } catch (IOException e) {
            throw new HwfException(ExitCodes.TASK_FAILED, "cannot write the copy of journal " + file + " to " + target
                    + ": " + e.getMessage() + ". Choose a writable place with room for it");
        }
    }

    /** The right to act on a run, or null when another hwf process is acting on it now. */
    public RunLock tryLockRun(String runId) {
        return RunLock.tryAcquire(file, runId);
    }

    /** The right to act on a run, waiting for another hwf process to finish its pass. */
    public RunLock lockRun(String runId, java.time.Duration timeout) {
        return RunLock.acquire(file, runId, timeout);
    }

    // ---------------------------------------------------------------- schema

    /**
     * An element's earlier tries' running seconds plus those of its latest try, from its start to
     * its end or, when it has none yet, to {@code untilExpr}; SQL over the row's values before the
     * update.
     */
    private static String banked(String untilExpr) {
        return "earlier_seconds + CASE WHEN started_at IS NULL THEN 0 ELSE max(0, (julianday(coalesce(ended_at, "
                + untilExpr + ")) - julianday(started_at)) * 86400.0) END";
    }

    /**
     * The SET clause that keeps the latest try's running time before its times are cleared for the
     * next (claim and resume: the rows hold an ended try, or none).
     */
    private static final String BANK_TRY = "earlier_seconds=" + banked("started_at");

    private void migrate() {
        inTransaction(c -> {
            int version = schemaVersion(c);
            if (version > SCHEMA_VERSION) {
                throw tooNew(version);
            }
            if (version < SCHEMA_VERSION) {
                if (version >= 1) {
                    keepBeforeUpgrade(version);
                }
                if (version < 1) {
                    runScript(c, "/journal/schema-1.sql");
                    if (!tableExists(c, "BATCH_JOB_INSTANCE")) {
                        runScript(c, "/org/springframework/batch/core/schema-sqlite.sql");
                    }
                }
                if (version < 2) {
                    runScript(c, "/journal/schema-2.sql"); // a version 1 journal is upgraded in place
                }
                if (version < 3) {
                    runScript(c, "/journal/schema-3.sql");
                }
                if (version < 4) {
                    runScript(c, "/journal/schema-4.sql");
                }
                if (version < 5) {
                    runScript(c, "/journal/schema-5.sql");
                }
                if (version < 6) {
                    runScript(c, "/journal/schema-6.sql");
                }
                try (Statement s = c.createStatement()) {
                    s.executeUpdate("CREATE TABLE IF NOT EXISTS hwf_schema (version INTEGER NOT NULL)");
                    s.executeUpdate("DELETE FROM hwf_schema");
                    s.executeUpdate("INSERT INTO hwf_schema(version) VALUES (" + SCHEMA_VERSION + ")");
                }
            }
            return null;
        });
    }

    /**
     * Keeps the journal as it is before it is upgraded from {@code version}, as {@code FILE.vN.bak} beside
     * it. Called inside the upgrade's transaction, which holds the write lock, so the copy is the last
     * state of the old version; one kept by an upgrade that did not finish is kept as it is.
     */
    private void keepBeforeUpgrade(int version) {
        Path bak = file.resolveSibling(file.getFileName() + ".v" + version + ".bak");
        if (Files.exists(bak)) {
            return;
        }
        try (Connection c = reading(file).getConnection()) {
            backup(c, bak);
        } catch (SQLException | IOException e) {
            throw new HwfException(ExitCodes.BAD_INPUT, "journal " + file + " has schema version " + version
                    + " and is to be upgraded to " + SCHEMA_VERSION + ", but a copy of it could not be kept as " + bak
                    + " first (" + e.getMessage() + "); nothing was changed. Make room or fix the directory's "
                    + "permissions, then run hwf again");
        }
    }

    private HwfException tooNew(int version) {
        return new HwfException(ExitCodes.BAD_INPUT, "journal " + file + " has schema version " + version
                + ", newer than this hwf understands (" + SCHEMA_VERSION + "). Use a newer hwf, or another journal "
                + "with --journal.");
    }

    private static int schemaVersion(Connection c) throws SQLException {
        if (!tableExists(c, "hwf_schema")) {
            return 0;
        }
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT max(version) FROM hwf_schema")) {
            return rs.next() ? rs.getInt(1) : 0;
        }
    }

    private static boolean tableExists(Connection c, String table) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT 1 FROM sqlite_master WHERE type='table' AND name=?")) {
            ps.setString(1, table);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    private static void runScript(Connection c, String resource) throws SQLException {
        String sql;
        try (InputStream in = Journal.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + resource);
            }
            sql = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + resource, e);
        }
        try (Statement s = c.createStatement()) {
            for (String stmt : sql.split(";\\s*(\\n|$)")) {
                String body = stmt.lines().filter(l -> !l.strip().startsWith("--"))
                        .reduce("", (a, b) -> a + "\n" + b).strip();
                if (!body.isEmpty()) {
                    s.executeUpdate(body);
                }
            }
        }
    }

    // ---------------------------------------------------------------- transactions

    /** A unit of work on one connection. */
    @FunctionalInterface
    public interface Work<T> {
        T run(Connection c) throws SQLException;
    }

    /** Runs {@code work} in one IMMEDIATE transaction; commits, or rolls back on any exception. */
    public <T> T inTransaction(Work<T> work) {
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

    private HwfException translate(SQLException e) {
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

    // ---------------------------------------------------------------- runs

    /** A run id: the workflow name, the UTC time, and 4 random hex digits. */
    public static String newRunId(String workflow, Instant now) {
        byte[] b = new byte[2];
        RANDOM.nextBytes(b);
        return workflow + "-" + RUN_STAMP.format(now) + "-" + HexFormat.of().formatHex(b);
    }

    /**
     * Records a new run with every task and element WAITING, in one transaction.
     *
     * @return the run id
     */
    public String createRun(Workflow wf, String specJson, String workdir, Instant now) {
        return createRun(wf, specJson, workdir, now, null, List.of(), Map.of(), null);
    }

    /**
     * Records a new run as above, with its workflow's version 1 (the file's {@code text} and the
     * {@code sets} applied to it, each task's definition hash) and, for {@code hwf submit --reuse},
     * the tasks recorded SUCCEEDED at once from run {@code reuseFrom}: their elements, attempts and
     * job ids as that run has them.
     */
    public String createRun(Workflow wf, String specJson, String workdir, Instant now, String text,
                            List<String> sets, Map<String, String> definitions, Reuse reuse) {
        return inTransaction(c -> {
            String id = unusedRunId(c, wf.name(), now);
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO hwf_run(id, workflow, scheduler, state, "
                    + "source, spec, workdir, submitted_at) VALUES (?,?,?,?,?,?,?,?)")) {
                ps.setString(1, id);
                ps.setString(2, wf.name());
                ps.setString(3, wf.scheduler());
                ps.setString(4, "RUNNING");
                ps.setString(5, wf.source());
                ps.setString(6, specJson);
                ps.setString(7, workdir);
                ps.setString(8, now.toString());
                ps.executeUpdate();
            }
            try (PreparedStatement task = c.prepareStatement("INSERT INTO hwf_task(run_id, name, position, state, "
                    + "array_size) VALUES (?,?,?,?,?)");
                 PreparedStatement count = c.prepareStatement("INSERT INTO hwf_count(run_id, task, state, reason, n, "
                         + "seconds) VALUES (?,?,?,'',?,0)")) {
                int pos = 0;
                for (Task t : wf.tasks()) {
                    task.setString(1, id);
                    task.setString(2, t.name());
                    task.setInt(3, pos++);
                    task.setString(4, JobState.WAITING.name());
                    task.setInt(5, t.array());
                    task.addBatch();
                    // the elements' counts are written here, once: hwf_count's triggers follow updates, not
                    // these inserts (a trigger per inserted row would cost a large run's submit a third more)
                    count.setString(1, id);
                    count.setString(2, t.name());
                    count.setString(3, JobState.WAITING.name());
                    count.setInt(4, t.elementCount());
                    count.addBatch();
                }
                task.executeBatch();
                count.executeBatch();
            }
            try (PreparedStatement el = c.prepareStatement("INSERT INTO hwf_element(run_id, task, idx, state) "
                    + "VALUES (?,?,?,?)")) {
                int batched = 0;
                for (Task t : wf.tasks()) {
                    for (int i = 0; i < t.elementCount(); i++) {
                        el.setString(1, id);
                        el.setString(2, t.name());
                        el.setInt(3, i);
                        el.setString(4, JobState.WAITING.name());
                        el.addBatch();
                        if (++batched % 10_000 == 0) { // a batch holds its rows in memory until it runs
                            el.executeBatch();
                        }
                    }
                }
                el.executeBatch();
            }
            insertVersion(c, id, new WorkflowVersion(1, wf.source(), text, sets, specJson, definitions, "submit", now));
            event(c, id, null, null, null, now, "RUNNING", "submitted", null);
            if (reuse != null && !reuse.tasks().isEmpty()) {
                reuse(c, id, reuse, now);
            }
            return id;
        });
    }

    /** Tasks of a new run that are recorded SUCCEEDED at once, as run {@code from} has them. */
    public record Reuse(String from, java.util.Set<String> tasks) {
        public Reuse {
            tasks = java.util.Set.copyOf(tasks);
        }
    }

    private void reuse(Connection c, String runId, Reuse reuse, Instant now) throws SQLException {
        for (String task : reuse.tasks()) {
            try (PreparedStatement el = c.prepareStatement("UPDATE hwf_element SET state=o.state, attempt=o.attempt, "
                    + "tries=o.tries, job_id=o.job_id, exit_code=o.exit_code, reason=?, started_at=o.started_at, "
                    + "ended_at=o.ended_at, earlier_seconds=o.earlier_seconds FROM (SELECT * FROM hwf_element WHERE "
                    + "run_id=? AND task=? AND state='SUCCEEDED') AS o WHERE hwf_element.run_id=? "
                    + "AND hwf_element.task=? AND hwf_element.idx=o.idx");
                 PreparedStatement att = c.prepareStatement("INSERT INTO hwf_attempt(run_id, task, attempt, job_name, "
                         + "job_id, indices, submitted_at, endpoint, ready_at, index_offset, ran_on, version) SELECT ?, "
                         + "task, attempt, job_name, job_id, indices, submitted_at, endpoint, ready_at, index_offset, "
                         + "ran_on, version FROM hwf_attempt WHERE run_id=? AND task=?");
                 PreparedStatement mark = c.prepareStatement("UPDATE hwf_task SET reused_from=?, attempt=o.attempt, "
                         + "job_id=o.job_id, submitted_at=o.submitted_at FROM (SELECT * FROM hwf_task WHERE run_id=? "
                         + "AND name=?) AS o WHERE hwf_task.run_id=? AND hwf_task.name=o.name")) {
                el.setString(1, "reused from " + reuse.from());
                el.setString(2, reuse.from());
                el.setString(3, task);
                el.setString(4, runId);
                el.setString(5, task);
                el.executeUpdate();
                att.setString(1, runId);
                att.setString(2, reuse.from());
                att.setString(3, task);
                att.executeUpdate();
                mark.setString(1, reuse.from());
                mark.setString(2, reuse.from());
                mark.setString(3, task);
                mark.setString(4, runId);
                mark.executeUpdate();
            }
            event(c, runId, task, null, null, now, "REUSED", "SUCCEEDED in run " + reuse.from()
                    + ", definition unchanged", null);
        }
        refreshDerived(c, runId, reuse.tasks(), now);
    }

    private static final com.fasterxml.jackson.databind.ObjectMapper VERSION_JSON =
            new com.fasterxml.jackson.databind.ObjectMapper();

    private static void insertVersion(Connection c, String runId, WorkflowVersion v) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO hwf_version(run_id, version, source, text, sets, "
                + "spec, definitions, note, created_at) VALUES (?,?,?,?,?,?,?,?,?)")) {
            ps.setString(1, runId);
            ps.setInt(2, v.version());
            ps.setString(3, v.source());
            ps.setString(4, v.text());
            ps.setString(5, VERSION_JSON.writeValueAsString(v.sets()));
            ps.setString(6, v.spec());
            ps.setString(7, v.definitions().isEmpty() ? null : VERSION_JSON.writeValueAsString(
                    new java.util.TreeMap<>(v.definitions())));
            ps.setString(8, v.note());
            ps.setString(9, v.createdAt().toString());
            ps.executeUpdate();
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Every version of a run's workflow, oldest first. */
    public List<WorkflowVersion> versions(String runId) {
        return inTransaction(c -> {
            List<WorkflowVersion> out = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT * FROM hwf_version WHERE run_id=? ORDER BY version")) {
                ps.setString(1, runId);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        String defs = rs.getString("definitions");
                        out.add(new WorkflowVersion(rs.getInt("version"), rs.getString("source"),
                                rs.getString("text"), List.of(VERSION_JSON.readValue(rs.getString("sets"),
                                String[].class)), rs.getString("spec"), defs == null ? Map.of()
                                : VERSION_JSON.readValue(defs, new com.fasterxml.jackson.core.type.TypeReference<
                                        java.util.TreeMap<String, String>>() { }), rs.getString("note"),
                                instant(rs, "created_at")));
                    }
                }
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                throw new HwfException(ExitCodes.BAD_INPUT, "journal " + file + ": a workflow version of run " + runId
                        + " cannot be read: " + e.getOriginalMessage(), e);
            }
            return out;
        });
    }

    /**
     * What {@code hwf resume --file/--set} changes in a run, decided beforehand from its tasks.
     *
     * @param order      the tasks of the new version, in its order
     * @param arraySizes each task's array size in the new version (0 for a plain task)
     * @param drop       tasks of the run the new version leaves out; each must never have been submitted
     * @param add        tasks the new version adds
     * @param rerun      tasks whose every element runs again, with why ("definition changed", ...);
     *                   none may have an element queued or running
     */
    public record Revision(List<String> order, Map<String, Integer> arraySizes, java.util.Set<String> drop,
                           java.util.Set<String> add, Map<String, String> rerun) {
        public Revision {
            order = List.copyOf(order);
            arraySizes = Map.copyOf(arraySizes);
            drop = java.util.Set.copyOf(drop);
            add = java.util.Set.copyOf(add);
            rerun = Map.copyOf(rerun);
        }
    }

    /**
     * Switches a run to its next workflow version, in one transaction: the version is recorded and
     * made the run's, tasks are dropped and added, the tasks to rerun have every element WAITING
     * again (an array resized to its new size), and then what failed, was cancelled or never ran is
     * resumed as {@link #resume} does. Killed at any instant, the run is either as it was or wholly
     * on the new version.
     *
     * @param expected the version the caller planned from: another switch since is refused
     * @return how many elements will run
     */
    public int switchVersion(String runId, int expected, WorkflowVersion next, Revision revision,
                             Map<String, List<String>> serviceDependants, Instant now) {
        return inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("UPDATE hwf_run SET version=?, spec=?, source=? "
                    + "WHERE id=? AND version=?")) {
                ps.setInt(1, next.version());
                ps.setString(2, next.spec());
                ps.setString(3, next.source());
                ps.setString(4, runId);
                ps.setInt(5, expected);
                if (ps.executeUpdate() != 1) {
                    throw new HwfException(ExitCodes.BAD_INPUT, "run " + runId + " changed while this resume planned"
                            + " (another resume?); run the command again");
                }
            }
            insertVersion(c, runId, next);
            for (String task : revision.drop()) {
                dropTask(c, runId, task);
            }
            for (String task : revision.add()) {
                try (PreparedStatement ps = c.prepareStatement("INSERT INTO hwf_task(run_id, name, position, state, "
                        + "array_size) VALUES (?,?,0,'WAITING',0)")) {
                    ps.setString(1, runId);
                    ps.setString(2, task);
                    ps.executeUpdate();
                }
                resize(c, runId, task, 0, revision.arraySizes().get(task), "added in version " + next.version());
            }
            int n = 0;
            for (Map.Entry<String, String> r : revision.rerun().entrySet()) {
                n += rerun(c, runId, r.getKey(), revision.arraySizes().get(r.getKey()), r.getValue());
            }
            try (PreparedStatement ps = c.prepareStatement("UPDATE hwf_task SET position=? WHERE run_id=? AND name=?")) {
                int pos = 0;
                for (String task : revision.order()) {
                    ps.setInt(1, pos++);
                    ps.setString(2, runId);
                    ps.setString(3, task);
                    ps.addBatch();
                }
                ps.executeBatch();
            }
            event(c, runId, null, null, null, now, "VERSION", "workflow version " + next.version() + " ("
                    + next.note() + ")", null);
            return n + resume(c, runId, serviceDependants, now);
        });
    }

    private static void dropTask(Connection c, String runId, String task) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT max(attempt) FROM hwf_element WHERE run_id=? "
                + "AND task=?")) {
            ps.setString(1, runId);
            ps.setString(2, task);
            try (ResultSet rs = ps.executeQuery()) {
                if (rs.next() && rs.getInt(1) > 0) {
                    throw new HwfException(ExitCodes.BAD_INPUT, "task " + task + " of run " + runId + " was submitted"
                            + " already; a resume cannot remove it: keep it in the workflow");
                }
            }
        }
        for (String sql : List.of("DELETE FROM hwf_element WHERE run_id=? AND task=?",
                "DELETE FROM hwf_count WHERE run_id=? AND task=?", "DELETE FROM hwf_task WHERE run_id=? AND name=?")) {
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                ps.setString(1, runId);
                ps.setString(2, task);
                ps.executeUpdate();
            }
        }
    }

    /** Every element of the task WAITING again with the reason; refused while one is queued or running. */
    private static int rerun(Connection c, String runId, String task, int arraySize, String reason)
            throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM hwf_element WHERE run_id=? AND task=? "
                + "AND state IN " + sqlStates(LIVE))) {
            ps.setString(1, runId);
            ps.setString(2, task);
            try (ResultSet rs = ps.executeQuery()) {
                if (rs.next() && rs.getInt(1) > 0) {
                    throw new HwfException(ExitCodes.BAD_INPUT, "task " + task + " has " + rs.getInt(1) + " element(s)"
                            + " queued or running, which run its old definition; wait for them to end (hwf watch "
                            + runId + ") or cancel the run (hwf cancel " + runId + "), then resume");
                }
            }
        }
        int n;
        try (PreparedStatement ps = c.prepareStatement("UPDATE hwf_element SET state='WAITING', tries=0, reason=?, "
                + "missing_since=NULL, " + BANK_TRY + ", started_at=NULL, ended_at=NULL WHERE run_id=? AND task=? "
                + "AND state<>'WAITING'")) {
            ps.setString(1, "run again: " + reason);
            ps.setString(2, runId);
            ps.setString(3, task);
            n = ps.executeUpdate();
        }
        int before;
        try (PreparedStatement ps = c.prepareStatement("SELECT array_size FROM hwf_task WHERE run_id=? AND name=?")) {
            ps.setString(1, runId);
            ps.setString(2, task);
            try (ResultSet rs = ps.executeQuery()) {
                before = rs.next() ? rs.getInt(1) : 0;
            }
        }
        return n + resize(c, runId, task, before, arraySize, "run again: " + reason);
    }

    /**
     * Gives a task {@code to} elements where it had {@code from} (array sizes; 0 is one element):
     * new ones WAITING with the reason, the ones past the end removed. Returns how many were added.
     */
    private static int resize(Connection c, String runId, String task, int from, int to, String reason)
            throws SQLException {
        int had = from == 0 && hasElement(c, runId, task) ? 1 : from;
        int want = Math.max(1, to);
        try (PreparedStatement ps = c.prepareStatement("UPDATE hwf_task SET array_size=? WHERE run_id=? AND name=?")) {
            ps.setInt(1, to);
            ps.setString(2, runId);
            ps.setString(3, task);
            ps.executeUpdate();
        }
        if (want < had) {
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM hwf_element WHERE run_id=? AND task=? "
                    + "AND idx>=?")) {
                ps.setString(1, runId);
                ps.setString(2, task);
                ps.setInt(3, want);
                ps.executeUpdate();
            }
            return 0;
        }
        if (want == had) {
            return 0;
        }
        try (PreparedStatement el = c.prepareStatement("INSERT INTO hwf_element(run_id, task, idx, state, reason) "
                + "VALUES (?,?,?,'WAITING',?)");
             PreparedStatement count = c.prepareStatement("INSERT INTO hwf_count(run_id, task, state, reason, n, "
                     + "seconds) VALUES (?,?,'WAITING',?,?,0) ON CONFLICT(run_id, task, state, reason) DO UPDATE "
                     + "SET n = n + excluded.n")) {
            for (int i = had; i < want; i++) {
                el.setString(1, runId);
                el.setString(2, task);
                el.setInt(3, i);
                el.setString(4, reason);
                el.addBatch();
            }
            el.executeBatch();
            count.setString(1, runId);
            count.setString(2, task);
            count.setString(3, reason);
            count.setInt(4, want - had);
            count.executeUpdate();
        }
        return want - had;
    }

    private static boolean hasElement(Connection c, String runId, String task) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM hwf_element WHERE run_id=? AND task=? LIMIT 1")) {
            ps.setString(1, runId);
            ps.setString(2, task);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    /**
     * A run id no run in this journal has: runs started in the same second share all but the 4 random
     * digits, so a draw that is taken already (one in 65,536 per such run) is drawn again. Called inside
     * the IMMEDIATE transaction that inserts the run, so no other process can take it in between.
     */
    private static String unusedRunId(Connection c, String workflow, Instant now) throws SQLException {
        return unusedRunId(c, () -> newRunId(workflow, now));
    }

    /** The first of up to 1,000 {@code draws} that names no run yet. */
    static String unusedRunId(Connection c, Supplier<String> draws) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM hwf_run WHERE id=?")) {
            for (int draw = 0; draw < 1000; draw++) {
                String id = draws.get();
                ps.setString(1, id);
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        return id;
                    }
                }
            }
        }
        throw new HwfException(ExitCodes.BAD_INPUT, "could not find an unused run id in 1,000 draws: "
                + "this journal holds too many runs of this workflow started in the same second; wait a second "
                + "and submit again");
    }

    public Optional<RunRecord> findRun(String id) {
        return inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT * FROM hwf_run WHERE id=?")) {
                ps.setString(1, id);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? Optional.of(runRow(rs)) : Optional.empty();
                }
            }
        });
    }

    /** The run, or exit 2 with a hint when there is none. */
    public RunRecord run(String id) {
        return findRun(id).orElseThrow(() -> new HwfException(ExitCodes.BAD_INPUT,
                "no run '" + id + "' in journal " + file + "; 'hwf runs' lists the runs it holds"));
    }

    /** All runs, newest first, without their source and spec (null there: {@link #run} reads them). */
    public List<RunRecord> runs() {
        return inTransaction(c -> {
            List<RunRecord> out = new ArrayList<>();
            // every column but the workflow's text and JSON, which a list of runs never shows and a
            // journal of a thousand runs would read a thousand times
            try (Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SELECT id, workflow, scheduler, state, reason, NULL AS source, "
                         + "NULL AS spec, workdir, submitted_at, ended_at, version FROM hwf_run "
                         + "ORDER BY submitted_at DESC, id DESC")) {
                while (rs.next()) {
                    out.add(runRow(rs));
                }
            }
            return out;
        });
    }

    /** Ids of runs still RUNNING, oldest first. */
    public List<String> unfinishedRuns() {
        return inTransaction(c -> {
            List<String> out = new ArrayList<>();
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(
                    "SELECT id FROM hwf_run WHERE state='RUNNING' ORDER BY submitted_at, id")) {
                while (rs.next()) {
                    out.add(rs.getString(1));
                }
            }
            return out;
        });
    }

    /** The run, its tasks and elements, read consistently. */
    public RunSnapshot snapshot(String runId) {
        return inTransaction(c -> snapshot(c, runId));
    }

    /**
     * The run as a pass works on it: the run, task and attempt rows, the live elements (QUEUED,
     * RUNNING: those a job holds, which the scheduler's answers are held against) and every task's
     * {@link StateCounts}, counted by SQLite. Neither the ended elements of a long campaign nor the
     * WAITING ones of a large queue are read one by one: a pass reads the WAITING elements it
     * submits ({@link #firstWaiting}) and changes the others in bulk ({@link #applyWaiting}).
     */
    public RunSnapshot openSnapshot(String runId) {
        return inTransaction(c -> reread(c, runId, null, null, true));
    }

    /**
     * How many times each task's elements ran, at most (an element's tries: jobs that reached the
     * scheduler since its last resume), by task name; read for {@code hwf status}'s table, whose
     * snapshot holds the live elements only.
     */
    public Map<String, Integer> mostTries(String runId) {
        return inTransaction(c -> {
            Map<String, Integer> out = new java.util.HashMap<>();
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT task, max(tries) FROM hwf_element WHERE run_id=? GROUP BY task")) {
                ps.setString(1, runId);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.put(rs.getString(1), rs.getInt(2));
                    }
                }
            }
            return out;
        });
    }

    /** States of elements that are live: a job holds them. */
    private static final List<JobState> LIVE = List.of(JobState.QUEUED, JobState.RUNNING);

    /**
     * The run as {@code prev} read it, read again where it may have changed since: the run, task
     * and attempt rows, and the elements of {@code tasks} only (those of the other tasks are
     * taken from {@code prev}). What a pass uses after writing changes to some tasks, instead of
     * reading every element of a large run again. An open snapshot stays open.
     */
    public RunSnapshot refresh(RunSnapshot prev, java.util.Collection<String> tasks) {
        if (tasks.isEmpty()) {
            return prev;
        }
        return inTransaction(c -> reread(c, prev.run().id(), prev, tasks, !prev.complete()));
    }

    /**
     * A snapshot with the elements (and, when open, the counts) of {@code tasks} read again, all
     * of them when null, and those of the other tasks taken from {@code prev}.
     *
     * @param open only the live elements, with every task's counts from SQL
     */
    private RunSnapshot reread(Connection c, String runId, RunSnapshot prev, java.util.Collection<String> tasks,
                               boolean open) throws SQLException {
        RunRecord run = runOf(c, runId);
        List<TaskRecord> taskRows = tasksOf(c, runId);
        List<AttemptRecord> attempts = attemptsOf(c, runId);
        java.util.Set<String> names = new java.util.LinkedHashSet<>(tasks == null
                ? taskRows.stream().map(TaskRecord::name).toList() : tasks);
        Map<String, List<ElementRecord>> fresh = elementsOf(c, runId, names, open);
        Map<String, List<ElementRecord>> old = prev == null ? Map.of() : prev.elementsByTask();
        List<ElementRecord> elements = new ArrayList<>();
        for (TaskRecord t : taskRows) {
            elements.addAll(names.contains(t.name()) ? fresh.getOrDefault(t.name(), List.of())
                    : old.getOrDefault(t.name(), List.of()));
        }
        if (!open) {
            return new RunSnapshot(run, taskRows, elements, attempts);
        }
        Map<String, StateCounts> counts = new HashMap<>(prev == null ? Map.of() : prev.counts());
        counts.putAll(countsOf(c, runId, List.copyOf(names)));
        return new RunSnapshot(run, taskRows, elements, attempts, counts, false);
    }

    private static List<AttemptRecord> attemptsOf(Connection c, String runId) throws SQLException {
        return rowsByRun(c, "SELECT * FROM hwf_attempt WHERE run_id IN (SELECT value FROM json_each(?)) ORDER BY "
                + "task, attempt", jsonArray(List.of(runId)), Journal::attemptRow).getOrDefault(runId, List.of());
    }

    /**
     * Per task of {@code tasks}, how many of its elements are in each state: read from
     * {@code hwf_count}, which the journal's triggers keep as elements are written (schema 4), so
     * a large run's counts cost a few rows, not a scan of its elements.
     */
    private static Map<String, StateCounts> countsOf(Connection c, String runId, List<String> tasks)
            throws SQLException {
        Map<String, int[]> counts = new HashMap<>();
        Map<String, Double> seconds = new HashMap<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT task, state, n, seconds FROM hwf_count WHERE run_id=? "
                + "AND task IN (SELECT value FROM json_each(?))")) {
            ps.setString(1, runId);
            ps.setString(2, jsonArray(tasks));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    String task = rs.getString(1);
                    counts.computeIfAbsent(task, k -> new int[JobState.values().length])
                            [JobState.valueOf(rs.getString(2)).ordinal()] += rs.getInt(3); // summed over reasons
                    seconds.merge(task, rs.getDouble(4), Double::sum);
                }
            }
        }
        Map<String, StateCounts> out = new HashMap<>();
        for (String t : tasks) {
            int[] n = counts.get(t);
            out.put(t, n == null ? StateCounts.NONE : new StateCounts(n, seconds.getOrDefault(t, 0.0)));
        }
        return out;
    }

    private static final List<JobState> FINAL = List.of(JobState.SUCCEEDED, JobState.FAILED, JobState.CANCELLED);

    /**
     * What each of {@code tasks}' states is derived from ({@link Derived.Tally}), computed by
     * SQLite over the task's elements in one query: none of them is read into memory.
     */
    static Map<String, Derived.Tally> talliesOf(Connection c, String runId, java.util.Collection<String> tasks)
            throws SQLException {
        String finals = sqlStates(FINAL);
        String same = "FROM hwf_element x WHERE x.run_id=e.run_id AND x.task=e.task";
        String blame = "json_array(x.idx, x.reason, x.exit_code)";
        Map<String, Derived.Tally> out = new HashMap<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT e.task, count(*), sum(e.state='WAITING'), "
                + "sum(e.state IN " + finals + "), sum(e.state='SUCCEEDED'), sum(e.state='FAILED'), "
                + "sum(e.state='RUNNING' OR e.state IN " + finals + " OR (e.state='WAITING' AND e.tries>0)), "
                + "(SELECT x.started_at " + same + " AND x.started_at IS NOT NULL ORDER BY julianday(x.started_at), "
                + "x.idx LIMIT 1), "
                + "(SELECT x.ended_at " + same + " AND x.ended_at IS NOT NULL ORDER BY julianday(x.ended_at) DESC, "
                + "x.idx LIMIT 1), "
                + "(SELECT " + blame + " " + same + " AND x.state='FAILED' ORDER BY x.idx LIMIT 1), "
                + "(SELECT " + blame + " " + same + " AND (x.state='CANCELLED' OR (x.state='WAITING' AND x.reason "
                + "IS NOT NULL)) ORDER BY x.idx LIMIT 1), "
                + "CASE WHEN count(*)=1 THEN max(e.reason) END "
                + "FROM hwf_element e WHERE e.run_id=? AND e.task IN (SELECT value FROM json_each(?)) GROUP BY e.task")) {
            ps.setString(1, runId);
            ps.setString(2, jsonArray(List.copyOf(new java.util.LinkedHashSet<>(tasks))));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.put(rs.getString(1), new Derived.Tally(rs.getInt(2), rs.getInt(3), rs.getInt(4), rs.getInt(5),
                            rs.getInt(6), rs.getInt(7), instant(rs, 8), instant(rs, 9), blame(rs.getString(10)),
                            blame(rs.getString(11)), rs.getString(12)));
                }
            }
        }
        return out;
    }

    /** A {@code json_array(idx, reason, exit_code)} as a {@link Derived.Blame}, or null. */
    private static Derived.Blame blame(String json) {
        if (json == null) {
            return null;
        }
        try {
            com.fasterxml.jackson.databind.JsonNode a = BLAME_READER.readTree(json);
            return new Derived.Blame(a.get(0).asInt(), a.get(1).isNull() ? null : a.get(1).asText(),
                    a.get(2).isNull() ? null : a.get(2).asInt());
        } catch (java.io.IOException e) {
            throw new IllegalStateException("journal: unreadable element summary " + json, e);
        }
    }

    private static final com.fasterxml.jackson.databind.ObjectMapper BLAME_READER =
            new com.fasterxml.jackson.databind.ObjectMapper();

    /**
     * Several runs, each as {@link #snapshot(String)} reads it, in the order given: one transaction
     * and one query per table for all of them, not one per run. A run id that is not in the journal
     * is left out.
     */
    public List<RunSnapshot> snapshots(List<String> runIds) {
        if (runIds.isEmpty()) {
            return List.of();
        }
        return inTransaction(c -> snapshots(c, runIds));
    }

    /** {@link #snapshots(List)} inside a transaction; {@link #snapshot(Connection, String)} is its one-run case. */
    private static List<RunSnapshot> snapshots(Connection c, List<String> runIds) throws SQLException {
        String ids = jsonArray(runIds);
        String in = " IN (SELECT value FROM json_each(?))";
        Map<String, RunRecord> runs = new HashMap<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT * FROM hwf_run WHERE id" + in)) {
            ps.setString(1, ids);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    runs.put(rs.getString("id"), runRow(rs));
                }
            }
        }
        Map<String, List<TaskRecord>> tasks = rowsByRun(c, "SELECT * FROM hwf_task WHERE run_id" + in
                + " ORDER BY run_id, position", ids, Journal::taskRow);
        Map<String, List<ElementRecord>> elements = rowsByRun(c, "SELECT e.* FROM hwf_element e JOIN hwf_task t "
                + "ON t.run_id=e.run_id AND t.name=e.task WHERE e.run_id" + in + " ORDER BY e.run_id, t.position, "
                + "e.idx", ids, Journal::elementRow);
        Map<String, List<AttemptRecord>> attempts = rowsByRun(c, "SELECT * FROM hwf_attempt WHERE run_id" + in
                + " ORDER BY run_id, task, attempt", ids, Journal::attemptRow);
        List<RunSnapshot> out = new ArrayList<>(runIds.size());
        for (String id : runIds) {
            RunRecord run = runs.get(id);
            if (run != null) {
                out.add(new RunSnapshot(run, tasks.getOrDefault(id, List.of()),
                        elements.getOrDefault(id, List.of()), attempts.getOrDefault(id, List.of())));
            }
        }
        return out;
    }

    /** Reads one row of a result set. */
    @FunctionalInterface
    private interface Row<T> {
        T read(ResultSet rs) throws SQLException;
    }

    /** The rows of a query over several runs (its one parameter: the runs' ids as a JSON array), by run id. */
    private static <T> Map<String, List<T>> rowsByRun(Connection c, String sql, String ids, Row<T> row)
            throws SQLException {
        Map<String, List<T>> out = new HashMap<>();
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, ids);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.computeIfAbsent(rs.getString("run_id"), k -> new ArrayList<>()).add(row.read(rs));
                }
            }
        }
        return out;
    }

    /** Strings as a JSON array, for SQLite's json_each. */
    private static String jsonArray(List<String> values) {
        StringBuilder sb = new StringBuilder("[");
        for (String v : values) {
            sb.append(sb.length() > 1 ? ",\"" : "\"");
            JsonStringEncoder.getInstance().quoteAsString(v, sb);
            sb.append('"');
        }
        return sb.append(']').toString();
    }

    RunSnapshot snapshot(Connection c, String runId) throws SQLException {
        List<RunSnapshot> one = snapshots(c, List.of(runId));
        if (one.isEmpty()) {
            throw new HwfException(ExitCodes.BAD_INPUT, "no run '" + runId + "' in journal " + file
                    + "; 'hwf runs' lists the runs it holds");
        }
        return one.get(0);
    }

    // ---------------------------------------------------------------- transitions

    /**
     * A claim on a task's WAITING elements for its next attempt.
     *
     * @param lastAttempt the task's attempt counter as read; the claim is for {@code lastAttempt + 1}
     */
    public record Claim(String task, int lastAttempt, List<Integer> indices, String jobName, int indexOffset) {
        public Claim {
            indices = List.copyOf(indices);
        }

        /** A claim whose scheduler array indices are the element indices. */
        public Claim(String task, int lastAttempt, List<Integer> indices, String jobName) {
            this(task, lastAttempt, indices, jobName, 0);
        }

        public int attempt() {
            return lastAttempt + 1;
        }
    }

    /**
     * Claims the WAITING elements {@code indices} of a task for a new attempt, before anything is
     * submitted: the task's attempt counter moves from {@code expectedAttempt} to the next number,
     * an attempt row records the job name, and the elements become QUEUED without a job id.
     *
     * @return the new attempt number, or empty when another process claimed the task first
     */
    public Optional<Integer> claim(String runId, String task, int expectedAttempt, List<Integer> indices,
                                   String jobName, Instant now) {
        List<Claim> won = claimAll(runId, List.of(new Claim(task, expectedAttempt, indices, jobName)), now);
        return won.isEmpty() ? Optional.empty() : Optional.of(won.get(0).attempt());
    }

    /**
     * Claims several tasks in one transaction (see {@link #claim}); a task another process has
     * claimed meanwhile is left out.
     *
     * @return the claims that were won
     */
    public List<Claim> claimAll(String runId, List<Claim> claims, Instant now) {
        if (claims.isEmpty()) {
            return List.of();
        }
        return inTransaction(c -> {
            List<Claim> won = new ArrayList<>();
            try (PreparedStatement task = c.prepareStatement("UPDATE hwf_task SET attempt=?, submitted_at="
                    + "coalesce(submitted_at, ?) WHERE run_id=? AND name=? AND attempt=?");
                 PreparedStatement el = c.prepareStatement("UPDATE hwf_element SET state='QUEUED', attempt=?, "
                         + "tries=tries+1, job_id=NULL, exit_code=NULL, reason=NULL, missing_since=NULL, "
                         + BANK_TRY + ", started_at=NULL, ended_at=NULL WHERE run_id=? AND task=? AND idx=? "
                         + "AND state='WAITING'");
                 PreparedStatement att = c.prepareStatement("INSERT INTO hwf_attempt(run_id, task, attempt, job_name, "
                         + "indices, submitted_at, index_offset, version) VALUES (?,?,?,?,?,?,?,"
                         + "(SELECT version FROM hwf_run WHERE id=?))")) {
                for (Claim claim : claims) {
                    java.sql.Savepoint sp = c.setSavepoint("claim");
                    task.setInt(1, claim.attempt());
                    task.setString(2, now.toString());
                    task.setString(3, runId);
                    task.setString(4, claim.task());
                    task.setInt(5, claim.lastAttempt());
                    if (task.executeUpdate() != 1) {
                        c.releaseSavepoint(sp);
                        continue; // another process claimed it first
                    }
                    boolean all = true;
                    for (int idx : claim.indices()) {
                        el.setInt(1, claim.attempt());
                        el.setString(2, runId);
                        el.setString(3, claim.task());
                        el.setInt(4, idx);
                        el.addBatch();
                    }
                    for (int n : el.executeBatch()) {
                        all &= n == 1;
                    }
                    if (!all) {
                        // an element left WAITING under us: give this claim up as a whole
                        c.rollback(sp);
                        continue;
                    }
                    att.setString(1, runId);
                    att.setString(2, claim.task());
                    att.setInt(3, claim.attempt());
                    att.setString(4, claim.jobName());
                    att.setString(5, claim.indices().toString());
                    att.setString(6, now.toString());
                    att.setInt(7, claim.indexOffset());
                    att.setString(8, runId); // the run's workflow version this attempt runs
                    att.executeUpdate();
                    event(c, runId, claim.task(), null, claim.attempt(), now, "SUBMITTING", "job name "
                            + claim.jobName(), null);
                    c.releaseSavepoint(sp);
                    won.add(claim);
                }
            }
            if (!won.isEmpty()) {
                refreshDerived(c, runId, won.stream().map(Claim::task).toList(), now);
            }
            return won;
        });
    }

    /**
     * A job id the scheduler gave an attempt, whose elements' indices lie from {@code fromIndex}
     * to {@code toIndex}: a bound that lets the journal find them by key, not among all of a
     * task's elements (a packed task has an attempt per 64 elements).
     */
    public record Submitted(String task, int attempt, String jobId, int fromIndex, int toIndex) {
        /** An attempt whose elements may have any index. */
        public Submitted(String task, int attempt, String jobId) {
            this(task, attempt, jobId, 0, Integer.MAX_VALUE);
        }

        /** The attempt of a claim, bounded by its indices. */
        public Submitted(Claim claim, String jobId) {
            this(claim.task(), claim.attempt(), jobId, claim.indices());
        }

        /** An attempt bounded by the indices of its elements (none: any index). */
        public Submitted(String task, int attempt, String jobId, java.util.Collection<Integer> indices) {
            this(task, attempt, jobId, indices.isEmpty() ? 0 : java.util.Collections.min(indices),
                    indices.isEmpty() ? Integer.MAX_VALUE : java.util.Collections.max(indices));
        }
    }

    /** Records the job id the scheduler gave an attempt. */
    public void recordJobId(String runId, String task, int attempt, String jobId, Instant now) {
        recordJobIds(runId, List.of(new Submitted(task, attempt, jobId)), now);
    }

    /** Records the job ids of several attempts in one transaction. */
    public void recordJobIds(String runId, List<Submitted> submitted, Instant now) {
        if (submitted.isEmpty()) {
            return;
        }
        inTransaction(c -> {
            String[] sqls = {
                "UPDATE hwf_attempt SET job_id=? WHERE run_id=? AND task=? AND attempt=?",
                "UPDATE hwf_element SET job_id=? WHERE run_id=? AND task=? AND attempt=? AND job_id IS NULL"
                        + " AND idx BETWEEN ? AND ?",
                "UPDATE hwf_task SET job_id=? WHERE run_id=? AND name=? AND attempt=?"};
            for (String sql : sqls) {
                try (PreparedStatement ps = c.prepareStatement(sql)) {
                    for (Submitted s : submitted) {
                        ps.setString(1, s.jobId());
                        ps.setString(2, runId);
                        ps.setString(3, s.task());
                        ps.setInt(4, s.attempt());
                        if (sql.contains("BETWEEN")) {
                            ps.setInt(5, s.fromIndex());
                            ps.setInt(6, s.toIndex());
                        }
                        ps.addBatch();
                    }
                    ps.executeBatch();
                }
            }
            for (Submitted s : submitted) {
                event(c, runId, s.task(), null, s.attempt(), now, "QUEUED", "submitted", s.jobId());
            }
            return null;
        });
    }

    /** A service attempt found ready: where it answers. */
    public record Ready(String task, int attempt, String endpoint) {
    }

    /**
     * Records where service attempts answer, once each: an endpoint already recorded stays. A
     * READY event per attempt, with the endpoint as its reason.
     */
    public void recordReady(String runId, List<Ready> ready, Instant now) {
        if (ready.isEmpty()) {
            return;
        }
        inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("UPDATE hwf_attempt SET endpoint=?, ready_at=? "
                    + "WHERE run_id=? AND task=? AND attempt=? AND endpoint IS NULL")) {
                for (Ready r : ready) {
                    ps.setString(1, r.endpoint());
                    ps.setString(2, now.toString());
                    ps.setString(3, runId);
                    ps.setString(4, r.task());
                    ps.setInt(5, r.attempt());
                    if (ps.executeUpdate() == 1) {
                        event(c, runId, r.task(), null, r.attempt(), now, "READY", r.endpoint(), null);
                    }
                }
            }
            return null;
        });
    }

    /** Where an attempt ran, learned from something other than the scheduler (a pilot agent's name). */
    public record RanOn(String task, int attempt, String where) {
    }

    /** Records where attempts ran, once each: a place already recorded stays. */
    public void recordRanOn(String runId, List<RanOn> ranOn) {
        if (ranOn.isEmpty()) {
            return;
        }
        inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("UPDATE hwf_attempt SET ran_on=? "
                    + "WHERE run_id=? AND task=? AND attempt=? AND ran_on IS NULL")) {
                for (RanOn r : ranOn) {
                    ps.setString(1, r.where());
                    ps.setString(2, runId);
                    ps.setString(3, r.task());
                    ps.setInt(4, r.attempt());
                    ps.addBatch();
                }
                ps.executeBatch();
            }
            return null;
        });
    }

    /**
     * Applies element changes as compare-and-set updates, each against the state and attempt the
     * caller read ({@code before}); a change whose row moved meanwhile is skipped. Then task and
     * run states are derived again. One transaction.
     *
     * @return how many changes applied
     */
    public int apply(String runId, List<Change> changes, Instant now) {
        return apply(runId, changes, List.of(), now);
    }

    /**
     * {@link #apply(String, List, Instant)} and {@link #applyWaiting} in one transaction: the
     * element changes first, then the changes to WAITING elements in bulk.
     *
     * @return how many elements changed
     */
    public int apply(String runId, List<Change> changes, List<WaitingChange> waiting, Instant now) {
        if (changes.isEmpty() && waiting.isEmpty()) {
            return 0;
        }
        for (Change ch : changes) {
            Transitions.checkElement(runId, ch.before(), ch.after().state());
        }
        for (WaitingChange w : waiting) {
            if (w.to() != JobState.WAITING && !Transitions.elementMay(JobState.WAITING, w.to())) {
                throw new IllegalStateException("run " + runId + ", task " + w.task() + ": WAITING -> " + w.to()
                        + " is not an element transition hwf makes (see Transitions)");
            }
        }
        return inTransaction(c -> {
            java.util.Set<String> touched = new java.util.LinkedHashSet<>();
            int applied = applyChanges(c, runId, changes, touched, now) + applyWaiting(c, runId, waiting, touched, now);
            refreshDerived(c, runId, touched, now);
            return applied;
        });
    }

    /** The element changes that still match the rows as read (compare-and-set), with their events. */
    private static int applyChanges(Connection c, String runId, List<Change> changes, java.util.Set<String> touched,
                                    Instant now) throws SQLException {
        int applied = 0;
        try (PreparedStatement ps = c.prepareStatement("UPDATE hwf_element SET state=?, exit_code=?, reason=?, "
                + "missing_since=?, started_at=?, ended_at=?, tries=max(0, tries + ?), earlier_seconds=CASE WHEN ? IS NULL THEN "
                + banked("?") + " ELSE earlier_seconds END WHERE run_id=? AND task=? AND idx=? AND state=? "
                + "AND attempt=?")) {
            for (Change ch : changes) {
                ElementRecord a = ch.after();
                ps.setString(1, a.state().name());
                setInt(ps, 2, a.exitCode());
                ps.setString(3, a.reason());
                ps.setString(4, str(a.missingSince()));
                ps.setString(5, str(a.startedAt()));
                ps.setString(6, str(a.endedAt()));
                // tries move only by what the change says (a submission given back returns one)
                ps.setInt(7, a.tries() - ch.before().tries());
                ps.setString(8, str(a.startedAt()));
                ps.setString(9, now.toString()); // a try that ends as it is cleared (a retry) ends now
                ps.setString(10, runId);
                ps.setString(11, a.task());
                ps.setInt(12, a.index());
                ps.setString(13, ch.before().state().name());
                ps.setInt(14, ch.before().attempt());
                if (ps.executeUpdate() == 1) {
                    applied++;
                    touched.add(a.task());
                    if (ch.before().state() != a.state()) {
                        event(c, runId, a.task(), a.index(), a.attempt(), now, a.state().name(), a.reason(),
                                a.jobId());
                    }
                }
            }
        }
        return applied;
    }

    /** One element's change: the row as read, and as it should become. */
    public record Change(ElementRecord before, ElementRecord after) {
    }

    /**
     * A change to every WAITING element of a task from index {@code from} on, whichever they are
     * when it is written: to {@code to} (CANCELLED or FAILED, ended now) with the reason, or, for
     * {@code to} WAITING, only the reason (a gate's, shown while they are held).
     */
    public record WaitingChange(String task, int from, JobState to, String reason) {
    }

    /**
     * Writes {@link WaitingChange}s in one transaction, each one UPDATE over the task's elements
     * still WAITING (what another process claimed meanwhile is not touched), with an event per
     * element that ends, and the touched tasks' states derived again.
     *
     * @return how many elements changed
     */
    public int applyWaiting(String runId, List<WaitingChange> changes, Instant now) {
        return apply(runId, List.of(), changes, now);
    }

    private static int applyWaiting(Connection c, String runId, List<WaitingChange> changes,
                                    java.util.Set<String> touched, Instant now) throws SQLException {
        int changed = 0;
        for (WaitingChange w : changes) {
            int n;
            if (w.to() == JobState.WAITING) {
                if (allWaitingCarry(c, runId, w.task(), w.reason())) {
                    continue; // written in an earlier pass: a large queue is not gone over again
                }
                try (PreparedStatement ps = c.prepareStatement("UPDATE hwf_element SET reason=? WHERE run_id=? "
                        + "AND task=? AND state='WAITING' AND idx>=? AND reason IS NOT ?")) {
                    ps.setString(1, w.reason());
                    ps.setString(2, runId);
                    ps.setString(3, w.task());
                    ps.setInt(4, w.from());
                    ps.setString(5, w.reason());
                    n = ps.executeUpdate();
                }
            } else {
                try (PreparedStatement ev = c.prepareStatement("INSERT INTO hwf_event(run_id, task, idx, attempt, "
                        + "at, state, reason, job_id) SELECT run_id, task, idx, attempt, ?, ?, ?, job_id FROM "
                        + "hwf_element WHERE run_id=? AND task=? AND state='WAITING' AND idx>=?")) {
                    ev.setString(1, now.toString());
                    ev.setString(2, w.to().name());
                    ev.setString(3, w.reason());
                    ev.setString(4, runId);
                    ev.setString(5, w.task());
                    ev.setInt(6, w.from());
                    ev.executeUpdate();
                }
                try (PreparedStatement ps = c.prepareStatement("UPDATE hwf_element SET state=?, reason=?, "
                        + "exit_code=NULL, missing_since=NULL, started_at=coalesce(started_at, ?), "
                        + "ended_at=coalesce(ended_at, ?) WHERE run_id=? AND task=? AND state='WAITING' AND idx>=?")) {
                    ps.setString(1, w.to().name());
                    ps.setString(2, w.reason());
                    ps.setString(3, now.toString());
                    ps.setString(4, now.toString());
                    ps.setString(5, runId);
                    ps.setString(6, w.task());
                    ps.setInt(7, w.from());
                    n = ps.executeUpdate();
                }
            }
            if (n > 0) {
                changed += n;
                touched.add(w.task());
            }
        }
        return changed;
    }

    /** Whether every WAITING element of a task has this reason already, as {@code hwf_count} tells. */
    private static boolean allWaitingCarry(Connection c, String runId, String task, String reason)
            throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT coalesce(sum(n), 0), coalesce(sum(CASE WHEN reason=? "
                + "THEN n ELSE 0 END), 0) FROM hwf_count WHERE run_id=? AND task=? AND state='WAITING'")) {
            ps.setString(1, reason == null ? "" : reason);
            ps.setString(2, runId);
            ps.setString(3, task);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() && rs.getInt(1) == rs.getInt(2);
            }
        }
    }

    /** Every element of one task, in index order: for the engine's small tasks (the pilot jobs). */
    public List<ElementRecord> elements(String runId, String task) {
        return inTransaction(c -> elementsOf(c, runId, List.of(task)).getOrDefault(task, List.of()));
    }

    /** The first {@code limit} WAITING elements of a task, in index order. */
    public List<ElementRecord> firstWaiting(String runId, String task, int limit) {
        return inTransaction(c -> {
            List<ElementRecord> out = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT * FROM hwf_element WHERE run_id=? AND task=? AND "
                    + "state='WAITING' ORDER BY idx LIMIT ?")) {
                ps.setString(1, runId);
                ps.setString(2, task);
                ps.setInt(3, Math.max(0, limit));
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(elementRow(rs));
                    }
                }
            }
            return out;
        });
    }

    /** Marks a run finished by the user (cancel) or any other final state, with a reason. */
    public void finishRun(String runId, String state, String reason, Instant now) {
        inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "UPDATE hwf_run SET state=?, reason=?, ended_at=? WHERE id=? AND state='RUNNING'")) {
                ps.setString(1, state);
                ps.setString(2, reason);
                ps.setString(3, now.toString());
                ps.setString(4, runId);
                if (ps.executeUpdate() == 1) {
                    event(c, runId, null, null, null, now, state, reason, null);
                }
            }
            return null;
        });
    }

    /**
     * Makes a run's FAILED and CANCELLED elements WAITING again, with their retries restored, and
     * the run RUNNING; SUCCEEDED elements and live ones are left as they are. One transaction.
     *
     * @return how many elements will run again
     */
    public int resume(String runId, Instant now) {
        return resume(runId, Map.of(), now);
    }

    /**
     * {@link #resume(String, Instant)} for a run with services: a service (key) that has ended is
     * started again when any of its dependants (value) will run again, SUCCEEDED or not, since they
     * need it running.
     */
    public int resume(String runId, Map<String, List<String>> serviceDependants, Instant now) {
        return inTransaction(c -> resume(c, runId, serviceDependants, now));
    }

    private int resume(Connection c, String runId, Map<String, List<String>> serviceDependants, Instant now)
            throws SQLException {
        {
            int n;
            try (PreparedStatement ps = c.prepareStatement("UPDATE hwf_element SET state='WAITING', tries=0, "
                    + "reason='resumed after ' || coalesce(reason, state), missing_since=NULL, " + BANK_TRY
                    + ", started_at=NULL, ended_at=NULL WHERE run_id=? AND state IN " + sqlStates(Transitions.resumable()))) {
                ps.setString(1, runId);
                n = ps.executeUpdate();
            }
            for (Map.Entry<String, List<String>> s : serviceDependants.entrySet()) {
                boolean needed = false;
                try (PreparedStatement ps = c.prepareStatement(
                        "SELECT 1 FROM hwf_element WHERE run_id=? AND task=? AND state='WAITING'")) {
                    for (String dependant : s.getValue()) {
                        ps.setString(1, runId);
                        ps.setString(2, dependant);
                        try (ResultSet rs = ps.executeQuery()) {
                            needed |= rs.next();
                        }
                    }
                }
                if (needed) {
                    try (PreparedStatement ps = c.prepareStatement("UPDATE hwf_element SET state='WAITING', "
                            + "tries=0, reason='started again for its dependants', missing_since=NULL, " + BANK_TRY
                            + ", started_at=NULL, ended_at=NULL WHERE run_id=? AND task=? AND state='SUCCEEDED'")) {
                        ps.setString(1, runId);
                        ps.setString(2, s.getKey());
                        n += ps.executeUpdate();
                    }
                }
            }
            try (PreparedStatement ps = c.prepareStatement(
                    "UPDATE hwf_run SET state='RUNNING', reason=NULL, ended_at=NULL WHERE id=?")) {
                ps.setString(1, runId);
                ps.executeUpdate();
            }
            event(c, runId, null, null, null, now, "RESUMED", n + " element(s) to run again", null);
            refreshDerived(c, runId, null, now);
            return n;
        }
    }

    private RunRecord runOf(Connection c, String runId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT * FROM hwf_run WHERE id=?")) {
            ps.setString(1, runId);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    throw new HwfException(ExitCodes.BAD_INPUT, "no run '" + runId + "' in journal " + file);
                }
                return runRow(rs);
            }
        }
    }

    private static List<TaskRecord> tasksOf(Connection c, String runId) throws SQLException {
        return rowsByRun(c, "SELECT * FROM hwf_task WHERE run_id IN (SELECT value FROM json_each(?)) ORDER BY "
                + "position", jsonArray(List.of(runId)), Journal::taskRow).getOrDefault(runId, List.of());
    }

    /** The elements of some tasks of a run, by task, in index order. */
    private static Map<String, List<ElementRecord>> elementsOf(Connection c, String runId,
                                                               java.util.Collection<String> tasks) throws SQLException {
        return elementsOf(c, runId, tasks, false);
    }

    /**
     * The elements of some tasks of a run, by task, in index order; with {@code live}, only the
     * QUEUED and RUNNING ones, found through the state index (left to itself, SQLite walks the
     * primary key over every element of the tasks: 0.16 s instead of 3 ms at a million).
     */
    private static Map<String, List<ElementRecord>> elementsOf(Connection c, String runId,
                                                               java.util.Collection<String> tasks, boolean live)
            throws SQLException {
        Map<String, List<ElementRecord>> byTask = new HashMap<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT * FROM hwf_element"
                + (live ? " INDEXED BY hwf_element_state" : "") + " WHERE run_id=? AND task IN "
                + "(SELECT value FROM json_each(?))" + (live ? " AND state IN " + sqlStates(LIVE) : "")
                + " ORDER BY task, idx")) {
            ps.setString(1, runId);
            ps.setString(2, jsonArray(List.copyOf(new java.util.LinkedHashSet<>(tasks))));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    ElementRecord e = elementRow(rs);
                    byTask.computeIfAbsent(e.task(), k -> new ArrayList<>()).add(e);
                }
            }
        }
        return byTask;
    }

    /** {@code ('A','B')}: states for an SQL {@code IN}. */
    private static String sqlStates(java.util.Collection<JobState> states) {
        return states.stream().map(st -> "'" + st.name() + "'").collect(java.util.stream.Collectors.joining(",", "(",
                ")"));
    }

    /**
     * Re-derives the states of the tasks named (all of them when null) from their elements, and the
     * run's from all its tasks. Only the named tasks' elements are read: a pass that changed one
     * task of a large run does not read the others' elements again.
     */
    private void refreshDerived(Connection c, String runId, java.util.Collection<String> touched, Instant now)
            throws SQLException {
        if (touched != null && touched.isEmpty()) {
            return;
        }
        RunRecord run = runOf(c, runId);
        List<TaskRecord> tasks = tasksOf(c, runId);
        Map<String, Derived.Tally> byTask = talliesOf(c, runId,
                touched == null ? tasks.stream().map(TaskRecord::name).toList() : touched);
        List<JobState> taskStates = new ArrayList<>();
        String firstFailure = null;
        try (PreparedStatement ps = c.prepareStatement("UPDATE hwf_task SET state=?, reason=?, exit_code=?, "
                + "started_at=?, ended_at=? WHERE run_id=? AND name=?")) {
            for (TaskRecord t : tasks) {
                Derived.Tally elements = byTask.get(t.name());
                if (elements == null) { // not touched: its row holds what was derived last time
                    taskStates.add(forRun(t.name(), t.state()));
                    if (firstFailure == null && t.state() == JobState.FAILED) {
                        firstFailure = "task " + t.name() + " failed: " + t.reason();
                    }
                    continue;
                }
                Derived.TaskOutcome d = Derived.task(elements, t.arraySize() > 0);
                Transitions.checkTask(runId, t.name(), t.state(), d.state());
                taskStates.add(forRun(t.name(), d.state()));
                if (firstFailure == null && d.state() == JobState.FAILED) {
                    firstFailure = "task " + t.name() + " failed: " + d.reason();
                }
                boolean changed = d.state() != t.state() || !java.util.Objects.equals(d.reason(), t.reason())
                        || !java.util.Objects.equals(d.exitCode(), t.exitCode())
                        || !java.util.Objects.equals(d.startedAt(), t.startedAt())
                        || !java.util.Objects.equals(d.endedAt(), t.endedAt());
                if (changed) {
                    ps.setString(1, d.state().name());
                    ps.setString(2, d.reason());
                    setInt(ps, 3, d.exitCode());
                    ps.setString(4, str(d.startedAt()));
                    ps.setString(5, str(d.endedAt()));
                    ps.setString(6, runId);
                    ps.setString(7, t.name());
                    ps.executeUpdate();
                    if (d.state() != t.state()) {
                        event(c, runId, t.name(), null, t.attempt(), now, d.state().name(), d.reason(), t.jobId());
                    }
                }
            }
        }
        String runState = Derived.run(taskStates);
        if (!"RUNNING".equals(runState) && "RUNNING".equals(run.state())) {
            String reason = "FAILED".equals(runState) ? firstFailure : null;
            try (PreparedStatement ps = c.prepareStatement(
                    "UPDATE hwf_run SET state=?, reason=?, ended_at=? WHERE id=? AND state='RUNNING'")) {
                ps.setString(1, runState);
                ps.setString(2, reason);
                ps.setString(3, now.toString());
                ps.setString(4, runId);
                ps.executeUpdate();
            }
            event(c, runId, null, null, null, now, runState, reason, null);
        }
    }

    /**
     * A task's state as the run's state counts it: the pilot jobs hwf adds end CANCELLED when no
     * packed work is left for them, which is no cancelled run.
     */
    private static JobState forRun(String task, JobState state) {
        return dev.hwf.launcher.workflow.Pilot.TASK.equals(task) && state == JobState.CANCELLED ? JobState.SUCCEEDED
                : state;
    }

    /** Site limits as kept with a run: the JSON hwf wrote and when it read them. */
    public record StoredLimits(String json, Instant readAt) {
    }

    /** The site limits kept with a run, if any were read yet. */
    public Optional<StoredLimits> limits(String runId) {
        return inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT limits, read_at FROM hwf_site_limits WHERE run_id=?")) {
                ps.setString(1, runId);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? Optional.of(new StoredLimits(rs.getString(1), instant(rs, "read_at")))
                            : Optional.<StoredLimits>empty();
                }
            }
        });
    }

    /** Keeps the site limits read for a run (replacing what was kept). */
    public void recordLimits(String runId, String json, Instant now) {
        inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO hwf_site_limits(run_id, limits, read_at) "
                    + "VALUES (?,?,?) ON CONFLICT(run_id) DO UPDATE SET limits=excluded.limits, read_at=excluded.read_at")) {
                ps.setString(1, runId);
                ps.setString(2, json);
                ps.setString(3, now.toString());
                ps.executeUpdate();
            }
            return null;
        });
    }

    /**
     * Live elements (QUEUED or RUNNING, a claim without a job id included) of every running run in
     * this journal on one site: the same scheduler, reached on the same host as the same user (as
     * the workflows name them; none named is this machine and this user). The jobs hwf has there,
     * as a scheduler counts them (an array element is one): two clusters that both run Slurm keep
     * their own counts.
     */
    public int liveElements(String scheduler, String host, String user) {
        return inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM hwf_element WHERE state IN "
                    + "('QUEUED','RUNNING') AND (job_id IS NULL OR job_id NOT LIKE 'pilot:%') "
                    + "AND run_id IN (SELECT id FROM hwf_run WHERE state='RUNNING' AND scheduler=? "
                    + "AND coalesce(json_extract(spec, '$.site.host'), '')=? "
                    + "AND coalesce(json_extract(spec, '$.site.user'), '')=?)")) {
                ps.setString(1, scheduler);
                ps.setString(2, host == null ? "" : host);
                ps.setString(3, user == null ? "" : user);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? rs.getInt(1) : 0;
                }
            }
        });
    }

    /** State changes of a run in the order they happened. */
    public List<Event> events(String runId) {
        return inTransaction(c -> {
            List<Event> out = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT * FROM hwf_event WHERE run_id=? ORDER BY id")) {
                ps.setString(1, runId);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(new Event(rs.getString("task"), intOrNull(rs, "idx"), intOrNull(rs, "attempt"),
                                Instant.parse(rs.getString("at")), rs.getString("state"), rs.getString("reason"),
                                rs.getString("job_id")));
                    }
                }
            }
            return out;
        });
    }

    /** One recorded state change; task and index are null for a run-level event. */
    public record Event(String task, Integer index, Integer attempt, Instant at, String state, String reason,
                       String jobId) {
    }

    private static void event(Connection c, String runId, String task, Integer idx, Integer attempt, Instant at,
                              String state, String reason, String jobId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO hwf_event(run_id, task, idx, attempt, at, state, "
                + "reason, job_id) VALUES (?,?,?,?,?,?,?,?)")) {
            ps.setString(1, runId);
            ps.setString(2, task);
            setInt(ps, 3, idx);
            setInt(ps, 4, attempt);
            ps.setString(5, at.toString());
            ps.setString(6, state);
            ps.setString(7, reason);
            ps.setString(8, jobId);
            ps.executeUpdate();
        }
    }

    // ---------------------------------------------------------------- row helpers

    private static RunRecord runRow(ResultSet rs) throws SQLException {
        return new RunRecord(rs.getString("id"), rs.getString("workflow"), rs.getString("scheduler"),
                rs.getString("state"), rs.getString("reason"), rs.getString("source"), rs.getString("spec"),
                rs.getString("workdir"), instant(rs, "submitted_at"), instant(rs, "ended_at"), rs.getInt("version"));
    }

    private static TaskRecord taskRow(ResultSet rs) throws SQLException {
        return new TaskRecord(rs.getString("name"), rs.getInt("position"), JobState.valueOf(rs.getString("state")),
                rs.getString("reason"), rs.getInt("attempt"), rs.getString("job_id"), intOrNull(rs, "exit_code"),
                rs.getInt("array_size"), instant(rs, "submitted_at"), instant(rs, "started_at"),
                instant(rs, "ended_at"), rs.getString("reused_from"));
    }

    private static ElementRecord elementRow(ResultSet rs) throws SQLException {
        return new ElementRecord(rs.getString("task"), rs.getInt("idx"), JobState.valueOf(rs.getString("state")),
                rs.getInt("attempt"), rs.getInt("tries"), rs.getString("job_id"), intOrNull(rs, "exit_code"),
                rs.getString("reason"), instant(rs, "missing_since"), instant(rs, "started_at"),
                instant(rs, "ended_at"), rs.getDouble("earlier_seconds"));
    }

    private static AttemptRecord attemptRow(ResultSet rs) throws SQLException {
        return new AttemptRecord(rs.getString("task"), rs.getInt("attempt"), rs.getString("job_name"),
                rs.getString("job_id"), rs.getString("indices"), instant(rs, "submitted_at"), rs.getString("endpoint"),
                instant(rs, "ready_at"), rs.getInt("index_offset"), rs.getString("ran_on"), rs.getInt("version"));
    }

    private static Integer intOrNull(ResultSet rs, String col) throws SQLException {
        int v = rs.getInt(col);
        return rs.wasNull() ? null : v;
    }

    private static Instant instant(ResultSet rs, int col) throws SQLException {
        String v = rs.getString(col);
        return v == null ? null : Instant.parse(v);
    }

    private static Instant instant(ResultSet rs, String col) throws SQLException {
        String v = rs.getString(col);
        return v == null ? null : Instant.parse(v);
    }

    private static String str(Instant i) {
        return i == null ? null : i.toString();
    }

    private static void setInt(PreparedStatement ps, int pos, Integer v) throws SQLException {
        if (v == null) {
            ps.setNull(pos, Types.INTEGER);
        } else {
            ps.setInt(pos, v);
        }
    }
}
