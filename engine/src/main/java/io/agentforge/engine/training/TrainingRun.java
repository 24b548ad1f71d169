package io.agentforge.engine.training;

import io.agentforge.engine.data.DatasetSplits;
import io.agentforge.engine.evaluation.EvalSettings;
import io.agentforge.engine.grokfast.GrokFastSettings;
import io.agentforge.engine.model.LanguageModel;
import io.agentforge.engine.model.TransformerConfig;

import java.nio.file.Path;
import java.util.List;

/**
 * Everything a training run needs. Build one with {@link #builder}; the constructor rejects bad values with an
 * {@link IllegalArgumentException} naming the field.
 *
 * @param accumulationSteps   micro-batches of {@code batchSize} summed into one optimizer step
 * @param minLearningRateRatio the cosine schedule's floor as a share of the peak; 1 keeps the rate constant after warm-up
 * @param clipNorm            global gradient-norm limit, 0 for none
 * @param evalInterval        steps between evaluations on {@code select}
 * @param selectExactMatch    whether each select evaluation also generates the answers (accuracy curves, e.g. of
 *                            grokking); otherwise it measures the loss only and answers are generated on test
 * @param earlyStoppingPatience evaluations without a better select loss before stopping, 0 for never
 * @param earlyStoppingMinDelta how much lower than the best a select loss must be to count as better
 * @param checkpointDir       where {@code checkpoint.ckpt} is written, or null for no checkpoints
 * @param checkpointInterval  steps between checkpoints, 0 for only at the end and on stop
 * @param resumeFrom          a checkpoint file to continue from, or null
 * @param init                how fresh parameters are drawn when there is neither a checkpoint nor an initial state
 * @param initialState        an exported model directory whose parameters replace the random init (a shared
 *                            ancestor for models that will be merged), or null; it may differ from {@code model} in its
 *                            quantization only, and is then converted (a full-precision or ternary model becomes the
 *                            latent weights of a BitNet run)
 * @param quantizationRampSteps a BitNet model's strength λ rises linearly from 0 to 1 over these first steps (the
 *                            ramp that avoids the loss spike of switching to ternary at once); 0 for ternary from the
 *                            first step
 * @param weightDecayUntil    the share of {@code maxSteps} after which weight decay is 0 (BitNet b1.58's schedule:
 *                            0.5 for "to zero in the second half"); 1 for decay throughout
 * @param restoreBest         whether the run ends with the parameters of its best select evaluation rather than its
 *                            last step's (early stopping that returns the best weights); the test split is then
 *                            evaluated on those
 * @param distillation        a teacher whose logits the loss also matches ({@link Distillation}), or null to train on
 *                            the targets alone
 * @param badStepLimit        the NaN guard: a step whose loss or gradient is NaN or infinite changes nothing (no
 *                            update, no GrokFast or Adam state, no history) and is counted; after this many such steps
 *                            in a row the run ends as {@link TrainingResult.Outcome#DIVERGED}. 1 ends it at the first
 */
public record TrainingRun(
        String modelName,
        TransformerConfig model,
        DatasetSplits data,
        OptimizerSettings optimizer,
        GrokFastSettings grokFast,
        int maxSteps,
        int batchSize,
        int accumulationSteps,
        int warmupSteps,
        double minLearningRateRatio,
        double clipNorm,
        int evalInterval,
        int evalBatchSize,
        boolean selectExactMatch,
        int earlyStoppingPatience,
        double earlyStoppingMinDelta,
        long seed,
        Path checkpointDir,
        int checkpointInterval,
        Path resumeFrom,
        Path initialState,
        LanguageModel.Init init,
        int quantizationRampSteps,
        double weightDecayUntil,
        boolean restoreBest,
        Distillation distillation,
        int badStepLimit) {

    public TrainingRun {
        require(modelName != null && !modelName.isBlank(), "model_name", "must not be blank");
        require(model != null, "model_preset", "is required");
        require(data != null, "dataset", "is required");
        require(optimizer != null, "optimizer", "is required");
        require(init != null, "init", "is required");
        require(grokFast != null, "grokfast", "is required (use GrokFastSettings.Off)");
        require(maxSteps >= 1, "max_steps", "must be at least 1, was " + maxSteps);
        require(batchSize >= 1, "batch_size", "must be at least 1, was " + batchSize);
        require(accumulationSteps >= 1, "accumulation_steps", "must be at least 1, was " + accumulationSteps);
        require(warmupSteps >= 0, "warmup_steps", "must be at least 0, was " + warmupSteps);
        require(minLearningRateRatio >= 0 && minLearningRateRatio <= 1, "min_lr_ratio", "must be in [0, 1], was " + minLearningRateRatio);
        require(clipNorm >= 0, "clip_norm", "must be at least 0, was " + clipNorm);
        require(evalInterval >= 1, "eval_interval", "must be at least 1, was " + evalInterval);
        require(evalBatchSize >= 1, "eval_batch_size", "must be at least 1, was " + evalBatchSize);
        require(earlyStoppingPatience >= 0, "early_stopping_patience", "must be at least 0, was " + earlyStoppingPatience);
        require(earlyStoppingMinDelta >= 0, "early_stopping_min_delta", "must be at least 0, was " + earlyStoppingMinDelta);
        require(checkpointInterval >= 0, "checkpoint_interval", "must be at least 0, was " + checkpointInterval);
        require(quantizationRampSteps >= 0, "quantization_ramp_steps", "must be at least 0, was " + quantizationRampSteps);
        require(badStepLimit >= 1, "bad_step_limit", "must be at least 1, was " + badStepLimit);
        require(weightDecayUntil >= 0 && weightDecayUntil <= 1, "weight_decay_until", "must be in [0, 1], was " + weightDecayUntil);
        int longest = longest(data);
        require(longest <= model.contextLength() + 1, "dataset", "an example of " + longest
                + " tokens does not fit context_length " + model.contextLength() + " (split with the model's context"
                + " to leave such examples out)");
        int maxToken = maxToken(data);
        require(maxToken < model.vocabSize(), "dataset", "token id " + maxToken + " is outside vocab_size " + model.vocabSize());
        if (distillation != null) {
            var teacher = distillation.teacher().config();
            require(teacher.vocabSize() == model.vocabSize(), "teacher", "vocab_size " + teacher.vocabSize()
                    + " differs from the student's " + model.vocabSize());
            require(teacher.contextLength() >= longest - 1, "teacher", "context_length " + teacher.contextLength()
                    + " is shorter than the data's " + (longest - 1) + " input tokens");
        }
    }

    /** How select (loss only, during training) and test (loss and generated answers, at the end) are evaluated. */
    public EvalSettings evalSettings() {
        return EvalSettings.defaults(evalBatchSize);
    }

    /** How select is evaluated during training: its loss, and every example's generated answer when asked for. */
    public EvalSettings selectEvalSettings() {
        var settings = evalSettings();
        return selectExactMatch
                ? new EvalSettings(settings.tokenBudget(), Integer.MAX_VALUE, evalBatchSize)
                : settings.lossOnly();
    }

    /** λ at {@code step} (counting from 1): step / ramp steps, at most 1. */
    public double quantizationStrengthAt(long step) {
        return quantizationRampSteps == 0 ? 1.0 : Math.min(1.0, (double) step / quantizationRampSteps);
    }

    /** The optimizer's weight decay at {@code step} (counting from 1): its setting, or 0 after {@code weightDecayUntil}. */
    public double weightDecayAt(long step) {
        return step > weightDecayUntil * maxSteps ? 0 : optimizer.weightDecay();
    }

    public static Builder builder(TransformerConfig model, DatasetSplits data) {
        return new Builder(model, data);
    }

    private static int longest(DatasetSplits data) {
        int longest = 0;
        for (var split : List.of(data.train(), data.select(), data.test())) {
            for (var example : split) {
                longest = Math.max(longest, example.tokens().length);
            }
        }
        return longest;
    }

    private static int maxToken(DatasetSplits data) {
        int max = 0;
        for (var split : List.of(data.train(), data.select(), data.test())) {
            for (var example : split) {
                for (int token : example.tokens()) {
                    max = Math.max(max, token);
                }
            }
        }
        return max;
    }

    private static void require(boolean ok, String field, String message) {
        if (!ok) {
            throw new IllegalArgumentException(field + ": " + message);
        }
    }

    /** Defaults follow SPEC §7: 2000 steps, lr 2e-4 AdamW, GrokFast EMA 0.98/2.0, seed 42. */
    public static final class Builder {
        private String modelName = "model";
        private final TransformerConfig model;
        private final DatasetSplits data;
        private OptimizerSettings optimizer = OptimizerSettings.adamW(2e-4);
        private GrokFastSettings grokFast = GrokFastSettings.defaults();
        private int maxSteps = 2000;
        private int batchSize = 16;
        private int accumulationSteps = 1;
        private int warmupSteps = 100;
        private double minLearningRateRatio = 0.1;
        private double clipNorm = 1.0;
        private int evalInterval = 100;
        private int evalBatchSize = 64;
        private boolean selectExactMatch;
        private int earlyStoppingPatience = 0;
        private double earlyStoppingMinDelta = 0;
        private long seed = 42;
        private Path checkpointDir;
        private int checkpointInterval;
        private Path resumeFrom;
        private Path initialState;
        private LanguageModel.Init init = LanguageModel.Init.GPT2;
        private int quantizationRampSteps;
        private double weightDecayUntil = 1.0;
        private boolean restoreBest;
        private Distillation distillation;
        private int badStepLimit = 1;

        private Builder(TransformerConfig model, DatasetSplits data) {
            this.model = model;
            this.data = data;
        }

        public Builder modelName(String v) { modelName = v; return this; }
        public Builder optimizer(OptimizerSettings v) { optimizer = v; return this; }
        public Builder learningRate(double v) { optimizer = optimizer.withLearningRate(v); return this; }
        public Builder grokFast(GrokFastSettings v) { grokFast = v; return this; }
        public Builder maxSteps(int v) { maxSteps = v; return this; }
        public Builder batchSize(int v) { batchSize = v; return this; }
        public Builder accumulationSteps(int v) { accumulationSteps = v; return this; }
        public Builder warmupSteps(int v) { warmupSteps = v; return this; }
        public Builder minLearningRateRatio(double v) { minLearningRateRatio = v; return this; }
        public Builder clipNorm(double v) { clipNorm = v; return this; }
        public Builder evalInterval(int v) { evalInterval = v; return this; }
        public Builder evalBatchSize(int v) { evalBatchSize = v; return this; }
        public Builder selectExactMatch(boolean v) { selectExactMatch = v; return this; }
        public Builder earlyStoppingPatience(int v) { earlyStoppingPatience = v; return this; }
        public Builder earlyStoppingMinDelta(double v) { earlyStoppingMinDelta = v; return this; }
        public Builder seed(long v) { seed = v; return this; }
        public Builder checkpointDir(Path v) { checkpointDir = v; return this; }
        public Builder checkpointInterval(int v) { checkpointInterval = v; return this; }
        public Builder resumeFrom(Path v) { resumeFrom = v; return this; }
        public Builder initialState(Path v) { initialState = v; return this; }
        public Builder init(LanguageModel.Init v) { init = v; return this; }
        public Builder quantizationRampSteps(int v) { quantizationRampSteps = v; return this; }
        public Builder weightDecayUntil(double v) { weightDecayUntil = v; return this; }
        public Builder restoreBest(boolean v) { restoreBest = v; return this; }
        public Builder distillation(Distillation v) { distillation = v; return this; }
        public Builder badStepLimit(int v) { badStepLimit = v; return this; }

        public TrainingRun build() {
            return new TrainingRun(modelName, model, data, optimizer, grokFast, maxSteps, batchSize, accumulationSteps,
                    warmupSteps, minLearningRateRatio, clipNorm, evalInterval, evalBatchSize, selectExactMatch, earlyStoppingPatience, earlyStoppingMinDelta, seed,
                    checkpointDir, checkpointInterval, resumeFrom, initialState, init, quantizationRampSteps, weightDecayUntil,
                    restoreBest, distillation, badStepLimit);
        }
    }
}
