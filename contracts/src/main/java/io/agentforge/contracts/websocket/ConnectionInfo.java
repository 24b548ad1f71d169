package io.agentforge.contracts.websocket;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

import java.time.Instant;
import java.util.List;

/** One open client connection (SPEC section 3). */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record ConnectionInfo(String connectionId, Instant connectedAt, String clientIp, String userAgent,
                             List<String> subscriptions) {
    public ConnectionInfo {
        subscriptions = subscriptions == null ? List.of() : List.copyOf(subscriptions);
    }
}
