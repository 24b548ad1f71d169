package io.agentforge.engine.training;

/**
 * Adam's hyper-parameters and the kind of weight decay.
 *
 * @param decay {@link Decay#DECOUPLED} is AdamW (weights shrink directly by {@code lr * weightDecay}); {@link Decay#COUPLED_L2}
 *              is Adam with L2 decay added to the gradient, as torch's {@code Adam(weight_decay=...)} and the GrokFast
 *              paper's code
 */
public record OptimizerSettings(Decay decay, double learningRate, double beta1, double beta2, double epsilon, double weightDecay) {

    public enum Decay { DECOUPLED, COUPLED_L2 }

    public OptimizerSettings {
        if (decay == null) {
            throw new IllegalArgumentException("optimizer: decay kind is required");
        }
        if (!(learningRate > 0) || Double.isInfinite(learningRate)) {
            throw new IllegalArgumentException("learning_rate: must be positive, was " + learningRate);
        }
        if (!(beta1 >= 0 && beta1 < 1)) {
            throw new IllegalArgumentException("beta1: must be in [0, 1), was " + beta1);
        }
        if (!(beta2 >= 0 && beta2 < 1)) {
            throw new IllegalArgumentException("beta2: must be in [0, 1), was " + beta2);
        }
        if (!(epsilon > 0)) {
            throw new IllegalArgumentException("epsilon: must be positive, was " + epsilon);
        }
        if (!(weightDecay >= 0)) {
            throw new IllegalArgumentException("weight_decay: must be at least 0, was " + weightDecay);
        }
    }

    /** AdamW with torch's defaults except the decay, which SPEC's cognate phase sets to 0.01. */
    public static OptimizerSettings adamW(double learningRate) {
        return new OptimizerSettings(Decay.DECOUPLED, learningRate, 0.9, 0.999, 1e-8, 0.01);
    }

    public OptimizerSettings withLearningRate(double lr) {
        return new OptimizerSettings(decay, lr, beta1, beta2, epsilon, weightDecay);
    }
}
