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
 * @param skippedSteps    steps whose loss or gradient was NaN or infinite, skipped without an update (over the whole
 *                        run, resumes included)
 */
public record TrainingResult(LanguageModel model, TrainingStats stats, Path finalCheckpoint, EvalResult test, Outcome outcome,
                             long bestStep, long skippedSteps) {

    public enum Outcome {
        /** Ran all steps. */
        COMPLETED,
        /** Stopped because the select loss stopped improving. */
        EARLY_STOPPED,
        /** Stopped by the stop signal; resume from the final checkpoint. */
        STOPPED,
        /**
         * {@link TrainingRun#badStepLimit()} steps in a row had a NaN or infinite loss or gradient; the model is what it
         * was before them (they changed nothing), or with {@link TrainingRun#restoreBest()} and an evaluation before
         * them, the best evaluated one.
         */
        DIVERGED
    }
}
