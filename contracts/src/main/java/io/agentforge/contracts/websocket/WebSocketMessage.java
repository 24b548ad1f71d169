package io.agentforge.contracts.websocket;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

import java.time.Instant;
import java.util.Map;

/**
 * A message to a WebSocket client (SPEC section 3); bus events reach clients in this shape.
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record WebSocketMessage(String type, Instant timestamp, Map<String, Object> data, String sourceService) {
    public WebSocketMessage {
        data = data == null ? Map.of() : data;
    }
}
