package io.agentforge.engine.evaluation;

/**
 * How much of a split an evaluation reads.
 *
 * @param tokenBudget       the loss is the mean over the scored tokens of the split's first examples, in split order,
 *                          until this many tokens are scored (every model is measured on the same tokens)
 * @param exactMatchLimit   how many of the split's first examples are answered by greedy generation; 0 for none
 * @param batchSize         examples per forward pass
 */
public record EvalSettings(int tokenBudget, int exactMatchLimit, int batchSize) {

    /** About 32k tokens (PHASES.md section 0.4) and up to 500 answered examples. */
    public static final int DEFAULT_TOKEN_BUDGET = 32_768;
    public static final int DEFAULT_EXACT_MATCH_LIMIT = 500;

    public EvalSettings {
        if (tokenBudget < 1) {
            throw new IllegalArgumentException("token_budget: must be at least 1, was " + tokenBudget);
        }
        if (exactMatchLimit < 0) {
            throw new IllegalArgumentException("exact_match_limit: must be at least 0, was " + exactMatchLimit);
        }
        if (batchSize < 1) {
            throw new IllegalArgumentException("eval_batch_size: must be at least 1, was " + batchSize);
        }
    }

    public static EvalSettings defaults(int batchSize) {
        return new EvalSettings(DEFAULT_TOKEN_BUDGET, DEFAULT_EXACT_MATCH_LIMIT, batchSize);
    }

    /** The loss only: for evaluations during training, where generation would cost more than the steps. */
    public EvalSettings lossOnly() {
        return new EvalSettings(tokenBudget, 0, batchSize);
    }
}
