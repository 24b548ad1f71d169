package io.agentforge.websocket;

import java.time.Duration;

/**
 * @param maxConnections connections held at once
 * @param pingInterval   time between pings of each connection
 */
public record WebSocketServiceConfig(int port, int maxConnections, Duration pingInterval) {
}
