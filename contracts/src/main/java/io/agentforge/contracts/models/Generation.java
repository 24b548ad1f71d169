package io.agentforge.contracts.models;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

import java.util.List;

/**
 * Text a model really generated, with what it cost.
 *
 * @param text            the answer: what the model wrote outside tool calls, their results and thoughts
 * @param tokensPerSecond measured over this generation
 * @param toolCalls       the tool calls the model made, in order, with what the runtime answered (empty when none)
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record Generation(String modelId, String text, int promptTokens, int generatedTokens, long parameterCount,
                         double tokensPerSecond, List<ToolCall> toolCalls) {

    public Generation {
        toolCalls = toolCalls == null ? List.of() : List.copyOf(toolCalls);
    }

    /** A generation without tool calls. */
    public Generation(String modelId, String text, int promptTokens, int generatedTokens, long parameterCount,
                      double tokensPerSecond) {
        this(modelId, text, promptTokens, generatedTokens, parameterCount, tokensPerSecond, List.of());
    }
}
