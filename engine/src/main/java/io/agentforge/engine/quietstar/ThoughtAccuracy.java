package io.agentforge.engine.quietstar;

import io.agentforge.engine.model.LanguageModel;
import io.agentforge.engine.tokenizer.ByteTokenizer;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeSet;

/**
 * Exact match of greedily generated answers under three conditions on the same weights (PHASES.md section 2.4):
 * <ul>
 *   <li>with thoughts: the model thinks after {@code <sot>} (closed at the cap), then answers;</li>
 *   <li>without: {@code <sot><eot>} is fed right after the question, so the model answers at once; nothing falls
 *       back to a thought, so a model that needs one scores lower here;</li>
 *   <li>scrambled: the model's own thought is replaced by as many random tokens of the scratchpad alphabet (the
 *       bytes of the reference thoughts), so extra positions remain and only the content is gone.</li>
 * </ul>
 * An answer counts when it ended with {@code <eos>} and its tokens equal the reference answer's.
 */
public final class ThoughtAccuracy {

    /** Tokens an answer may run past the longest reference answer of the split. */
    private static final int ANSWER_SLACK = 8;

    private ThoughtAccuracy() {
    }

    public enum Condition {
        WITH_THOUGHTS, WITHOUT_THOUGHTS, SCRAMBLED_THOUGHTS;

        public String wireName() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /** One problem under one condition. */
    public record Answered(int index, Condition condition, int[] thought, boolean capped, int[] answer, boolean ended,
                           boolean correct) {

        public Map<String, Object> describe(ByteTokenizer tokenizer) {
            var map = new LinkedHashMap<String, Object>();
            map.put("index", index);
            map.put("condition", condition.wireName());
            map.put("thought", tokenizer.decode(thought));
            map.put("thought_capped", capped);
            map.put("answer", tokenizer.decode(answer));
            map.put("ended", ended);
            map.put("correct", correct);
            return map;
        }
    }

    /**
     * @param accuracy   per condition, the share of problems answered right
     * @param answered   every problem under every condition measured, in problem order per condition
     * @param thoughtTokensMean the mean length of the model's own thoughts (with-thoughts condition)
     * @param cappedShare the share of those thoughts closed at the cap
     */
    public record Result(Map<Condition, Double> accuracy, List<Answered> answered, double thoughtTokensMean,
                         double cappedShare) {
        public double of(Condition condition) {
            return accuracy.getOrDefault(condition, Double.NaN);
        }
    }

    /** Every condition, on {@code problems}, in batches of {@code batchSize}; {@code seed} draws the scrambled tokens. */
    public static Result measure(LanguageModel model, List<ThoughtProblem> problems, int maxThoughtTokens, int batchSize,
                                 long seed) {
        return measure(model, problems, List.of(Condition.values()), maxThoughtTokens, batchSize, seed);
    }

    public static Result measure(LanguageModel model, List<ThoughtProblem> problems, List<Condition> conditions,
                                 int maxThoughtTokens, int batchSize, long seed) {
        if (problems.isEmpty()) {
            throw new IllegalArgumentException("problems: none to measure on");
        }
        int maxAnswer = problems.stream().mapToInt(p -> p.answer().length).max().orElseThrow() + ANSWER_SLACK;
        var settings = ThoughtDecoder.Settings.greedy(maxThoughtTokens, maxAnswer);
        var alphabet = alphabet(problems);
        var random = new Random(seed);
        var answered = new ArrayList<Answered>();
        var own = new ArrayList<ThoughtDecoder.Decoded>();
        boolean needOwn = conditions.contains(Condition.WITH_THOUGHTS) || conditions.contains(Condition.SCRAMBLED_THOUGHTS);
        if (needOwn) {
            own.addAll(decode(model, problems.stream().map(ThoughtProblem::thinkingPrefix).toList(), settings, batchSize));
        }
        var scrambled = new ArrayList<int[]>();
        for (var decoded : own) {
            scrambled.add(scramble(decoded.thought().length, alphabet, random));
        }
        var accuracy = new LinkedHashMap<Condition, Double>();
        for (var condition : conditions) {
            List<ThoughtDecoder.Decoded> decoded = switch (condition) {
                case WITH_THOUGHTS -> own;
                case WITHOUT_THOUGHTS -> decode(model, problems.stream().map(p -> p.prefixWith(new int[0])).toList(),
                        settings, batchSize);
                case SCRAMBLED_THOUGHTS -> {
                    var prefixes = new ArrayList<int[]>();
                    for (int i = 0; i < problems.size(); i++) {
                        prefixes.add(problems.get(i).prefixWith(scrambled.get(i)));
                    }
                    yield decode(model, prefixes, settings, batchSize);
                }
            };
            int correct = 0;
            for (int i = 0; i < problems.size(); i++) {
                var d = decoded.get(i);
                int[] thought = switch (condition) {
                    case WITH_THOUGHTS -> d.thought();
                    case WITHOUT_THOUGHTS -> new int[0];
                    case SCRAMBLED_THOUGHTS -> scrambled.get(i);
                };
                boolean right = d.ended() && Arrays.equals(d.answer(), problems.get(i).answer());
                correct += right ? 1 : 0;
                answered.add(new Answered(i, condition, thought, condition == Condition.WITH_THOUGHTS && d.capped(),
                        d.answer(), d.ended(), right));
            }
            accuracy.put(condition, (double) correct / problems.size());
        }
        double meanLength = own.stream().mapToInt(d -> d.thought().length).average().orElse(Double.NaN);
        double capped = own.isEmpty() ? Double.NaN : (double) own.stream().filter(ThoughtDecoder.Decoded::capped).count() / own.size();
        return new Result(accuracy, answered, meanLength, capped);
    }

    private static List<ThoughtDecoder.Decoded> decode(LanguageModel model, List<int[]> prefixes,
                                                        ThoughtDecoder.Settings settings, int batchSize) {
        var out = new ArrayList<ThoughtDecoder.Decoded>(prefixes.size());
        for (int start = 0; start < prefixes.size(); start += batchSize) {
            out.addAll(ThoughtDecoder.decode(model, prefixes.subList(start, Math.min(prefixes.size(), start + batchSize)),
                    settings));
        }
        return out;
    }

    /** The bytes the reference thoughts are written in (digits, operators, spaces, carry marks). */
    static int[] alphabet(List<ThoughtProblem> problems) {
        var tokens = new TreeSet<Integer>();
        problems.forEach(p -> Arrays.stream(p.thought()).forEach(tokens::add));
        return tokens.stream().mapToInt(Integer::intValue).toArray();
    }

    private static int[] scramble(int length, int[] alphabet, Random random) {
        int[] out = new int[length];
        for (int i = 0; i < length; i++) {
            out[i] = alphabet[random.nextInt(alphabet.length)];
        }
        return out;
    }
}
