package io.agentforge.engine.data;

import io.agentforge.engine.tokenizer.ByteTokenizer;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;

/**
 * Every equation {@code a ∘ b = c (mod p)}, the task on which grokking and GrokFast were shown. Each number is one
 * token (its value as id), followed by the operator ({@code p}) and equals ({@code p + 1}) symbols, so a model needs a
 * vocabulary of {@code p + 2}; with {@code p <= 254} the ids also lie inside the byte tokenizer's vocabulary.
 */
public final class ModularArithmetic {

    public enum Operation { ADD, SUBTRACT, MULTIPLY, DIVIDE }

    private ModularArithmetic() {
    }

    public static int vocabSize(int modulus) {
        return modulus + 2;
    }

    /** All {@code p²} pairs (for division, all with {@code b != 0}); the answer is the token after "=". */
    public static List<Example> generate(int modulus, Operation operation) {
        if (modulus < 2 || modulus > 254) {
            throw new IllegalArgumentException("modulus: must be in [2, 254], was " + modulus);
        }
        if (operation == Operation.DIVIDE && !BigInteger.valueOf(modulus).isProbablePrime(30)) {
            throw new IllegalArgumentException("modulus: division needs a prime modulus, was " + modulus);
        }
        int op = modulus;
        int equals = modulus + 1;
        var examples = new ArrayList<Example>(modulus * modulus);
        for (int a = 0; a < modulus; a++) {
            for (int b = 0; b < modulus; b++) {
                if (operation == Operation.DIVIDE && b == 0) {
                    continue;
                }
                int c = switch (operation) {
                    case ADD -> (a + b) % modulus;
                    case SUBTRACT -> Math.floorMod(a - b, modulus);
                    case MULTIPLY -> a * b % modulus;
                    case DIVIDE -> a * BigInteger.valueOf(b).modInverse(BigInteger.valueOf(modulus)).intValue() % modulus;
                };
                examples.add(new Example(new int[] {a, op, b, equals, c}, 4));
            }
        }
        return examples;
    }

    /**
     * The same equations written as text for a byte-level model, e.g. {@code Q:37*54 mod 97=} then {@code A:58<eos>},
     * so that they can share a vocabulary and a model with the rest of the curriculum.
     */
    public static List<Example> text(int modulus, Operation operation, ByteTokenizer tokenizer) {
        String symbol = switch (operation) {
            case ADD -> "+";
            case SUBTRACT -> "-";
            case MULTIPLY -> "*";
            case DIVIDE -> "/";
        };
        var examples = new ArrayList<Example>();
        for (Example e : generate(modulus, operation)) {
            int[] t = e.tokens();
            examples.add(ShortAnswers.answered(tokenizer, "Q:" + t[0] + symbol + t[2] + " mod " + modulus + "=", "A:" + t[4]));
        }
        return examples;
    }
}
