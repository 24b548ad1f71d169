package io.agentforge.contracts.training;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

/**
 * The core settings of a training run (SPEC section 3). Phase-specific settings travel in the job's parameters.
 *
 * @param maxSteps        optimizer steps to run
 * @param batchSize       sequences per step
 * @param learningRate    peak learning rate
 * @param outputDir       where the run writes checkpoints and artifacts (may be null: the service chooses)
 * @param maxTrainSamples cap on training samples, or null for the dataset's size
 * @param maxEvalSamples  cap on evaluation samples, or null for the dataset's size
 * @param useGrokfast     whether the GrokFast gradient filter runs; true when absent
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record TrainingConfig(int maxSteps, int batchSize, double learningRate, String outputDir,
                             Integer maxTrainSamples, Integer maxEvalSamples, Boolean useGrokfast) {
    public TrainingConfig {
        if (useGrokfast == null) {
            useGrokfast = Boolean.TRUE;
        }
    }
}
