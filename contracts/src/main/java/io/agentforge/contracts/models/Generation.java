package io.agentforge.contracts.models;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

/**
 * Text a model really generated, with what it cost.
 *
 * @param text            the answer: what the model wrote outside its thoughts (thought tokens never appear in it)
 * @param tokensPerSecond measured over this generation
 * @param thought         what the model wrote between its start- and end-of-thought tokens, or null when it did not
 *                        think
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record Generation(String modelId, String text, int promptTokens, int generatedTokens, long parameterCount,
                         double tokensPerSecond, String thought) {

    /** A generation without a thought. */
    public Generation(String modelId, String text, int promptTokens, int generatedTokens, long parameterCount,
                      double tokensPerSecond) {
        this(modelId, text, promptTokens, generatedTokens, parameterCount, tokensPerSecond, null);
    }
}
