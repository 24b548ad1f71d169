package io.agentforge.contracts.models;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

import java.util.List;

/**
 * Text a model really generated, with what it cost.
 *
 * @param text            the answer: what the model wrote outside its thoughts, tool calls and their results
 * @param tokensPerSecond measured over this generation
 * @param thought         what the model wrote between its start- and end-of-thought tokens, or null when it did not
 *                        think
 * @param toolCalls       the tool calls the model made, in order, with what the runtime answered (empty when none)
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record Generation(String modelId, String text, int promptTokens, int generatedTokens, long parameterCount,
                         double tokensPerSecond, String thought, List<ToolCall> toolCalls) {

    public Generation {
        toolCalls = toolCalls == null ? List.of() : List.copyOf(toolCalls);
    }

    /** A generation without a thought or tool calls. */
    public Generation(String modelId, String text, int promptTokens, int generatedTokens, long parameterCount,
                      double tokensPerSecond) {
        this(modelId, text, promptTokens, generatedTokens, parameterCount, tokensPerSecond, null, List.of());
    }
}
