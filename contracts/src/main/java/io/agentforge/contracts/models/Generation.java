package io.agentforge.contracts.models;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

/**
 * Text a model really generated, with what it cost.
 *
 * @param tokensPerSecond measured over this generation
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record Generation(String modelId, String text, int promptTokens, int generatedTokens, long parameterCount,
                         double tokensPerSecond) {
}
