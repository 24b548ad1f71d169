package io.agentforge.platform.persistence;

import io.agentforge.contracts.errors.DependencyUnavailableException;
import io.agentforge.platform.testing.RestartablePostgres;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * PostgreSQL going away is an outage, answered quickly as one and recovered from on its own (issue 18): the pool
 * gives up within its 2 s connection timeout with {@link DependencyUnavailableException} (503 with Retry-After), a
 * server-side disconnect (57P01) is the same, statements have a server-side time limit, and once the server is back
 * the same {@link Database} works again without a restart.
 */
class PostgresOutageTest {
    @TempDir
    Path work;

    private RestartablePostgres postgres;
    private Database database;

    @BeforeEach
    void startServer() {
        postgres = RestartablePostgres.start(work);
        database = Database.open(postgres.url(), null);
    }

    @AfterEach
    void stopServer() {
        database.close();
        postgres.close();
    }

    private long countLocks() {
        return database.withConnection(connection -> {
            try (var statement = connection.createStatement();
                 var rows = statement.executeQuery("SELECT COUNT(*) FROM persistence_locks")) {
                rows.next();
                return rows.getLong(1);
            }
        });
    }

    @Test
    void aStoppedServerIsAnOutageAnsweredWithinTwoSecondsAndTheSameDatabaseRecoversWhenItIsBack() {
        long before = countLocks();

        postgres.stop();

        long start = System.nanoTime();
        assertThatThrownBy(this::countLocks).isInstanceOf(DependencyUnavailableException.class);
        var waited = Duration.ofNanos(System.nanoTime() - start);
        // The pool's connection timeout, plus the time to notice the broken pooled connections.
        assertThat(waited).isLessThan(Duration.ofMillis(2_900));

        postgres.start();

        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).ignoreExceptions()
                .until(() -> countLocks() == before);
    }

    @Test
    void administratorShutdownOfTheConnectionIs57P01AndAnOutageNotOurFault() {
        long before = countLocks();
        // What a server restart or failover says to a connection it drops: SQL state 57P01.
        assertThatThrownBy(() -> database.withConnection(connection -> {
            try (var statement = connection.createStatement()) {
                statement.execute("DO $$ BEGIN RAISE EXCEPTION 'terminating connection due to administrator command'"
                        + " USING ERRCODE = '57P01'; END $$");
            }
            return null;
        })).isInstanceOf(DependencyUnavailableException.class).hasMessageContaining("database");

        // And for real: the server ends this connection's backend while the connection is in use.
        assertThatThrownBy(() -> database.withConnection(connection -> {
            int pid;
            try (var statement = connection.createStatement();
                 var rows = statement.executeQuery("SELECT pg_backend_pid()")) {
                rows.next();
                pid = rows.getInt(1);
            }
            database.withConnection(other -> {
                try (var kill = other.prepareStatement("SELECT pg_terminate_backend(?)")) {
                    kill.setInt(1, pid);
                    kill.execute();
                }
                return null;
            });
            try (var statement = connection.createStatement()) {
                statement.execute("SELECT 1");
            }
            return null;
        })).isInstanceOf(DependencyUnavailableException.class);
        // The pool dropped the dead connection: the next request works.
        assertThat(countLocks()).isEqualTo(before);
    }

    @Test
    void everyStatementHasAServerSideTimeLimit() throws SQLException {
        String limit = database.withConnection(connection -> {
            try (var statement = connection.createStatement();
                 var rows = statement.executeQuery("SHOW statement_timeout")) {
                rows.next();
                return rows.getString(1);
            }
        });
        assertThat(limit).isEqualTo(Database.STATEMENT_TIMEOUT.toSeconds() + "s");
    }
}
