package io.agentforge.engine.training;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.agentforge.engine.data.Example;
import io.agentforge.engine.model.LanguageModel;

import java.util.List;

/**
 * Loss and exact-match accuracy of a model on a list of examples, in batches. Exact match is measured with the
 * answer's own tokens as context (teacher forcing): every answer token is the argmax exactly when greedy decoding
 * would have produced the whole answer, so one batched forward pass gives the greedy accuracy.
 */
public final class Evaluator {

    private Evaluator() {
    }

    public static EvalResult evaluate(LanguageModel model, String split, List<Example> examples, int batchSize, NDManager parent) {
        if (examples.isEmpty()) {
            return new EvalResult(split, Double.NaN, Double.NaN, 0);
        }
        double lossSum = 0;
        long scored = 0;
        int exact = 0;
        boolean answers = examples.getFirst().hasAnswer();
        for (int start = 0; start < examples.size(); start += batchSize) {
            var chunk = examples.subList(start, Math.min(examples.size(), start + batchSize));
            // Inputs, labels and every intermediate live in this sub-manager: nothing outlives the batch.
            try (NDManager scope = parent.newSubManager()) {
                Batch batch = Batch.of(chunk, model.config().contextLength(), scope);
                NDArray logits = model.forward(batch.inputs());
                lossSum += batch.negativeLogLikelihood(logits).sum().getFloat();
                scored += batch.scoredTokens();
                if (answers) {
                    exact += exactMatches(logits.argMax(-1).toLongArray(), batch);
                }
            }
        }
        return new EvalResult(split, lossSum / Math.max(1, scored), answers ? (double) exact / examples.size() : Double.NaN, examples.size());
    }

    private static int exactMatches(long[] predicted, Batch batch) {
        long[] targets = batch.targets().toLongArray();
        float[] weights = batch.weights().toFloatArray();
        int rows = Math.toIntExact(batch.targets().getShape().get(0));
        int time = predicted.length / rows;
        int exact = 0;
        for (int r = 0; r < rows; r++) {
            boolean all = true;
            for (int t = 0; t < time && all; t++) {
                int i = r * time + t;
                all = weights[i] == 0 || predicted[i] == targets[i];
            }
            exact += all ? 1 : 0;
        }
        return exact;
    }
}
