package io.agentforge.engine.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.agentforge.engine.data.Example;

import java.util.Arrays;
import java.util.List;

/**
 * Mean next-token cross-entropy of a model over whole sequences, every position scored, one sequence at a time: the
 * loss the quantization tests compare, kept free of the evaluation package so that they test the model alone.
 */
public final class NextTokenLoss {

    private NextTokenLoss() {
    }

    public static double of(LanguageModel model, List<int[]> sequences) {
        return of(model, sequences, sequences.stream().map(s -> 0).toList());
    }

    /** The loss on each example's answer only (the tokens after its prompt), as a question/answer run trains. */
    public static double ofAnswers(LanguageModel model, List<Example> examples) {
        return of(model, examples.stream().map(Example::tokens).toList(), examples.stream().map(Example::promptLength).toList());
    }

    private static double of(LanguageModel model, List<int[]> sequences, List<Integer> firstScored) {
        double sum = 0;
        long count = 0;
        try (NDManager manager = NDManager.newBaseManager()) {
            for (int s = 0; s < sequences.size(); s++) {
                int[] tokens = sequences.get(s);
                int n = Math.min(tokens.length, model.config().contextLength() + 1) - 1;
                // Target t + 1 is scored when it lies at or after the first scored position.
                int from = Math.max(0, firstScored.get(s) - 1);
                try (NDManager scope = manager.newSubManager()) {
                    long[] inputs = Arrays.stream(tokens, 0, n).asLongStream().toArray();
                    long[] targets = Arrays.stream(tokens, 1, n + 1).asLongStream().toArray();
                    NDArray logProbabilities = model.forward(scope.create(inputs, new Shape(1, n))).logSoftmax(-1);
                    float[] picked = logProbabilities.get(0).gather(scope.create(targets, new Shape(n, 1)), -1).toFloatArray();
                    for (int t = from; t < n; t++) {
                        sum -= picked[t];
                        count++;
                    }
                }
            }
        }
        return sum / count;
    }
}
