package io.agentforge.platform.testing;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A real PostgreSQL of its own that a test can stop and start again, on the same port and with the same data, to
 * play an outage: clients see a refused connection while it is stopped and find their data when it is back. Not the
 * shared server of {@link PostgresServerFixture}, whose outage would fail every other PostgreSQL test.
 */
public final class RestartablePostgres implements AutoCloseable {
    private final Path dataDirectory;
    private final int port;
    private EmbeddedPostgres server;

    private RestartablePostgres(Path dataDirectory, int port) {
        this.dataDirectory = dataDirectory;
        this.port = port;
    }

    /** Initialises a fresh data directory under {@code workDirectory} and starts the server on a free port. */
    public static RestartablePostgres start(Path workDirectory) {
        try {
            var data = Files.createDirectories(workDirectory.resolve("pgdata"));
            int port;
            try (var socket = new ServerSocket(0)) {
                port = socket.getLocalPort();
            }
            return new RestartablePostgres(data, port).start();
        } catch (IOException e) {
            throw new UncheckedIOException("no data directory or port for PostgreSQL", e);
        }
    }

    /** Starts the server (again); does nothing while it runs. */
    public synchronized RestartablePostgres start() {
        if (server != null) {
            return this;
        }
        try {
            server = EmbeddedPostgres.builder()
                    .setDataDirectory(dataDirectory)
                    .setCleanDataDirectory(false)
                    .setPort(port)
                    .start();
        } catch (IOException e) {
            throw new IllegalStateException("the embedded PostgreSQL did not start on port " + port, e);
        }
        return this;
    }

    /** Stops the server; its data stays for the next {@link #start()}. */
    public synchronized void stop() {
        if (server == null) {
            return;
        }
        try {
            server.close();
        } catch (IOException e) {
            throw new UncheckedIOException("the embedded PostgreSQL did not stop", e);
        } finally {
            server = null;
        }
    }

    public synchronized boolean isRunning() {
        return server != null;
    }

    public int port() {
        return port;
    }

    /** The {@code DATABASE_URL} of its {@code postgres} database. */
    public String url() {
        return "postgresql://postgres:postgres@localhost:" + port + "/postgres";
    }

    @Override
    public void close() {
        stop();
    }
}
