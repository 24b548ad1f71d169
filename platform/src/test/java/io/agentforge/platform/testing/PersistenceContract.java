package io.agentforge.platform.testing;

import io.agentforge.platform.persistence.Database;
import io.agentforge.platform.persistence.Schema;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The frame of every repository contract: one test class, run once on each database the services support. Each run
 * has a database of its own (an H2 file in a temporary directory, or a fresh database on the embedded PostgreSQL),
 * its tables emptied before each test. Subclasses say which schema, and which tables (children before parents).
 */
@ParameterizedClass(name = "on {0}")
@EnumSource(PersistenceContract.Backend.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class PersistenceContract {
    /** Leaves a tenth of a millisecond of room, so that microsecond truncation is exercised by the round trips. */
    public static final Instant START = Instant.parse("2026-11-26T12:00:00.123456Z");

    /** The databases a contract runs on: the embedded default, and PostgreSQL through a URL of the usual form. */
    public enum Backend {
        H2, POSTGRESQL
    }

    @Parameter
    protected Backend backend;

    private final Schema schema;
    private final List<String> tables;
    private String databaseUrl;
    private Path dataDir;

    protected Database database;
    protected MutableClock clock;

    protected PersistenceContract(Schema schema, String... tables) {
        this.schema = schema;
        this.tables = List.of(tables);
    }

    /** A new Database on this run's database: each call is a separate pool, as another replica would have. */
    protected Database openDatabase() {
        return Database.open(databaseUrl, dataDir, schema);
    }

    protected boolean expectsPostgres() {
        return backend == Backend.POSTGRESQL;
    }

    /** The data directory of the embedded database; null on PostgreSQL. */
    protected Path dataDir() {
        return dataDir;
    }

    /** Set up anew for each run: JUnit may keep one instance of the class for all its runs. */
    @BeforeParameterizedClassInvocation
    protected void openShared() throws IOException {
        databaseUrl = expectsPostgres() ? PostgresServerFixture.freshDatabase().url() : null;
        dataDir = expectsPostgres() ? null : Files.createTempDirectory("persistence-contract");
        database = openDatabase();
    }

    @AfterParameterizedClassInvocation
    protected void closeShared() throws IOException {
        database.close();
        if (dataDir != null) {
            try (var files = Files.walk(dataDir)) {
                files.sorted(Comparator.reverseOrder()).forEach(PersistenceContract::delete);
            }
            dataDir = null;
        }
    }

    private static void delete(Path path) {
        try {
            Files.delete(path);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @BeforeEach
    protected void emptyTables() {
        clock = new MutableClock(START);
        database.inTransaction(connection -> {
            try (var statement = connection.createStatement()) {
                for (var table : tables) {
                    statement.executeUpdate("DELETE FROM " + table);
                }
            }
            return null;
        });
    }

    /** Counts rows with plain SQL, to see what a failed call left behind. */
    protected long count(String table) {
        return database.withConnection(connection -> {
            try (var statement = connection.createStatement();
                 var rows = statement.executeQuery("SELECT COUNT(*) FROM " + table)) {
                rows.next();
                return rows.getLong(1);
            }
        });
    }

    /** What one replica does in {@link #onReplicasAtOnce}, given its own database pool and its index. */
    @FunctionalInterface
    protected interface ReplicaWork<T> {
        T run(Database replica, int index) throws Exception;
    }

    /**
     * Runs the work on {@code count} replicas at once (each a separate pool on this class's database, as separate
     * processes would have), released together by a latch so that they really overlap; their results in replica
     * order. The replicas are closed afterwards.
     */
    protected <T> List<T> onReplicasAtOnce(int count, ReplicaWork<T> work) throws Exception {
        var replicas = new ArrayList<Database>();
        var start = new CountDownLatch(1);
        try (var executor = Executors.newFixedThreadPool(count)) {
            var futures = new ArrayList<Future<T>>();
            for (int i = 0; i < count; i++) {
                var replica = openDatabase();
                replicas.add(replica);
                var index = i;
                futures.add(executor.submit(() -> {
                    start.await();
                    return work.run(replica, index);
                }));
            }
            start.countDown();
            var results = new ArrayList<T>();
            for (var future : futures) {
                results.add(future.get());
            }
            return results;
        } finally {
            replicas.forEach(Database::close);
        }
    }

    protected void execute(String sql) throws SQLException {
        try (var connection = database.dataSource().getConnection();
             var statement = connection.createStatement()) {
            statement.executeUpdate(sql);
        }
    }
}
