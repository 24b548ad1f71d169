package io.agentforge.engine.data;

import java.util.Arrays;

/**
 * One training sequence. The model learns to predict every token after the first {@code promptLength}: zero for
 * plain text, the question's length for question/answer data (the answer, with its end token, is what is scored).
 */
public record Example(int[] tokens, int promptLength) {

    public Example {
        if (tokens.length < 2) {
            throw new IllegalArgumentException("tokens: an example needs at least 2 tokens, had " + tokens.length);
        }
        if (promptLength < 0 || promptLength >= tokens.length) {
            throw new IllegalArgumentException("promptLength: " + promptLength + " outside [0, " + tokens.length + ")");
        }
    }

    public boolean hasAnswer() {
        return promptLength > 0;
    }

    public int[] prompt() {
        return Arrays.copyOf(tokens, promptLength);
    }

    public int[] answer() {
        return Arrays.copyOfRange(tokens, promptLength, tokens.length);
    }

    // Records compare arrays by identity; splits and tests need content equality.
    @Override
    public boolean equals(Object other) {
        return other instanceof Example e && promptLength == e.promptLength && Arrays.equals(tokens, e.tokens);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(tokens) + promptLength;
    }

    @Override
    public String toString() {
        return "Example" + Arrays.toString(tokens) + "/" + promptLength;
    }
}
