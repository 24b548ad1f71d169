package io.agentforge.engine.search;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.agentforge.engine.model.LanguageModel;

import java.util.ArrayList;
import java.util.List;

/**
 * Wall time of a model's forward pass on a fixed batch: warm-up runs first (allocator, kernel selection), then the
 * median of timed runs, which one stray slow run cannot move. The thread count is the process's
 * ({@code ai.djl.pytorch.num_threads}); compare only figures measured in one process with nothing else running.
 */
public final class ForwardLatency {

    public static final int MIN_RUNS = 5;

    /** The median and every timed run, in milliseconds. */
    public record Measurement(double medianMillis, List<Double> runsMillis) {
    }

    private ForwardLatency() {
    }

    public static Measurement measure(LanguageModel model, int batch, int time, int warmups, int runs) {
        if (runs < MIN_RUNS) {
            throw new IllegalArgumentException("runs: at least " + MIN_RUNS + " timed runs are needed, was " + runs);
        }
        if (time > model.config().contextLength()) {
            throw new IllegalArgumentException("time: " + time + " exceeds the model's context_length " + model.config().contextLength());
        }
        long[] tokens = new long[batch * time];
        for (int i = 0; i < tokens.length; i++) {
            tokens[i] = (i * 31L + 7) % model.config().vocabSize();
        }
        var timings = new ArrayList<Double>();
        try (NDManager manager = NDManager.newBaseManager()) {
            for (int r = 0; r < warmups + runs; r++) {
                try (NDManager step = manager.newSubManager()) {
                    var input = step.create(tokens, new Shape(batch, time));
                    long start = System.nanoTime();
                    // PyTorch's CPU kernels run eagerly: the call returns when the logits exist.
                    model.forward(input);
                    long elapsed = System.nanoTime() - start;
                    if (r >= warmups) {
                        timings.add(elapsed / 1e6);
                    }
                }
            }
        }
        double[] sorted = timings.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        int mid = sorted.length / 2;
        double median = sorted.length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
        return new Measurement(median, List.copyOf(timings));
    }
}
