package io.agentforge.contracts.api;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

import java.util.Map;

/** The body of {@code POST /chat}. */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record ChatRequest(String modelId, String message, Map<String, Object> context) {
    public ChatRequest {
        context = context == null ? Map.of() : context;
    }
}
