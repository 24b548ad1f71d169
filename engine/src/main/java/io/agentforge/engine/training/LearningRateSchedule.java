package io.agentforge.engine.training;

/**
 * Linear warm-up to the peak, then cosine decay to {@code peak * floorRatio} at {@code totalSteps}. A floor ratio of 1
 * keeps the rate constant after warm-up (the GrokFast paper's schedule).
 */
public record LearningRateSchedule(double peak, int warmupSteps, int totalSteps, double floorRatio) {

    public LearningRateSchedule {
        if (warmupSteps < 0) {
            throw new IllegalArgumentException("warmup_steps: must be at least 0, was " + warmupSteps);
        }
        if (!(floorRatio >= 0 && floorRatio <= 1)) {
            throw new IllegalArgumentException("min_lr_ratio: must be in [0, 1], was " + floorRatio);
        }
    }

    /** The rate for step {@code step}, counting from 1. */
    public double at(long step) {
        if (step <= warmupSteps) {
            return peak * step / warmupSteps;
        }
        long decaySteps = Math.max(1, totalSteps - warmupSteps);
        double progress = Math.min(1.0, (double) (step - warmupSteps) / decaySteps);
        double cosine = 0.5 * (1 + Math.cos(Math.PI * progress));
        return peak * (floorRatio + (1 - floorRatio) * cosine);
    }
}
