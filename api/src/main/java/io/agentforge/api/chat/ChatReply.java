package io.agentforge.api.chat;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

import java.time.Instant;
import java.util.Map;

/**
 * The answer of {@code POST /chat} in the original's shape.
 *
 * @param metadata {@code parameter_count}, {@code tokens_per_second}, {@code prompt_tokens}, {@code generated_tokens},
 *                 the sampling settings used, and {@code tool_calls} [{@code tool, call, result, error}]
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record ChatReply(String modelId, String modelName, String message, String response,
                        Map<String, Object> metadata, Instant timestamp) {
}
