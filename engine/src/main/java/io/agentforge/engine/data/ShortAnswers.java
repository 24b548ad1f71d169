package io.agentforge.engine.data;

import io.agentforge.engine.tokenizer.ByteTokenizer;
import io.agentforge.engine.tokenizer.SpecialToken;

import java.util.ArrayList;
import java.util.List;

/**
 * Short questions with one-word answers, every one derivable from a rule (no facts to memorise that a small model
 * could not hold): neighbours in the week, the year and the alphabet, words backwards, opposites, letter counts and the
 * larger of two numbers. Written {@code Q:<question>\n} then {@code A:<answer><eos>}. Enumerated, not drawn at random,
 * so the data set is the same everywhere.
 */
public final class ShortAnswers {

    private static final String[] DAYS = {"Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"};
    private static final String[] MONTHS = {"January", "February", "March", "April", "May", "June", "July", "August",
            "September", "October", "November", "December"};
    private static final String[] WORDS = {"cat", "dog", "sun", "tree", "book", "fish", "bird", "milk", "rain", "star",
            "ship", "lamp", "rose", "frog", "bell", "cake", "door", "hand", "ring", "moon", "apple", "house", "river",
            "stone", "cloud", "green", "table", "chair", "bread", "plant", "train", "mouse", "horse", "water", "light"};
    private static final String[][] OPPOSITES = {{"hot", "cold"}, {"big", "small"}, {"up", "down"}, {"fast", "slow"},
            {"day", "night"}, {"old", "new"}, {"open", "closed"}, {"full", "empty"}, {"left", "right"},
            {"early", "late"}, {"wet", "dry"}, {"light", "dark"}, {"high", "low"}, {"in", "out"}, {"hard", "soft"}};

    private ShortAnswers() {
    }

    public static List<Example> generate(ByteTokenizer tokenizer) {
        return pairs().stream().map(pair -> qa(tokenizer, pair.question(), pair.answer())).toList();
    }

    /** A question and its one-word answer, as text. */
    public record Pair(String question, String answer) {
    }

    /** Every question with its answer, in a fixed order. */
    public static List<Pair> pairs() {
        var examples = new ArrayList<Pair>();
        for (int i = 0; i < DAYS.length; i++) {
            examples.add(new Pair("What day comes after " + DAYS[i] + "?", DAYS[(i + 1) % DAYS.length]));
            examples.add(new Pair("What day comes before " + DAYS[i] + "?", DAYS[(i + DAYS.length - 1) % DAYS.length]));
        }
        for (int i = 0; i < MONTHS.length; i++) {
            examples.add(new Pair("What month comes after " + MONTHS[i] + "?", MONTHS[(i + 1) % MONTHS.length]));
            examples.add(new Pair("What month comes before " + MONTHS[i] + "?",
                    MONTHS[(i + MONTHS.length - 1) % MONTHS.length]));
        }
        for (char c = 'a'; c < 'z'; c++) {
            examples.add(new Pair("What letter comes after " + c + "?", String.valueOf((char) (c + 1))));
            examples.add(new Pair("What letter comes before " + (char) (c + 1) + "?", String.valueOf(c)));
        }
        for (String word : WORDS) {
            examples.add(new Pair("Spell " + word + " backwards.", new StringBuilder(word).reverse().toString()));
            examples.add(new Pair("How many letters are in " + word + "?", String.valueOf(word.length())));
            examples.add(new Pair("What is the first letter of " + word + "?", word.substring(0, 1)));
            examples.add(new Pair("What is the last letter of " + word + "?", word.substring(word.length() - 1)));
        }
        for (String[] pair : OPPOSITES) {
            examples.add(new Pair("What is the opposite of " + pair[0] + "?", pair[1]));
            examples.add(new Pair("What is the opposite of " + pair[1] + "?", pair[0]));
        }
        for (int a = 0; a < 100; a += 3) {
            for (int b = 1; b < 100; b += 4) {
                if (a != b) {
                    examples.add(new Pair("Which is larger, " + a + " or " + b + "?", String.valueOf(Math.max(a, b))));
                }
            }
        }
        return List.copyOf(examples);
    }

    private static Example qa(ByteTokenizer tokenizer, String question, String answer) {
        return answered(tokenizer, "Q:" + question + "\n", "A:" + answer);
    }

    /** The prompt as given, then the answer and the end-of-text token; only the answer is scored. */
    static Example answered(ByteTokenizer tokenizer, String prompt, String answer) {
        int[] p = tokenizer.encode(prompt);
        int[] a = tokenizer.encode(answer);
        int[] tokens = new int[p.length + a.length + 1];
        System.arraycopy(p, 0, tokens, 0, p.length);
        System.arraycopy(a, 0, tokens, p.length, a.length);
        tokens[tokens.length - 1] = SpecialToken.END_OF_TEXT.id();
        return new Example(tokens, p.length);
    }
}
