package io.agentforge.contracts.models;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

/**
 * A prompt for a stored model. Absent fields take defaults: 64 tokens, temperature 0.8, top-k 40.
 *
 * @param temperature 0 means greedy decoding
 * @param topK        0 means no top-k cut
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record GenerationRequest(String prompt, Integer maxTokens, Double temperature, Integer topK) {
    public GenerationRequest {
        if (maxTokens == null) {
            maxTokens = 64;
        }
        if (temperature == null) {
            temperature = 0.8;
        }
        if (topK == null) {
            topK = 40;
        }
    }
}
