package io.agentforge.engine.evaluation;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.agentforge.engine.data.Example;
import io.agentforge.engine.tokenizer.SpecialToken;

import java.util.Arrays;
import java.util.List;

/**
 * Examples as tensors: inputs and next-token targets (batch, time), padded, and a weight per target that is 1 where
 * the loss counts (after the prompt, before the padding) and 0 elsewhere. A tool result, from
 * {@code <|toolresult|>} to {@code <|endoftoolresult|>} inclusive, is never scored: the runtime injects it, so a
 * model that learned to predict it would learn to invent results instead of reading them.
 */
public record Batch(NDArray inputs, NDArray targets, NDArray weights, int scoredTokens, int inputTokens) {

    public static Batch of(List<Example> examples, int contextLength, NDManager manager) {
        int rows = examples.size();
        int time = 0;
        for (Example e : examples) {
            if (e.tokens().length > contextLength + 1) {
                // Splits leave such examples out; cutting one here would score a wrong answer.
                throw new IllegalArgumentException("example: " + e.tokens().length + " tokens do not fit context_length "
                        + contextLength);
            }
            time = Math.max(time, e.tokens().length - 1);
        }
        long[] inputs = new long[rows * time];
        long[] targets = new long[rows * time];
        float[] weights = new float[rows * time];
        Arrays.fill(inputs, SpecialToken.PADDING.id());
        Arrays.fill(targets, SpecialToken.PADDING.id());
        int scored = 0;
        int inputTokens = 0;
        for (int r = 0; r < rows; r++) {
            Example e = examples.get(r);
            int length = e.tokens().length - 1;
            boolean[] injected = injected(e.tokens());
            for (int t = 0; t < length; t++) {
                inputs[r * time + t] = e.tokens()[t];
                targets[r * time + t] = e.tokens()[t + 1];
                if (t + 1 >= e.promptLength() && !injected[t + 1]) {
                    weights[r * time + t] = 1f;
                    scored++;
                }
            }
            inputTokens += length;
        }
        var shape = new Shape(rows, time);
        return new Batch(manager.create(inputs, shape), manager.create(targets, shape), manager.create(weights, shape), scored, inputTokens);
    }

    /** Which tokens a tool runtime supplies: each result's opening token, contents and closing token. */
    static boolean[] injected(int[] tokens) {
        boolean[] injected = new boolean[tokens.length];
        boolean inside = false;
        for (int i = 0; i < tokens.length; i++) {
            if (tokens[i] == SpecialToken.TOOL_RESULT.id()) {
                inside = true;
            }
            injected[i] = inside;
            if (tokens[i] == SpecialToken.TOOL_RESULT_END.id()) {
                inside = false;
            }
        }
        return injected;
    }

    /** Mean cross-entropy over the scored targets. */
    public NDArray loss(NDArray logits) {
        return negativeLogLikelihood(logits).sum().div(Math.max(1, scoredTokens));
    }

    /** Per-target negative log-likelihood (batch, time), zero where not scored. */
    public NDArray negativeLogLikelihood(NDArray logits) {
        NDArray logProbabilities = logits.logSoftmax(-1);
        NDArray picked = logProbabilities.gather(targets.expandDims(-1), -1).squeeze(-1);
        return picked.mul(weights).neg();
    }
}
