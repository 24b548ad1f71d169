package io.agentforge.engine.generation;

import io.agentforge.engine.model.LanguageModel;
import io.agentforge.engine.tokenizer.ByteTokenizer;

import java.util.Arrays;
import java.util.Random;

/**
 * Continues a prompt. The prompt goes through the model once, filling a key/value cache; each new token then costs one
 * position's forward pass. Generation also ends when the context is full (a prompt longer than the context keeps its
 * last tokens).
 */
public final class TextGenerator {

    private final LanguageModel model;

    public TextGenerator(LanguageModel model) {
        this.model = model;
    }

    public String generate(ByteTokenizer tokenizer, String prompt, GenerationSettings settings) {
        return tokenizer.decode(generate(tokenizer.encode(prompt), settings));
    }

    /** The new tokens only, without the prompt. */
    public int[] generate(int[] prompt, GenerationSettings settings) {
        if (prompt.length == 0) {
            throw new IllegalArgumentException("prompt: must not be empty");
        }
        int context = model.config().contextLength();
        int[] kept = prompt.length >= context ? Arrays.copyOfRange(prompt, prompt.length - context + 1, prompt.length) : prompt;
        int budget = Math.min(settings.maxNewTokens(), context - kept.length + 1);
        var random = new Random(settings.seed());
        int[] produced = new int[budget];
        int count = 0;
        try (var source = new ModelTokenSource(model)) {
            float[] logits = source.feed(kept);
            while (count < budget) {
                int next = pick(logits, settings, random);
                produced[count++] = next;
                if (settings.stopTokens().contains(next) || count == budget) {
                    break;
                }
                logits = source.feed(new int[] {next});
            }
        }
        return Arrays.copyOf(produced, count);
    }

    static int pick(float[] logits, GenerationSettings settings, Random random) {
        if (settings.temperature() == 0) {
            return argMax(logits);
        }
        double[] weights = new double[logits.length];
        double cutoff = Double.NEGATIVE_INFINITY;
        if (settings.topK() > 0 && settings.topK() < logits.length) {
            float[] sorted = logits.clone();
            Arrays.sort(sorted);
            cutoff = sorted[sorted.length - settings.topK()];
        }
        double max = logits[argMax(logits)];
        double total = 0;
        for (int i = 0; i < logits.length; i++) {
            // Subtracting the max keeps exp() finite; ties at the cutoff may let a few more than k through.
            weights[i] = logits[i] < cutoff ? 0 : Math.exp((logits[i] - max) / settings.temperature());
            total += weights[i];
        }
        double draw = random.nextDouble() * total;
        for (int i = 0; i < weights.length; i++) {
            draw -= weights[i];
            if (draw <= 0 && weights[i] > 0) {
                return i;
            }
        }
        return argMax(logits);
    }

    private static int argMax(float[] values) {
        int best = 0;
        for (int i = 1; i < values.length; i++) {
            if (values[i] > values[best]) {
                best = i;
            }
        }
        return best;
    }
}
