package io.agentforge.engine.training;

import io.agentforge.engine.evaluation.EvalResult;
import io.agentforge.engine.export.TrainingStats;
import io.agentforge.engine.model.LanguageModel;

import java.nio.file.Path;

/**
 * What a run produced. The caller owns the model and must close it.
 *
 * @param finalCheckpoint the last checkpoint written, or null when the run had no checkpoint directory
 * @param test            the test split's result (null when the run was stopped or diverged)
 * @param bestStep        the step of the best select evaluation, 0 when there was none; with
 *                        {@link TrainingRun#restoreBest()} the model holds that step's parameters
 */
public record TrainingResult(LanguageModel model, TrainingStats stats, Path finalCheckpoint, EvalResult test, Outcome outcome,
                             long bestStep) {

    public enum Outcome {
        /** Ran all steps. */
        COMPLETED,
        /** Stopped because the select loss stopped improving. */
        EARLY_STOPPED,
        /** Stopped by the stop signal; resume from the final checkpoint. */
        STOPPED,
        /**
         * The loss became NaN or infinite; the model is what it was at that step, or with
         * {@link TrainingRun#restoreBest()} and an evaluation before it, the best evaluated one.
         */
        DIVERGED
    }
}
