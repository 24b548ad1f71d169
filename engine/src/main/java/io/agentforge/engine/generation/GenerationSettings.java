package io.agentforge.engine.generation;

import io.agentforge.engine.tokenizer.SpecialToken;

import java.util.Set;

/**
 * How to pick each next token. The defaults of the Model service's requests: 64 tokens, temperature 0.8, top-k 40.
 *
 * @param temperature 0 for greedy decoding (always the most likely token)
 * @param topK        sample only among the k most likely tokens; 0 for no cut
 * @param stopTokens  generation ends after emitting any of these (the token is included in the output)
 */
public record GenerationSettings(int maxNewTokens, double temperature, int topK, long seed, Set<Integer> stopTokens) {

    public GenerationSettings {
        if (maxNewTokens < 1) {
            throw new IllegalArgumentException("max_tokens: must be at least 1, was " + maxNewTokens);
        }
        if (!(temperature >= 0) || Double.isInfinite(temperature)) {
            throw new IllegalArgumentException("temperature: must be at least 0, was " + temperature);
        }
        if (topK < 0) {
            throw new IllegalArgumentException("top_k: must be at least 0, was " + topK);
        }
        stopTokens = Set.copyOf(stopTokens);
    }

    public static GenerationSettings greedy(int maxNewTokens) {
        return new GenerationSettings(maxNewTokens, 0, 0, 0, Set.of(SpecialToken.END_OF_TEXT.id()));
    }

    public static GenerationSettings sampling(int maxNewTokens, double temperature, int topK, long seed) {
        return new GenerationSettings(maxNewTokens, temperature, topK, seed, Set.of(SpecialToken.END_OF_TEXT.id()));
    }
}
