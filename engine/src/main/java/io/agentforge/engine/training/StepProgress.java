package io.agentforge.engine.training;

import io.agentforge.engine.evaluation.EvalResult;

/**
 * What one optimizer step measured.
 *
 * @param gradNorm     global L2 norm of the (filtered) gradient before clipping
 * @param tokensPerSec input tokens of the step over its wall time
 * @param tokens       input tokens of the step (every micro-batch), as counted, not estimated
 * @param eval         the select split's result when this step evaluated, else null
 */
public record StepProgress(long step, long totalSteps, double loss, double learningRate, double gradNorm,
                           double tokensPerSec, long tokens, EvalResult eval) {
}
