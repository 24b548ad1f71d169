package io.agentforge.engine.evaluation;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.agentforge.engine.data.Example;
import io.agentforge.engine.model.InferenceMode;
import io.agentforge.engine.model.KvCache;
import io.agentforge.engine.model.LanguageModel;
import io.agentforge.engine.model.TransformerConfig;
import io.agentforge.engine.tokenizer.SpecialToken;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The one evaluation harness of every phase, benchmark and run: the mean loss over a fixed token budget of a split,
 * and the exact match of the answers the model generates greedily, with each example's result. Generation runs in
 * batches of examples whose prompts have the same length, so that they share positions and one key/value cache.
 */
public final class Evaluator {

    /** Tokens a generated answer may run past the longest reference answer of its batch. */
    private static final int ANSWER_SLACK = 8;

    private Evaluator() {
    }

    public static EvalResult evaluate(LanguageModel model, String split, List<Example> examples, EvalSettings settings) {
        try (NDManager scope = NDManager.newBaseManager()) {
            return evaluate(model, split, examples, settings, scope);
        }
    }

    /** The loss over every token of the examples, without generation: for comparing two models on the same data. */
    public static EvalResult evaluate(LanguageModel model, String split, List<Example> examples, int batchSize,
                                      NDManager parent) {
        return evaluate(model, split, examples, new EvalSettings(Integer.MAX_VALUE, 0, batchSize), parent);
    }

    public static EvalResult evaluate(LanguageModel model, String split, List<Example> examples, EvalSettings settings,
                                      NDManager parent) {
        InferenceMode.enter();
        double lossSum = 0;
        long scored = 0;
        int context = model.config().contextLength();
        for (int start = 0; start < examples.size() && scored < settings.tokenBudget(); start += settings.batchSize()) {
            var chunk = withinBudget(examples.subList(start, Math.min(examples.size(), start + settings.batchSize())),
                    settings.tokenBudget() - scored, scored == 0);
            if (chunk.isEmpty()) {
                break;
            }
            // Inputs, labels and every intermediate live in this sub-manager: nothing outlives the batch.
            try (NDManager scope = parent.newSubManager()) {
                Batch batch = Batch.of(chunk, context, scope);
                NDArray logits = model.forward(batch.inputs());
                lossSum += batch.negativeLogLikelihood(logits).sum().getFloat();
                scored += batch.scoredTokens();
            }
        }
        double loss = scored == 0 ? Double.NaN : lossSum / scored;
        var answered = examples.subList(0, Math.min(examples.size(), settings.exactMatchLimit()));
        if (answered.stream().noneMatch(Example::hasAnswer)) {
            return new EvalResult(split, loss, scored, Double.NaN, 0, List.of());
        }
        var results = answer(model, answered, settings.batchSize(), parent);
        long correct = results.stream().filter(ExampleResult::correct).count();
        return new EvalResult(split, loss, scored, (double) correct / results.size(), results.size(), results);
    }

    /** A fresh model of the same shape, evaluated the same way: what an untrained model scores (≈ ln |V|, ≈ 0). */
    public static EvalResult randomBaseline(TransformerConfig config, long seed, String split, List<Example> examples,
                                            EvalSettings settings) {
        try (var model = LanguageModel.initialize(config, seed)) {
            return evaluate(model, split, examples, settings);
        }
    }

    /**
     * The leading examples whose scored tokens fit the remaining budget; the split's very first example always, so
     * that a budget smaller than one example still measures something.
     */
    private static List<Example> withinBudget(List<Example> chunk, long budget, boolean first) {
        long used = 0;
        int take = 0;
        for (Example e : chunk) {
            int tokens = e.tokens().length - Math.max(1, e.promptLength());
            if (!(first && take == 0) && used + tokens > budget) {
                break;
            }
            used += tokens;
            take++;
        }
        return chunk.subList(0, take);
    }

    private static List<ExampleResult> answer(LanguageModel model, List<Example> examples, int batchSize, NDManager parent) {
        var results = new ExampleResult[examples.size()];
        // Examples with the same prompt length decode side by side; order within a length is the split's.
        Map<Integer, List<Integer>> byLength = new LinkedHashMap<>();
        for (int i = 0; i < examples.size(); i++) {
            var e = examples.get(i);
            if (e.hasAnswer()) {
                byLength.computeIfAbsent(e.promptLength(), k -> new ArrayList<>()).add(i);
            } else {
                results[i] = new ExampleResult(i, e.prompt(), e.answer(), new int[0], false);
            }
        }
        for (var group : byLength.values()) {
            for (int start = 0; start < group.size(); start += batchSize) {
                var indices = group.subList(start, Math.min(group.size(), start + batchSize));
                var prompts = indices.stream().map(i -> examples.get(i).prompt()).toList();
                var references = indices.stream().map(i -> examples.get(i).answer()).toList();
                int longest = indices.stream().mapToInt(i -> examples.get(i).answer().length).max().orElse(1);
                boolean open = indices.stream().allMatch(i -> Answers.finalAnswer(examples.get(i).answer()) != null);
                // Answers that end with end-of-text may run longer; fixed-length answers are compared on their length.
                var generated = greedy(model, prompts, references, open ? longest + ANSWER_SLACK : longest, parent);
                for (int r = 0; r < indices.size(); r++) {
                    var e = examples.get(indices.get(r));
                    results[indices.get(r)] = new ExampleResult(indices.get(r), e.prompt(), e.answer(), generated.get(r),
                            Answers.matches(generated.get(r), e.answer()));
                }
            }
        }
        return Arrays.asList(results);
    }

    /** Greedy continuations of prompts of one length, each to its end-of-text token or the budget. */
    static List<int[]> greedy(LanguageModel model, List<int[]> prompts, int budget, NDManager parent) {
        return greedy(model, prompts, null, budget, parent);
    }

    /**
     * Greedy continuations of prompts of one length, up to {@code budget} new tokens each (fewer when the context
     * ends first); a row stops at its end-of-text token, or, when a reference without a thought is given, as soon
     * as it leaves the reference (it can no longer match, and an untrained model would otherwise run to the budget).
     */
    static List<int[]> greedy(LanguageModel model, List<int[]> prompts, List<int[]> references, int budget,
                              NDManager parent) {
        int rows = prompts.size();
        int length = prompts.getFirst().length;
        int steps = Math.min(budget, model.config().contextLength() - length + 1);
        var produced = new int[rows][steps];
        var counts = new int[rows];
        var done = new boolean[rows];
        long[] input = new long[rows * length];
        for (int r = 0; r < rows; r++) {
            for (int t = 0; t < length; t++) {
                input[r * length + t] = prompts.get(r)[t];
            }
        }
        try (NDManager scope = parent.newSubManager(); KvCache cache = new KvCache(model.config())) {
            long[] next = lastArgMax(model, scope, input, rows, length, cache);
            for (int step = 0; step < steps; step++) {
                boolean all = true;
                for (int r = 0; r < rows; r++) {
                    if (!done[r]) {
                        produced[r][counts[r]++] = (int) next[r];
                        done[r] = next[r] == SpecialToken.END_OF_TEXT.id()
                                || references != null && leftReference(produced[r], counts[r], references.get(r));
                    }
                    all &= done[r];
                }
                if (all || step == steps - 1) {
                    break;
                }
                next = lastArgMax(model, scope, next, rows, 1, cache);
            }
        }
        var out = new ArrayList<int[]>(rows);
        for (int r = 0; r < rows; r++) {
            out.add(Arrays.copyOf(produced[r], counts[r]));
        }
        return out;
    }

    private static long[] lastArgMax(LanguageModel model, NDManager parent, long[] tokens, int rows, int time, KvCache cache) {
        try (NDManager step = parent.newSubManager()) {
            NDArray logits = model.forward(step.create(tokens, new Shape(rows, time)), cache);
            return logits.get(":, " + (time - 1) + ", :").argMax(-1).toLongArray();
        }
    }

    /** Whether the generated tokens already differ from a reference that has no thought (whose answer is its whole). */
    private static boolean leftReference(int[] produced, int count, int[] reference) {
        for (int token : reference) {
            if (token == SpecialToken.THOUGHT_END.id()) {
                return false;
            }
        }
        int at = count - 1;
        return at >= reference.length || produced[at] != reference[at];
    }
}
