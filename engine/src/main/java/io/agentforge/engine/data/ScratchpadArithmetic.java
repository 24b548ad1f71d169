package io.agentforge.engine.data;

import io.agentforge.engine.tokenizer.ByteTokenizer;
import io.agentforge.engine.tokenizer.SpecialToken;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Multi-digit addition written with its worked steps between the thought tokens, the scratchpad format later phases
 * build on (PHASES.md section 2): {@code Q:4738+2965=} then {@code <sot> 8+5=13 c1 3+6+1=10 c1 7+9+1=17 c1 4+2+1=7
 * <eot> A:7703 <eos>}. Digits are added from the right; each step but the last ends with the carry it passes on
 * ({@code c0} or {@code c1}), and a missing digit of the shorter number counts as 0.
 */
public final class ScratchpadArithmetic {

    private ScratchpadArithmetic() {
    }

    /** Sums of two numbers of 2 to 4 digits each. */
    public static List<Example> generate(int count, long seed, ByteTokenizer tokenizer) {
        var random = new Random(seed);
        var examples = new ArrayList<Example>(count);
        for (int i = 0; i < count; i++) {
            int a = number(random);
            int b = number(random);
            examples.add(example(tokenizer, a, b));
        }
        return examples;
    }

    public static Example example(ByteTokenizer tokenizer, int a, int b) {
        return withThought(tokenizer, "Q:" + a + "+" + b + "=", steps(a, b), "A:" + (a + b));
    }

    /**
     * The scratchpad layout every thought task shares: the question, {@code <sot>} worked steps {@code <eot>}, the
     * answer and {@code <eos>}; the prompt is the question, so a model learns the thought and the answer.
     */
    public static Example withThought(ByteTokenizer tokenizer, String question, String steps, String answer) {
        int[] prompt = tokenizer.encode(question);
        int[] thought = tokenizer.encode(steps);
        int[] reply = tokenizer.encode(answer);
        var tokens = new int[prompt.length + 1 + thought.length + 1 + reply.length + 1];
        int at = 0;
        System.arraycopy(prompt, 0, tokens, at, prompt.length);
        at += prompt.length;
        tokens[at++] = SpecialToken.THOUGHT_START.id();
        System.arraycopy(thought, 0, tokens, at, thought.length);
        at += thought.length;
        tokens[at++] = SpecialToken.THOUGHT_END.id();
        System.arraycopy(reply, 0, tokens, at, reply.length);
        at += reply.length;
        tokens[at] = SpecialToken.END_OF_TEXT.id();
        return new Example(tokens, prompt.length);
    }

    /** The worked steps, e.g. {@code 8+5=13 c1 3+6+1=10 c1 7+9+1=17 c1 4+2+1=7} for 4738+2965. */
    static String steps(int a, int b) {
        int digits = Math.max(String.valueOf(a).length(), String.valueOf(b).length());
        var text = new StringBuilder();
        int carry = 0;
        for (int i = 0; i < digits; i++) {
            int x = a % 10;
            int y = b % 10;
            a /= 10;
            b /= 10;
            int sum = x + y + carry;
            if (i > 0) {
                text.append(' ');
            }
            text.append(x).append('+').append(y);
            if (carry > 0) {
                text.append("+1");
            }
            text.append('=').append(sum);
            carry = sum >= 10 ? 1 : 0;
            if (i < digits - 1) {
                text.append(" c").append(carry);
            }
        }
        return text.toString();
    }

    private static int number(Random random) {
        int digits = 2 + random.nextInt(3);
        int low = (int) Math.pow(10, digits - 1);
        return low + random.nextInt(9 * low);
    }
}
