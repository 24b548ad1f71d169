package io.agentforge.websocket;


import java.time.Duration;

/**
 * The WebSocket service's limits, fixed at start-up.
 *
 * @param maxConnections   {@code MAX_CONNECTIONS}: beyond it a new connection is closed with 1013
 * @param pingInterval     {@code PING_INTERVAL}: how often every client is pinged; one silent for two intervals is
 *                         dropped
 * @param outboxCapacity   messages that may wait for one client; a client that lets more pile up is dropped, so one
 *                         slow reader costs at most this much memory
 * @param maxMessageBytes  the largest client message accepted; a larger frame is closed with 1009
 * @param resumeLimit      the most missed events replayed to one resuming subscription
 */
public record WebSocketSettings(int maxConnections, Duration pingInterval, int outboxCapacity, int maxMessageBytes,
                                int resumeLimit) {
    public WebSocketSettings {
        if (maxConnections < 1) {
            throw new IllegalArgumentException("MAX_CONNECTIONS must be at least 1, was " + maxConnections);
        }
        if (pingInterval.isNegative() || pingInterval.isZero()) {
            throw new IllegalArgumentException("PING_INTERVAL must be positive, was " + pingInterval);
        }
        if (outboxCapacity < 1 || maxMessageBytes < 1 || resumeLimit < 1) {
            throw new IllegalArgumentException("outbox capacity, message size and resume limit must be positive");
        }
    }

    /** {@code MAX_CONNECTIONS} and {@code PING_INTERVAL} as configured; the other limits at their defaults. */
    public static WebSocketSettings from(WebSocketServiceConfig config) {
        return defaults().withMaxConnections(config.maxConnections()).withPingInterval(config.pingInterval());
    }

    /** The SPEC's defaults: 1000 connections, a ping every 30 s. */
    public static WebSocketSettings defaults() {
        return new WebSocketSettings(1000, Duration.ofSeconds(30), 256, 64 * 1024, 10_000);
    }

    public WebSocketSettings withMaxConnections(int max) {
        return new WebSocketSettings(max, pingInterval, outboxCapacity, maxMessageBytes, resumeLimit);
    }

    public WebSocketSettings withPingInterval(Duration interval) {
        return new WebSocketSettings(maxConnections, interval, outboxCapacity, maxMessageBytes, resumeLimit);
    }

    public WebSocketSettings withOutboxCapacity(int capacity) {
        return new WebSocketSettings(maxConnections, pingInterval, capacity, maxMessageBytes, resumeLimit);
    }
}
