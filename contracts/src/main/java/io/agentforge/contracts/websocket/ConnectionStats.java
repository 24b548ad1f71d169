package io.agentforge.contracts.websocket;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

/** Counters of the WebSocket service, as served on its {@code /stats}. */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record ConnectionStats(int activeConnections, long totalConnections, long totalMessagesSent, int topicCount,
                              double uptimeSeconds, double averageMessagesPerConnection) {
}
