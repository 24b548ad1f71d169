package io.agentforge.engine.data;

import io.agentforge.engine.tokenizer.ByteTokenizer;
import io.agentforge.engine.tokenizer.SpecialToken;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Procedurally generated arithmetic word problems with worked answers, in the manner of GSM8K: the question, a new
 * line, then the working and {@code #### <number>} and the end-of-text token. Small numbers keep the problems
 * learnable by small models; one to three operations per problem.
 */
public final class WordProblems {

    static final String[] NAMES = {"Ava", "Ben", "Chloe", "Dan", "Ella", "Finn", "Grace", "Hugo", "Iris", "Jon"};
    static final String[] ITEMS = {"apples", "books", "coins", "marbles", "pencils", "stickers", "shells", "cards"};

    private WordProblems() {
    }

    public static List<Example> generate(int count, long seed, ByteTokenizer tokenizer) {
        if (count < 1) {
            throw new IllegalArgumentException("count: must be at least 1, was " + count);
        }
        var random = new Random(seed);
        var examples = new ArrayList<Example>(count);
        for (int i = 0; i < count; i++) {
            String[] qa = problem(random);
            examples.add(questionAnswer(tokenizer, qa[0], qa[1]));
        }
        return examples;
    }

    /** The shared layout of every question/answer example: question, new line, answer, end of text. */
    public static Example questionAnswer(ByteTokenizer tokenizer, String question, String answer) {
        int[] prompt = tokenizer.encode(question + "\n");
        int[] reply = tokenizer.encode(answer);
        int[] tokens = new int[prompt.length + reply.length + 1];
        System.arraycopy(prompt, 0, tokens, 0, prompt.length);
        System.arraycopy(reply, 0, tokens, prompt.length, reply.length);
        tokens[tokens.length - 1] = SpecialToken.END_OF_TEXT.id();
        return new Example(tokens, prompt.length);
    }

    private static String[] problem(Random random) {
        String name = NAMES[random.nextInt(NAMES.length)];
        String other = NAMES[random.nextInt(NAMES.length)];
        String item = ITEMS[random.nextInt(ITEMS.length)];
        int a = 2 + random.nextInt(18);
        int b = 1 + random.nextInt(9);
        int c = 2 + random.nextInt(4);
        return switch (random.nextInt(4)) {
            case 0 -> new String[] {
                    name + " has " + a + " " + item + " and gets " + b + " more. How many " + item + " does " + name + " have?",
                    a + " + " + b + " = " + (a + b) + " #### " + (a + b)};
            case 1 -> {
                int start = a + b;
                yield new String[] {
                        name + " has " + start + " " + item + " and gives " + b + " to " + other + ". How many are left?",
                        start + " - " + b + " = " + a + " #### " + a};
            }
            case 2 -> new String[] {
                    name + " buys " + c + " bags with " + b + " " + item + " in each. How many " + item + " is that?",
                    c + " * " + b + " = " + (c * b) + " #### " + (c * b)};
            default -> {
                int total = c * b + a;
                yield new String[] {
                        name + " has " + a + " " + item + " and buys " + c + " packs of " + b + ". How many " + item + " now?",
                        c + " * " + b + " = " + (c * b) + "; " + a + " + " + (c * b) + " = " + total + " #### " + total};
            }
        };
    }
}
