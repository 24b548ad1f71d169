package io.agentforge.engine.export;

import com.fasterxml.jackson.annotation.JsonProperty;

import java.util.List;

/**
 * A run's record, written as {@code training_stats.json} with SPEC §7's fields, plus the test split's figures (the
 * numbers to report).
 *
 * @param trainingTime seconds of training, excluding loading and the final test
 * @param modelSizeMb  size of the float32 parameters in MiB
 * @param selectLoss   the select split's loss at the last evaluation
 */
public record TrainingStats(
        @JsonProperty("model_name") String modelName,
        @JsonProperty("total_steps") long totalSteps,
        @JsonProperty("best_eval_loss") double bestEvalLoss,
        @JsonProperty("training_loss_history") List<Double> trainingLossHistory,
        @JsonProperty("eval_loss_history") List<Double> evalLossHistory,
        @JsonProperty("learning_rate_history") List<Double> learningRateHistory,
        @JsonProperty("training_time") double trainingTime,
        @JsonProperty("final_loss") double finalLoss,
        @JsonProperty("parameter_count") long parameterCount,
        @JsonProperty("model_size_mb") double modelSizeMb,
        @JsonProperty("test_loss") double testLoss,
        @JsonProperty("test_exact_match") double testExactMatch,
        @JsonProperty("select_loss") double selectLoss) {
}
