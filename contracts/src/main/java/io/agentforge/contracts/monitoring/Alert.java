package io.agentforge.contracts.monitoring;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

import java.time.Instant;
import java.util.Map;

/** An alert raised by a rule (SPEC section 3). */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record Alert(String alertId, Severity severity, String service, String message, Instant timestamp,
                    boolean resolved, Map<String, Object> metadata) {
    public Alert {
        metadata = metadata == null ? Map.of() : Map.copyOf(metadata);
    }
}
