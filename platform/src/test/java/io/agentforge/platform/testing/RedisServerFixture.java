package io.agentforge.platform.testing;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import redis.embedded.RedisServer;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.io.UncheckedIOException;
import java.net.ServerSocket;

/**
 * A real redis-server (the binary bundled in embedded-redis) on a free local port, without persistence.
 *
 * <p>As a JUnit extension it runs once per test class:
 * <pre>{@code @RegisterExtension static final RedisServerFixture REDIS = new RedisServerFixture();}</pre>
 * and on its own it is started and closed by hand. If the server cannot start, {@link #start()} throws, so a test
 * that needs Redis fails rather than being skipped. {@link #stop()} and a later {@link #start()} reuse the same
 * port, so clients can be tested across a Redis outage.
 */
public final class RedisServerFixture implements BeforeAllCallback, AfterAllCallback, AutoCloseable {
    private static final int START_ATTEMPTS = 3;

    private final Path dataDirectory;
    private RedisServer server;
    private int port;

    /** Without persistence: a restart starts empty, as a cache would. */
    public RedisServerFixture() {
        this(null);
    }

    /**
     * With an append-only file in {@code dataDirectory}, written through on every command, so that a stop and start
     * keeps the streams, as a production Redis with a volume does.
     */
    public RedisServerFixture(Path dataDirectory) {
        this.dataDirectory = dataDirectory;
    }

    /** Starts the server, on the port it had before if it was stopped; does nothing if it is running. */
    public synchronized RedisServerFixture start() {
        if (server != null && server.isActive()) {
            return this;
        }
        if (port != 0) {
            server = launch(port, dataDirectory);
            return this;
        }
        IOException lastFailure = null;
        // A free port can be taken by someone else between finding it and redis-server binding it; try another.
        for (int attempt = 0; attempt < START_ATTEMPTS; attempt++) {
            int candidate = freePort();
            try {
                server = launch(candidate, dataDirectory);
                port = candidate;
                return this;
            } catch (UncheckedIOException e) {
                lastFailure = e.getCause();
            }
        }
        throw new IllegalStateException("redis-server did not start after " + START_ATTEMPTS + " attempts",
                lastFailure);
    }

    private static RedisServer launch(int port, Path dataDirectory) {
        try {
            var builder = RedisServer.newRedisServer()
                    .bind("127.0.0.1")
                    .port(port)
                    // No snapshots; without this it would write dump files beside the binary.
                    .setting("save \"\"");
            if (dataDirectory == null) {
                builder.setting("appendonly no");
            } else {
                Files.createDirectories(dataDirectory);
                builder.setting("dir " + dataDirectory.toAbsolutePath())
                        .setting("appendonly yes")
                        .setting("appendfsync always");
            }
            RedisServer redis = builder.build();
            redis.start();
            return redis;
        } catch (IOException e) {
            throw new UncheckedIOException("redis-server did not start on port " + port, e);
        }
    }

    /** Stops the server (clients see a refused connection) but keeps its port for a later {@link #start()}. */
    public synchronized void stop() {
        if (server == null) {
            return;
        }
        try {
            server.stop();
        } catch (IOException e) {
            throw new UncheckedIOException("redis-server did not stop", e);
        } finally {
            server = null;
        }
    }

    public synchronized boolean isRunning() {
        return server != null && server.isActive();
    }

    /** The port, fixed from the first start on. */
    public synchronized int port() {
        if (port == 0) {
            throw new IllegalStateException("the Redis fixture has not been started");
        }
        return port;
    }

    /** A URL in the form {@code REDIS_URL} takes, e.g. {@code redis://127.0.0.1:50123}. */
    public String url() {
        return "redis://127.0.0.1:" + port();
    }

    @Override
    public void close() {
        stop();
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        start();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        close();
    }

    private static int freePort() {
        try (var socket = new ServerSocket(0)) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free local port for redis-server", e);
        }
    }
}
