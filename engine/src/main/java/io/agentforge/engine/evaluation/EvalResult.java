package io.agentforge.engine.evaluation;

import java.util.List;

/**
 * Loss and accuracy on one split.
 *
 * @param loss          mean next-token cross-entropy (nats) over the scored tokens of the split's first examples
 * @param scoredTokens  how many tokens the loss averages (the token budget, or the whole split when smaller)
 * @param exactMatch    share of the answered examples whose greedily generated final answer equals the reference; NaN
 *                      when not measured (no example has an answer, or generation was not asked for)
 * @param examples      how many examples were answered by generation (0 when exact match was not measured)
 * @param results       one per answered example, in split order
 */
public record EvalResult(String split, double loss, long scoredTokens, double exactMatch, int examples,
                         List<ExampleResult> results) {

    public EvalResult {
        results = List.copyOf(results);
    }
}
