package io.agentforge.engine.data;

/**
 * How a data set is cut into train, select and test.
 *
 * @param maxTrainSamples cap on the train split, 0 for none
 * @param maxEvalSamples  cap on each of select and test, 0 for none
 */
public record SplitSettings(double trainFraction, double selectFraction, int maxTrainSamples, int maxEvalSamples, long seed) {

    public SplitSettings {
        if (!(trainFraction > 0 && trainFraction <= 1)) {
            throw new IllegalArgumentException("train_fraction: must be in (0, 1], was " + trainFraction);
        }
        if (!(selectFraction >= 0 && trainFraction + selectFraction <= 1)) {
            throw new IllegalArgumentException("select_fraction: must be in [0, 1 - train_fraction], was " + selectFraction);
        }
        if (maxTrainSamples < 0) {
            throw new IllegalArgumentException("max_train_samples: must be 0 (no cap) or positive, was " + maxTrainSamples);
        }
        if (maxEvalSamples < 0) {
            throw new IllegalArgumentException("max_eval_samples: must be 0 (no cap) or positive, was " + maxEvalSamples);
        }
    }

    /** 80/10/10 with SPEC §7's caps (5000 train, 500 eval). */
    public static SplitSettings defaults(long seed) {
        return new SplitSettings(0.8, 0.1, 5000, 500, seed);
    }
}
