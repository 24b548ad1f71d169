package io.agentforge.engine.training;

/**
 * Loss and accuracy on one split.
 *
 * @param exactMatch share of examples whose whole answer the model predicts (greedy, given the question); NaN for
 *                   plain text, which has no answers
 */
public record EvalResult(String split, double loss, double exactMatch, int examples) {
}
