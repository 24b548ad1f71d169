package io.agentforge.launcher.bus;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisConnectionException;
import io.lettuce.core.RedisException;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;

/**
 * The bus's connections to Redis: one shared connection for publishing, acknowledging, look-backs and PING, made on
 * first use (Redis may be away at start), and one connection of its own per reader, because a blocking read would
 * stall a shared one. Lettuce reconnects on its own once a connection exists.
 */
final class RedisConnections implements AutoCloseable {
    private static final Duration RECONNECT_PAUSE = Duration.ofSeconds(1);

    private final RedisClient client;
    private final BooleanSupplier busClosed;
    /** Null until Redis was first reached. */
    private volatile StatefulRedisConnection<String, String> shared;
    private final ReentrantLock connecting = new ReentrantLock();
    private volatile long nextConnectAttempt = System.nanoTime();

    /** A malformed URL fails at once, naming {@code REDIS_URL}; an unreachable Redis does not. */
    RedisConnections(RedisStreamSettings settings, BooleanSupplier busClosed) {
        this.busClosed = busClosed;
        RedisURI uri;
        try {
            uri = RedisURI.create(settings.redisUrl());
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("REDIS_URL is not a Redis URL (" + RedisStreamSettings.redacted(
                    settings.redisUrl()) + "): " + e.getMessage(), e);
        }
        this.client = RedisClient.create(uri);
        client.setOptions(ClientOptions.builder()
                .autoReconnect(true)
                // Fail fast while disconnected: publishers turn to the outbox and PING-based health turns false at
                // once, instead of commands queueing up until Redis returns.
                .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                .socketOptions(SocketOptions.builder().connectTimeout(Duration.ofSeconds(2)).build())
                .timeoutOptions(TimeoutOptions.enabled(settings.blockTimeout().plusSeconds(5)))
                .build());
    }

    /**
     * The shared connection, made on first use after Redis was away at start. One caller at a time tries, at most
     * once a second; everyone else fails at once instead of queueing behind a connect (a health check must answer).
     */
    StatefulRedisConnection<String, String> shared() {
        var current = shared;
        if (current != null) {
            return current;
        }
        if (busClosed.getAsBoolean()) {
            throw new IllegalStateException("the event bus is closed");
        }
        if (System.nanoTime() - nextConnectAttempt < 0 || !connecting.tryLock()) {
            throw new RedisConnectionException("Redis is not reachable yet");
        }
        try {
            if (shared == null) {
                try {
                    shared = client.connect();
                } catch (RedisException e) {
                    nextConnectAttempt = System.nanoTime() + RECONNECT_PAUSE.toNanos();
                    throw e;
                }
            }
            return shared;
        } finally {
            connecting.unlock();
        }
    }

    /** The shared connection's commands (never for blocking reads). */
    RedisCommands<String, String> commands() {
        return shared().sync();
    }

    /** A connection for one reader's blocking reads, closed by that reader. */
    StatefulRedisConnection<String, String> forReads() {
        return client.connect();
    }

    /** A real PING within the timeout. */
    boolean ping(Duration timeout) {
        try {
            return "PONG".equals(shared().async().ping().get(timeout.toMillis(), TimeUnit.MILLISECONDS));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } catch (Exception e) {
            return false;
        }
    }

    @Override
    public void close() {
        var current = shared;
        if (current != null) {
            current.close();
        }
        client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
    }
}
