package io.agentforge.engine.quietstar;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.GradientCollector;
import io.agentforge.engine.model.InferenceMode;
import io.agentforge.engine.model.LanguageModel;
import io.agentforge.engine.tokenizer.SpecialToken;
import io.agentforge.engine.training.AdamOptimizer;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Stage B of Quiet-STaR at answer level (PHASES.md section 2.4): per question, K thoughts sampled at a temperature
 * (closed at the cap), each rewarded by how much it raises the likelihood of the right answer against the others,
 * <pre>
 *   r_k = log p(answer | q, c_k) − mean_j log p(answer | q, c_j)      (clipped to ±reward_clip)
 *   loss = (1/Q) Σ_q [ −Σ_k r_k · log p(c_k | q)  −  log p(answer | q, c_best) ]
 * </pre>
 * where {@code log p(c | q)} covers the thought's tokens and its {@code <eot>}, and c_best is the thought with the
 * highest reward. The gradient is clipped to a global norm and applied with Adam. Must run on the thread that owns
 * the JVM's one gradient collector (one trainer at a time, as {@link io.agentforge.engine.training.Trainer}).
 */
public final class ThoughtReinforce {

    /**
     * @param thoughtsPerQuestion K
     * @param maxThoughtTokens    the cap at which {@code <eot>} is forced
     * @param temperature         of thought sampling (1 in the paper)
     * @param rewardClip          |r_k| is cut to this (high variance at tiny batches)
     * @param clipNorm            global gradient-norm limit, 0 for none
     */
    public record Settings(int thoughtsPerQuestion, int maxThoughtTokens, double temperature, double rewardClip,
                           double clipNorm) {
        public Settings {
            if (thoughtsPerQuestion < 2) {
                throw new IllegalArgumentException("thoughts_per_question: at least 2 (the baseline is their mean), was "
                        + thoughtsPerQuestion);
            }
            if (maxThoughtTokens < 1) {
                throw new IllegalArgumentException("max_thought_tokens: must be at least 1, was " + maxThoughtTokens);
            }
            if (!(rewardClip > 0) || !(clipNorm >= 0) || !(temperature > 0)) {
                throw new IllegalArgumentException("reward_clip and temperature: must be positive; clip_norm at least 0");
            }
        }
    }

    /**
     * What one step measured, before its update.
     *
     * @param meanAnswerLogProb the mean raw reward log p(answer | q, c_k) over the sampled thoughts (the baselined
     *                          r_k average to 0 by construction, so this is the number that shows progress)
     * @param meanAbsAdvantage  the mean |r_k|: how much the thoughts of one question differ in use
     * @param cappedShare       the share of sampled thoughts closed at the cap
     */
    public record Step(double meanAnswerLogProb, double meanAbsAdvantage, double loss, double gradNorm,
                       double cappedShare) {
        public Map<String, Double> metrics() {
            var m = new LinkedHashMap<String, Double>();
            m.put("mean_reward", meanAnswerLogProb);
            m.put("mean_abs_advantage", meanAbsAdvantage);
            m.put("loss", loss);
            m.put("grad_norm", gradNorm);
            m.put("capped_share", cappedShare);
            return m;
        }
    }

    private final LanguageModel model;
    private final AdamOptimizer optimizer;
    private final Settings settings;

    public ThoughtReinforce(LanguageModel model, AdamOptimizer optimizer, Settings settings) {
        this.model = model;
        this.optimizer = optimizer;
        this.settings = settings;
    }

    /** Samples K thoughts per question with {@code seed}, then {@link #learn}s from them. */
    public Step step(List<ThoughtProblem> questions, double learningRate, long seed) {
        var prefixes = new ArrayList<int[]>();
        for (var question : questions) {
            for (int k = 0; k < settings.thoughtsPerQuestion(); k++) {
                prefixes.add(question.thinkingPrefix());
            }
        }
        var decoded = ThoughtDecoder.decode(model, prefixes,
                ThoughtDecoder.Settings.sampledThoughts(settings.maxThoughtTokens(), settings.temperature(), seed));
        var thoughts = new ArrayList<List<int[]>>();
        int capped = 0;
        for (int q = 0; q < questions.size(); q++) {
            var ofQuestion = new ArrayList<int[]>();
            for (int k = 0; k < settings.thoughtsPerQuestion(); k++) {
                var row = decoded.get(q * settings.thoughtsPerQuestion() + k);
                // Scoring appends the answer: a thought is cut, as at the cap, where the whole would overflow.
                var question = questions.get(q);
                int room = model.config().contextLength() - question.question().length - question.answer().length - 2;
                boolean cut = row.thought().length > room;
                ofQuestion.add(cut ? Arrays.copyOf(row.thought(), Math.max(0, room)) : row.thought());
                capped += row.capped() || cut ? 1 : 0;
            }
            thoughts.add(ofQuestion);
        }
        var step = learn(questions, thoughts, learningRate);
        return new Step(step.meanAnswerLogProb(), step.meanAbsAdvantage(), step.loss(), step.gradNorm(),
                (double) capped / decoded.size());
    }

    /** One update from given thoughts (each question's list holds its K thoughts, without {@code <sot>/<eot>}). */
    public Step learn(List<ThoughtProblem> questions, List<List<int[]>> thoughts, double learningRate) {
        var sequences = new ArrayList<Scored>();
        for (int q = 0; q < questions.size(); q++) {
            for (int[] thought : thoughts.get(q)) {
                sequences.add(Scored.of(questions.get(q), thought));
            }
        }
        try (NDManager scope = NDManager.newBaseManager()) {
            var batch = Scored.batch(sequences, model.config().contextLength(), scope);
            double loss;
            double meanAnswer = 0;
            double meanAbs = 0;
            try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                NDArray picked = tokenLogProbabilities(model, batch.inputs, batch.targets);
                NDArray thoughtLp = picked.mul(batch.thoughtWeights).sum(new int[] {1});
                NDArray answerLp = picked.mul(batch.answerWeights).sum(new int[] {1});
                float[] answers = answerLp.toFloatArray();
                float[] rewards = new float[answers.length];
                float[] best = new float[answers.length];
                int row = 0;
                for (var ofQuestion : thoughts) {
                    int k = ofQuestion.size();
                    double mean = 0;
                    for (int j = 0; j < k; j++) {
                        mean += answers[row + j];
                    }
                    mean /= k;
                    int bestRow = row;
                    for (int j = 0; j < k; j++) {
                        double r = Math.clamp(answers[row + j] - mean, -settings.rewardClip(), settings.rewardClip());
                        rewards[row + j] = (float) r;
                        meanAbs += Math.abs(r);
                        meanAnswer += answers[row + j];
                        if (answers[row + j] > answers[bestRow]) {
                            bestRow = row + j;
                        }
                    }
                    best[bestRow] = 1f;
                    row += k;
                }
                meanAnswer /= answers.length;
                meanAbs /= answers.length;
                NDArray policy = thoughtLp.mul(scope.create(rewards)).sum().neg();
                NDArray answerNll = answerLp.mul(scope.create(best)).sum().neg();
                NDArray total = policy.add(answerNll).div(questions.size());
                loss = total.getFloat();
                collector.backward(total);
            }
            double norm = update(scope, learningRate);
            return new Step(meanAnswer, meanAbs, loss, norm, 0);
        }
    }

    /** Clips the gradients to the global norm, applies Adam, zeroes the gradients; returns the norm before clipping. */
    private double update(NDManager scope, double learningRate) {
        var gradients = new LinkedHashMap<String, NDArray>();
        model.parameters().forEach((name, p) -> {
            NDArray g = p.getGradient();
            g.attach(scope);
            gradients.put(name, g);
        });
        double squares = 0;
        for (NDArray g : gradients.values()) {
            squares += g.square().sum().getFloat();
        }
        double norm = Math.sqrt(squares);
        if (Double.isFinite(norm)) {
            if (settings.clipNorm() > 0 && norm > settings.clipNorm()) {
                double factor = settings.clipNorm() / (norm + 1e-6);
                gradients.values().forEach(g -> g.muli(factor));
            }
            optimizer.step(model.parameters(), gradients, learningRate, scope);
        }
        model.parameters().values().forEach(p -> JniUtils.zeroGrad((PtNDArray) p));
        return norm;
    }

    /**
     * log p(thought + {@code <eot>} | q) and log p(answer + {@code <eos>} | q, thought) of each thought, without a
     * gradient: what a reward is made of, and what a test watches move.
     */
    public static double[][] logProbabilities(LanguageModel model, ThoughtProblem question, List<int[]> thoughts) {
        InferenceMode.enter();
        var sequences = thoughts.stream().map(t -> Scored.of(question, t)).toList();
        try (NDManager scope = NDManager.newBaseManager()) {
            var batch = Scored.batch(sequences, model.config().contextLength(), scope);
            NDArray picked = tokenLogProbabilities(model, batch.inputs, batch.targets);
            float[] thought = picked.mul(batch.thoughtWeights).sum(new int[] {1}).toFloatArray();
            float[] answer = picked.mul(batch.answerWeights).sum(new int[] {1}).toFloatArray();
            var out = new double[thoughts.size()][];
            for (int i = 0; i < out.length; i++) {
                out[i] = new double[] {thought[i], answer[i]};
            }
            return out;
        }
    }

    private static NDArray tokenLogProbabilities(LanguageModel model, NDArray inputs, NDArray targets) {
        NDArray logits = model.forward(inputs);
        return logits.logSoftmax(-1).gather(targets.expandDims(-1), -1).squeeze(-1);
    }

    /** One sequence with the spans its two log-probabilities cover, as target positions. */
    private record Scored(int[] sequence, int thoughtFrom, int answerFrom) {

        static Scored of(ThoughtProblem question, int[] thought) {
            int[] sequence = question.sequenceWith(thought);
            // Target t predicts sequence[t + 1]: the thought's first token follows <sot> at question.length.
            int thoughtFrom = question.question().length;
            int answerFrom = thoughtFrom + thought.length + 1;
            return new Scored(sequence, thoughtFrom, answerFrom);
        }

        record Batch(NDArray inputs, NDArray targets, NDArray thoughtWeights, NDArray answerWeights) {
        }

        static Batch batch(List<Scored> rows, int contextLength, NDManager manager) {
            int time = rows.stream().mapToInt(r -> r.sequence.length - 1).max().orElseThrow();
            if (time > contextLength) {
                throw new IllegalArgumentException("thought: a question, thought and answer of " + (time + 1)
                        + " tokens do not fit context_length " + contextLength + "; lower max_thought_tokens");
            }
            int n = rows.size();
            long[] inputs = new long[n * time];
            long[] targets = new long[n * time];
            float[] thought = new float[n * time];
            float[] answer = new float[n * time];
            Arrays.fill(inputs, SpecialToken.PADDING.id());
            Arrays.fill(targets, SpecialToken.PADDING.id());
            for (int r = 0; r < n; r++) {
                var row = rows.get(r);
                int length = row.sequence.length - 1;
                for (int t = 0; t < length; t++) {
                    inputs[r * time + t] = row.sequence[t];
                    targets[r * time + t] = row.sequence[t + 1];
                    if (t >= row.thoughtFrom && t < row.answerFrom) {
                        thought[r * time + t] = 1f;
                    } else if (t >= row.answerFrom) {
                        answer[r * time + t] = 1f;
                    }
                }
            }
            var shape = new Shape(n, time);
            return new Batch(manager.create(inputs, shape), manager.create(targets, shape),
                    manager.create(thought, shape), manager.create(answer, shape));
        }
    }
}
