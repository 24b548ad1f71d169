package io.agentforge.engine.data;

import io.agentforge.engine.tokenizer.ByteTokenizer;
import io.agentforge.engine.tokenizer.SpecialToken;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Arithmetic a small model cannot do in its head, written with a calculator call and its result (PHASES.md section
 * 5.4): products of a 3-digit and a 2-digit number and sums of two 4-digit numbers, as bare sums or short word
 * problems. One example is
 * <pre>
 *   Q:What is 347 times 29?\n  &lt;|toolcall|&gt;347*29&lt;|endoftoolcall|&gt;&lt;|toolresult|&gt;10063&lt;|endoftoolresult|&gt;A:10063&lt;|endoftext|&gt;
 * </pre>
 * where the question and its new line are the prompt; the result between the result tokens is supplied by the runtime
 * and never scored (see {@link io.agentforge.engine.evaluation.Batch}). Problems are split by their operands
 * ({@link Split#of} of the operation and the sorted operands), so no test problem's numbers were seen in training in
 * any wording.
 */
public final class ToolProblems {

    private static final String[] NAMES = {"Ava", "Ben", "Chloe", "Dan", "Ella", "Finn", "Grace", "Hugo", "Iris", "Jon"};

    private ToolProblems() {
    }

    /**
     * @param expression what the call should say, e.g. {@code 347*29}
     * @param value      its exact value, e.g. {@code 10063}
     */
    public record Problem(String question, String expression, String value, Split split) {

        /** The prompt a model is given: the question and a new line. */
        public String prompt() {
            return "Q:" + question + "\n";
        }

        /** The answer text outside calls and results. */
        public String answer() {
            return "A:" + value;
        }

        /** The training sequence: prompt, call, result, answer, end of text. */
        public Example example(ByteTokenizer tokenizer) {
            int[] prompt = tokenizer.encode(prompt());
            var tokens = new ArrayList<Integer>();
            for (int t : prompt) {
                tokens.add(t);
            }
            tokens.add(SpecialToken.TOOL_CALL.id());
            add(tokens, tokenizer.encode(expression));
            tokens.add(SpecialToken.TOOL_CALL_END.id());
            tokens.add(SpecialToken.TOOL_RESULT.id());
            add(tokens, tokenizer.encode(value));
            tokens.add(SpecialToken.TOOL_RESULT_END.id());
            add(tokens, tokenizer.encode(answer()));
            tokens.add(SpecialToken.END_OF_TEXT.id());
            return new Example(tokens.stream().mapToInt(Integer::intValue).toArray(), prompt.length);
        }
    }

    /**
     * The seed of the held-out problems that tool use is measured on ({@link #heldOut}): the same for every phase and
     * run, so that Tool/Persona's numbers and ADAS's incoming and chosen models' numbers are on the same questions.
     */
    public static final long EVALUATION_SEED = 0x700_1L;

    /** The first {@code count} held-out problems of {@code split} (the {@link #EVALUATION_SEED} sequence). */
    public static List<Problem> heldOut(Split split, int count) {
        return generate(split, count, EVALUATION_SEED);
    }

    /** The first {@code count} problems of the fixed sequence drawn with {@code seed} that fall in {@code split}. */
    public static List<Problem> generate(Split split, int count, long seed) {
        var random = new Random(seed);
        var problems = new ArrayList<Problem>(count);
        // Each draw lands in the wanted split with probability 0.1 at least, so this ends.
        while (problems.size() < count) {
            var problem = draw(random);
            if (problem.split() == split) {
                problems.add(problem);
            }
        }
        return problems;
    }

    static Problem draw(Random random) {
        String name = NAMES[random.nextInt(NAMES.length)];
        if (random.nextBoolean()) {
            int a = 100 + random.nextInt(900);
            int b = 10 + random.nextInt(90);
            String value = Long.toString((long) a * b);
            var split = Split.of("*" + a + "," + b);
            return switch (random.nextInt(4)) {
                case 0 -> new Problem("What is " + a + " times " + b + "?", a + "*" + b, value, split);
                case 1 -> new Problem(a + "*" + b + "=?", a + "*" + b, value, split);
                case 2 -> new Problem("A crate holds " + a + " boxes of " + b + " cans. How many cans?", a + "*" + b, value, split);
                default -> new Problem(name + " packs " + b + " bags of " + a + " beads. How many beads?", b + "*" + a, value, split);
            };
        }
        int a = 1000 + random.nextInt(9000);
        int b = 1000 + random.nextInt(9000);
        String value = Integer.toString(a + b);
        var split = Split.of("+" + Math.min(a, b) + "," + Math.max(a, b));
        return switch (random.nextInt(4)) {
            case 0 -> new Problem("What is " + a + " plus " + b + "?", a + "+" + b, value, split);
            case 1 -> new Problem(a + "+" + b + "=?", a + "+" + b, value, split);
            case 2 -> new Problem("A shop sold " + a + " cups and then " + b + " more. How many cups?", a + "+" + b, value, split);
            default -> new Problem(name + " has " + a + " coins and gets " + b + " more. How many coins?", a + "+" + b, value, split);
        };
    }

    private static void add(List<Integer> tokens, int[] more) {
        for (int t : more) {
            tokens.add(t);
        }
    }
}
