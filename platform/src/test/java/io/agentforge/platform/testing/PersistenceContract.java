package io.agentforge.platform.testing;

import io.agentforge.platform.persistence.Database;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.TestInstance;

import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The frame of every repository contract: one database per test class (an H2 file in a temporary directory, or a
 * fresh database on the embedded PostgreSQL), its tables emptied before each test. Subclasses say which database,
 * and which tables (children before parents).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class PersistenceContract {
    /** Leaves a tenth of a millisecond of room, so that microsecond truncation is exercised by the round trips. */
    public static final Instant START = Instant.parse("2026-11-26T12:00:00.123456Z");

    private final List<String> tables;

    protected Database database;
    protected MutableClock clock;

    protected PersistenceContract(String... tables) {
        this.tables = List.of(tables);
    }

    /** A new Database on this class's database: each call is a separate pool, as another replica would have. */
    protected abstract Database openDatabase();

    protected abstract boolean expectsPostgres();

    @BeforeAll
    protected void openShared() {
        database = openDatabase();
    }

    @AfterAll
    protected void closeShared() {
        database.close();
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
