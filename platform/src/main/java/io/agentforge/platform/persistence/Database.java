package io.agentforge.platform.persistence;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.agentforge.contracts.errors.DependencyUnavailableException;
import io.agentforge.contracts.monitoring.DependencyCheck;
import io.agentforge.contracts.monitoring.ServiceStatus;
import org.flywaydb.core.Flyway;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javax.sql.DataSource;

/**
 * The metadata store: an H2 file under the data directory by default, PostgreSQL when {@code DATABASE_URL} is set.
 * Opening it migrates the shared table and the {@link Schema}s of the services that use it (Flyway, one history per
 * schema), so a process that holds a Database holds a current schema for what it runs. One pool per process; the
 * repositories of the services in the process share it.
 */
public final class Database implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Database.class);
    private static final int CHECK_TIMEOUT_SECONDS = 2;
    private static final Duration CHECK_TIMEOUT = Duration.ofSeconds(CHECK_TIMEOUT_SECONDS);
    private static final Duration SLOW_CHECK = Duration.ofSeconds(1);
    static final Duration CONNECTION_TIMEOUT = Duration.ofSeconds(2);
    private static final Duration VALIDATION_TIMEOUT = Duration.ofSeconds(1);
    static final Duration STATEMENT_TIMEOUT = Duration.ofSeconds(30);
    /** Longer than any statement may run, so that the server's cancellation arrives before the socket gives up. */
    private static final Duration SOCKET_TIMEOUT = STATEMENT_TIMEOUT.plusSeconds(15);
    /**
     * SQL states that mean the server is going away or cannot serve now, not that our statement is wrong: 57P01
     * (terminated by an administrator, e.g. a restart or failover), 57P02 (crash shutdown), 57P03 (cannot connect
     * now, e.g. starting up), 57014 (cancelled, which is how a statement timeout ends). Class 08 (connection
     * exceptions) is checked by its prefix.
     */
    private static final Set<String> OUTAGE_STATES = Set.of("57P01", "57P02", "57P03", "57014");
    /** How long a failed database should make clients wait before they retry. */
    private static final Duration RETRY_AFTER = Duration.ofSeconds(5);

    private final HikariDataSource dataSource;
    private final boolean postgres;
    private final String description;

    private Database(HikariDataSource dataSource, boolean postgres, String description) {
        this.dataSource = dataSource;
        this.postgres = postgres;
        this.description = description;
    }

    /**
     * Opens (and migrates) the database.
     *
     * @param databaseUrl {@code DATABASE_URL}, or null/blank for the embedded database
     * @param dataDir     the data directory; the embedded database lives in {@code dataDir/agentforge.mv.db}
     * @param schemas     the schemas of the services that will use this database, migrated in this order
     * @throws IllegalArgumentException when {@code databaseUrl} is malformed (the message names DATABASE_URL)
     * @throws DependencyUnavailableException when the database cannot be reached or migrated
     */
    public static Database open(String databaseUrl, Path dataDir, Schema... schemas) {
        var config = new HikariConfig();
        boolean postgres;
        String description;
        if (databaseUrl == null || databaseUrl.isBlank()) {
            var directory = dataDir.toAbsolutePath().normalize();
            try {
                Files.createDirectories(directory);
            } catch (IOException e) {
                throw new UncheckedIOException("Cannot create the data directory " + directory, e);
            }
            // MODE=PostgreSQL and lower-case names keep the SQL portable; LOCK_TIMEOUT lets a transaction wait for
            // a row another one holds (H2's 1 s default is short for a busy claim); AUTO_SERVER lets a second
            // process on the same data directory (a service started alone next to another) share the file through
            // the first one instead of failing on H2's file lock. H2 refuses AUTO_SERVER with DB_CLOSE_ON_EXIT=FALSE,
            // so its own shutdown hook closes the file at exit; requests still running then are being cut off anyway.
            config.setJdbcUrl("jdbc:h2:file:" + directory.resolve("agentforge")
                    + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH"
                    + ";LOCK_TIMEOUT=10000;AUTO_SERVER=TRUE");
            config.setUsername("sa");
            config.setPassword("");
            postgres = false;
            // The description reaches /health, which is open to everyone: no absolute path in it.
            description = "H2 embedded database under DATA_DIR";
            LOG.info("Embedded database file: {}", directory.resolve("agentforge.mv.db"));
        } else {
            var url = DatabaseUrl.parse(databaseUrl);
            config.setJdbcUrl(url.jdbcUrl());
            if (url.user() != null) {
                config.setUsername(url.user());
            }
            if (url.password() != null) {
                config.setPassword(url.password());
            }
            postgres = true;
            description = "PostgreSQL " + url;
        }
        config.setPoolName(postgres ? "agentforge-postgres" : "agentforge-h2");
        config.setMaximumPoolSize(10);
        // A request waits at most this long for a connection, then answers 503 with Retry-After (issue 18): a
        // database that is down must not hold every request for the pool's default 30 s (or our former 10 s).
        config.setConnectionTimeout(CONNECTION_TIMEOUT.toMillis());
        config.setValidationTimeout(VALIDATION_TIMEOUT.toMillis());
        if (postgres) {
            // Bounds for a partition or a stuck server, so that no request hangs: connecting, every read from the
            // socket, and every statement on the server. URL parameters of the same names take precedence.
            config.addDataSourceProperty("connectTimeout", Long.toString(CONNECTION_TIMEOUT.toSeconds()));
            config.addDataSourceProperty("socketTimeout", Long.toString(SOCKET_TIMEOUT.toSeconds()));
            config.addDataSourceProperty("options", "-c statement_timeout=" + STATEMENT_TIMEOUT.toMillis());
        }
        config.setTransactionIsolation("TRANSACTION_READ_COMMITTED");
        HikariDataSource dataSource;
        try {
            dataSource = new HikariDataSource(config);
        } catch (RuntimeException e) {
            throw new DependencyUnavailableException("database (" + description + ")", RETRY_AFTER, rootCause(e));
        }
        try {
            migrate(dataSource, description, Schema.PLATFORM, postgres);
            for (var schema : schemas) {
                migrate(dataSource, description, schema, postgres);
            }
        } catch (RuntimeException e) {
            dataSource.close();
            var cause = rootCause(e);
            if (isConnectionFailure(cause)) {
                throw new DependencyUnavailableException("database (" + description + ")", RETRY_AFTER, cause);
            }
            // A migration that fails on a reachable database is a broken schema or script, not an outage.
            throw new IllegalStateException("Migrating the database (" + description + ") failed: " + e.getMessage(), e);
        }
        return new Database(dataSource, postgres, description);
    }

    /**
     * Each schema has its own history table, so a schema's first migration finds the database non-empty (the shared
     * table, the other services' tables; on a database from before the split, its own tables too). Baselining at
     * version 0 lets its V1 run all the same; every V1 is written to keep what already exists. A schema's migrations
     * for one database product only join the others in the same history (see {@link Schema#locations}).
     */
    private static void migrate(DataSource dataSource, String description, Schema schema, boolean postgres) {
        var result = Flyway.configure()
                .dataSource(dataSource)
                .locations(schema.locations(postgres))
                .table(schema.historyTable())
                .baselineOnMigrate(true)
                .baselineVersion("0")
                .load()
                .migrate();
        LOG.info("Database {}: schema {} at version {} ({} migrations applied now)", description, schema.name(),
                result.targetSchemaVersion == null ? "current" : result.targetSchemaVersion,
                result.migrationsExecuted);
    }

    public DataSource dataSource() {
        return dataSource;
    }

    public boolean isPostgres() {
        return postgres;
    }

    /** Which database this is, for logs and health details; never contains a password. */
    public String description() {
        return description;
    }

    /** Work on one connection; {@link SQLException}s are allowed to escape it and are translated by the caller. */
    @FunctionalInterface
    public interface Work<T> {
        T run(Connection connection) throws SQLException;
    }

    /**
     * Runs the work in one transaction: committed when it returns, rolled back when it throws anything, so that
     * bad input never leaves a half-written row.
     *
     * @throws DependencyUnavailableException when the database cannot be reached
     * @throws DatabaseException              for any other SQL failure
     */
    public <T> T inTransaction(Work<T> work) {
        try (var connection = connect()) {
            connection.setAutoCommit(false);
            try {
                var result = work.run(connection);
                connection.commit();
                return result;
            } catch (SQLException | RuntimeException | Error e) {
                rollbackQuietly(connection, e);
                throw e;
            }
        } catch (SQLException e) {
            throw translate(e);
        }
    }

    /** Runs read-only or single-statement work on a pooled connection in auto-commit mode. */
    public <T> T withConnection(Work<T> work) {
        try (var connection = connect()) {
            return work.run(connection);
        } catch (SQLException e) {
            throw translate(e);
        }
    }

    /**
     * Asks the database a real question (a query on the schema's own table) and measures the answer; unhealthy
     * with the error when it fails or does not answer within {@value #CHECK_TIMEOUT_SECONDS} s.
     */
    public DependencyCheck check() {
        var start = System.nanoTime();
        // The pool would wait its whole connection timeout for a dead server; a health check must answer sooner.
        var probe = CompletableFuture.supplyAsync(this::probe, task -> Thread.ofVirtual().start(task));
        try {
            var detail = probe.get(CHECK_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            var elapsed = Duration.ofNanos(System.nanoTime() - start);
            var status = elapsed.compareTo(SLOW_CHECK) > 0 ? ServiceStatus.DEGRADED : ServiceStatus.HEALTHY;
            return new DependencyCheck(status, millis(elapsed), detail);
        } catch (TimeoutException e) {
            probe.cancel(true);
            return new DependencyCheck(ServiceStatus.UNHEALTHY, millis(Duration.ofNanos(System.nanoTime() - start)),
                    description + ": no answer within " + CHECK_TIMEOUT.toSeconds() + " s");
        } catch (ExecutionException e) {
            var cause = rootCause(e.getCause());
            return new DependencyCheck(ServiceStatus.UNHEALTHY, millis(Duration.ofNanos(System.nanoTime() - start)),
                    description + ": " + cause.getClass().getSimpleName() + ": " + DatabaseUrl.redact(cause.getMessage()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new DependencyCheck(ServiceStatus.UNHEALTHY, 0, description + ": check interrupted");
        }
    }

    private String probe() {
        try (var connection = connect();
             var statement = connection.createStatement()) {
            statement.setQueryTimeout(CHECK_TIMEOUT_SECONDS);
            try (var rows = statement.executeQuery("SELECT COUNT(*) FROM persistence_locks")) {
                rows.next();
                rows.getLong(1);
            }
            var meta = connection.getMetaData();
            return meta.getDatabaseProductName() + " " + meta.getDatabaseProductVersion() + " (" + description + ")";
        } catch (SQLException e) {
            throw new DatabaseException(e);
        }
    }

    /**
     * Locks a row of {@code persistence_locks} until the transaction ends: the portable way (H2 and PostgreSQL,
     * one process or many) to let one transaction at a time through a short critical section.
     */
    public static void lockGate(Connection connection, String name) throws SQLException {
        try (var lock = connection.prepareStatement("SELECT name FROM persistence_locks WHERE name = ? FOR UPDATE")) {
            lock.setString(1, name);
            try (var rows = lock.executeQuery()) {
                if (!rows.next()) {
                    throw new IllegalStateException("Lock row " + name + " is missing: is the schema migrated?");
                }
            }
        }
    }

    /** Closes the pool; an embedded H2 database closes with its last connection. */
    @Override
    public void close() {
        dataSource.close();
    }

    private Connection connect() throws SQLException {
        if (dataSource.isClosed()) {
            throw new DependencyUnavailableException("database", RETRY_AFTER,
                    new IllegalStateException(description + " is closed"));
        }
        return dataSource.getConnection();
    }

    /** Connection failures become 503 (try again later); anything else is our bug or bad data. */
    RuntimeException translate(SQLException e) {
        if (isConnectionFailure(e) || dataSource.isClosed()) {
            return new DependencyUnavailableException("database", RETRY_AFTER, e);
        }
        return new DatabaseException(e);
    }

    static boolean isConnectionFailure(Throwable e) {
        for (var cause = e; cause != null; cause = cause.getCause() == cause ? null : cause.getCause()) {
            if (cause instanceof SQLTransientConnectionException || cause instanceof ConnectException
                    || cause instanceof SocketTimeoutException) {
                return true;
            }
            var state = cause instanceof SQLException sql ? sql.getSQLState() : null;
            if (state != null && (state.startsWith("08") || OUTAGE_STATES.contains(state))) {
                return true;
            }
        }
        return false;
    }

    private static void rollbackQuietly(Connection connection, Throwable cause) {
        try {
            connection.rollback();
        } catch (SQLException rollbackFailure) {
            cause.addSuppressed(rollbackFailure);
        }
    }

    private static Throwable rootCause(Throwable e) {
        var cause = e;
        while (cause.getCause() != null && cause.getCause() != cause) {
            cause = cause.getCause();
        }
        return cause;
    }

    private static double millis(Duration duration) {
        return duration.toNanos() / 1_000_000.0;
    }
}
