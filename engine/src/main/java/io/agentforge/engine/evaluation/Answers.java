package io.agentforge.engine.evaluation;

import io.agentforge.engine.tokenizer.SpecialToken;

import java.util.Arrays;

/** What counts as an answer when answers are compared. */
public final class Answers {

    private Answers() {
    }

    /**
     * The final answer of a continuation: its tokens before the first end-of-text token and after the last end of a
     * thought (a thought is working, not the answer: a model may think differently and still answer right). Null when
     * the continuation never ended (a generated answer that runs on is no answer).
     */
    public static int[] finalAnswer(int[] continuation) {
        int end = -1;
        for (int i = 0; i < continuation.length; i++) {
            if (continuation[i] == SpecialToken.END_OF_TEXT.id()) {
                end = i;
                break;
            }
        }
        if (end < 0) {
            return null;
        }
        int start = 0;
        for (int i = end - 1; i >= 0; i--) {
            if (continuation[i] == SpecialToken.THOUGHT_END.id()) {
                start = i + 1;
                break;
            }
        }
        return Arrays.copyOfRange(continuation, start, end);
    }

    /**
     * Whether a generated continuation answers like the reference. A reference without an end-of-text token is a
     * fixed-length answer (e.g. one token per number): the generation's first tokens must be exactly it.
     */
    public static boolean matches(int[] generated, int[] reference) {
        int[] expected = finalAnswer(reference);
        if (expected == null) {
            return reference.length > 0 && generated.length >= reference.length
                    && Arrays.equals(generated, 0, reference.length, reference, 0, reference.length);
        }
        int[] actual = finalAnswer(generated);
        return expected != null && actual != null && Arrays.equals(expected, actual);
    }
}
