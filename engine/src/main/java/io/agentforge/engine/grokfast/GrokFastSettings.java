package io.agentforge.engine.grokfast;

/** Whether and how a run filters its gradients. */
public sealed interface GrokFastSettings {

    /** No filter: plain gradients. */
    record Off() implements GrokFastSettings {
    }

    /**
     * {@code ema = alpha*ema + (1-alpha)*g; g = g + lambda*ema}. During the first {@code warmupSteps} steps the EMA is
     * tracked but the gradient is left alone, so that amplification starts from a settled average.
     */
    record Ema(double alpha, double lambda, int warmupSteps) implements GrokFastSettings {
        public Ema {
            if (!(alpha >= 0 && alpha < 1)) {
                throw new IllegalArgumentException("grokfast_alpha: must be in [0, 1), was " + alpha);
            }
            nonNegative("grokfast_lambda", lambda);
            nonNegative("grokfast_warmup_steps", warmupSteps);
        }
    }

    /**
     * {@code g = g + lambda * mean(last window gradients)}, the current one included. With {@code warmup} the filter
     * waits until the window is full, as in the paper's code.
     */
    record MovingAverage(int window, double lambda, boolean warmup) implements GrokFastSettings {
        public MovingAverage {
            if (window < 1) {
                throw new IllegalArgumentException("grokfast_window: must be at least 1, was " + window);
            }
            nonNegative("grokfast_lambda", lambda);
        }
    }

    /** The paper's and SPEC §7's defaults: EMA, alpha 0.98, lambda 2.0, no warm-up. */
    static GrokFastSettings defaults() {
        return new Ema(0.98, 2.0, 0);
    }

    private static void nonNegative(String field, double value) {
        if (!(value >= 0)) {
            throw new IllegalArgumentException(field + ": must be at least 0, was " + value);
        }
    }
}
