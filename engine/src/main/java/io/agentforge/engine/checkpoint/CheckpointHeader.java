package io.agentforge.engine.checkpoint;

import io.agentforge.engine.model.TransformerConfig;

import java.util.List;

/**
 * The non-tensor state of a run at a step. The random state is the seed plus the data position: batches are drawn
 * from a permutation derived from (seed, epoch), and nothing else in a training step draws random numbers (no dropout).
 *
 * @param bestStep the step of the best select evaluation (0 before any, and in checkpoints written before it existed)
 * @param skippedSteps steps skipped by the NaN guard so far, and {@code badStepsInARow} of them the last ones (both 0 in
 *                 checkpoints written before the guard skipped steps)
 */
public record CheckpointHeader(
        String modelName,
        TransformerConfig config,
        long step,
        long seed,
        int dataEpoch,
        int dataPosition,
        long optimizerSteps,
        long grokFastSteps,
        double bestEvalLoss,
        int evalsWithoutImprovement,
        double trainingTimeSeconds,
        List<Double> trainingLossHistory,
        List<Double> learningRateHistory,
        List<Double> evalLossHistory,
        long bestStep,
        long skippedSteps,
        int badStepsInARow) {
}
