package io.agentforge.engine.quietstar;

import io.agentforge.engine.data.Example;

import java.util.Arrays;

/**
 * A question with its reference thought and answer, cut out of a scratchpad example
 * ({@code question <sot> thought <eot> answer <eos>}).
 *
 * @param question the prompt, before {@code <sot>}
 * @param thought  the reference steps, between {@code <sot>} and {@code <eot>}
 * @param answer   the answer's tokens, without {@code <eos>}
 */
public record ThoughtProblem(int[] question, int[] thought, int[] answer) {

    public static ThoughtProblem of(Example example) {
        int[] tokens = example.tokens();
        int start = example.promptLength();
        int end = -1;
        for (int i = start + 1; i < tokens.length; i++) {
            if (tokens[i] == ThoughtDecoder.THOUGHT_END) {
                end = i;
                break;
            }
        }
        if (tokens[start] != ThoughtDecoder.THOUGHT_START || end < 0 || tokens[tokens.length - 1] != ThoughtDecoder.END) {
            throw new IllegalArgumentException("example: not a scratchpad example (question <sot> steps <eot> answer <eos>)");
        }
        return new ThoughtProblem(Arrays.copyOf(tokens, start), Arrays.copyOfRange(tokens, start + 1, end),
                Arrays.copyOfRange(tokens, end + 1, tokens.length - 1));
    }

    /** The question followed by {@code <sot>}: the model thinks next. */
    public int[] thinkingPrefix() {
        return concat(question, new int[] {ThoughtDecoder.THOUGHT_START});
    }

    /** The question followed by {@code <sot>}, the given thought and {@code <eot>}: the model answers next. */
    public int[] prefixWith(int[] thought) {
        return concat(concat(thinkingPrefix(), thought), new int[] {ThoughtDecoder.THOUGHT_END});
    }

    /** The whole sequence with a thought: question, {@code <sot>}, thought, {@code <eot>}, answer, {@code <eos>}. */
    public int[] sequenceWith(int[] thought) {
        return concat(concat(prefixWith(thought), answer), new int[] {ThoughtDecoder.END});
    }

    static int[] concat(int[] a, int[] b) {
        int[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    // Records compare arrays by identity; problems compare by content.
    @Override
    public boolean equals(Object other) {
        return other instanceof ThoughtProblem p && Arrays.equals(question, p.question) && Arrays.equals(thought, p.thought)
                && Arrays.equals(answer, p.answer);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * Arrays.hashCode(question) + Arrays.hashCode(thought)) + Arrays.hashCode(answer);
    }

    @Override
    public String toString() {
        return "ThoughtProblem" + Arrays.toString(question) + Arrays.toString(thought) + Arrays.toString(answer);
    }
}
