package io.agentforge.engine.quietstar;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.agentforge.engine.model.InferenceMode;
import io.agentforge.engine.model.KvCache;
import io.agentforge.engine.model.LanguageModel;
import io.agentforge.engine.tokenizer.ByteTokenizer;
import io.agentforge.engine.tokenizer.SpecialToken;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * Decodes many sequences side by side in one key/value cache, each from its own prefix, as a thought and then an
 * answer. A prefix ending in {@code <sot>} opens a thought: the model writes it (greedily, or sampled at a
 * temperature) with every special token but {@code <eot>} masked, and a thought that reaches the cap is closed by
 * feeding {@code <eot>} (the cap is lowered for a row whose question leaves less room in the context). Any other prefix (one that ends with {@code <sot><eot>}, or a scrambled thought and its
 * {@code <eot>}) goes straight to the answer, decoded greedily with every special token but {@code <eos>} masked, so
 * thought tokens never appear inside an answer (the model is never taught not to emit them: PHASES.md 2.1).
 *
 * <p>Prefixes of different lengths share the cache: the common length is fed at once, then each row feeds the rest of
 * its prefix one token a step while the others already generate.
 */
public final class ThoughtDecoder {
    static final int THOUGHT_START = SpecialToken.THOUGHT_START.id();
    static final int THOUGHT_END = SpecialToken.THOUGHT_END.id();
    static final int END = SpecialToken.END_OF_TEXT.id();

    private ThoughtDecoder() {
    }

    /**
     * @param maxThoughtTokens   thought tokens before {@code <eot>} is forced
     * @param maxAnswerTokens    answer tokens before an answer that never ends is given up
     * @param thoughtTemperature 0 for greedy thoughts, else sampling at this temperature (answers are always greedy)
     * @param stopAfterThought   end each row at its {@code <eot>} (sampling thoughts for a reward needs no answer)
     */
    public record Settings(int maxThoughtTokens, int maxAnswerTokens, double thoughtTemperature, long seed,
                           boolean stopAfterThought) {
        public Settings {
            if (maxThoughtTokens < 1 || maxAnswerTokens < 1) {
                throw new IllegalArgumentException("max_thought_tokens and max_answer_tokens: must be at least 1");
            }
            if (!(thoughtTemperature >= 0) || Double.isInfinite(thoughtTemperature)) {
                throw new IllegalArgumentException("thought temperature: must be at least 0, was " + thoughtTemperature);
            }
        }

        public static Settings greedy(int maxThoughtTokens, int maxAnswerTokens) {
            return new Settings(maxThoughtTokens, maxAnswerTokens, 0, 0, false);
        }

        public static Settings sampledThoughts(int maxThoughtTokens, double temperature, long seed) {
            return new Settings(maxThoughtTokens, 1, temperature, seed, true);
        }
    }

    /**
     * One row's outcome.
     *
     * @param thought the tokens the model wrote inside its thought (without {@code <sot>}/{@code <eot>}); empty when
     *                the prefix opened none
     * @param capped  whether the thought reached the cap and was closed by a forced {@code <eot>}
     * @param answer  the answer's tokens, without {@code <eos>}
     * @param ended   whether the answer ended with {@code <eos>} (an answer that runs on is no answer)
     * @param tokens  everything fed after the prefix, forced {@code <eot>} and {@code <eos>} included
     */
    public record Decoded(int[] thought, boolean capped, int[] answer, boolean ended, int[] tokens) {
    }

    private enum State { PREFIX, THOUGHT, ANSWER, DONE }

    private static final class Row {
        final int[] prefix;
        final int cap;
        int position;
        State state = State.PREFIX;
        boolean capped;
        boolean ended;
        final List<Integer> thought = new ArrayList<>();
        final List<Integer> answer = new ArrayList<>();
        final List<Integer> fed = new ArrayList<>();

        Row(int[] prefix, int position, int cap) {
            this.prefix = prefix;
            this.position = position;
            this.cap = cap;
        }
    }

    public static List<Decoded> decode(LanguageModel model, List<int[]> prefixes, Settings settings) {
        try (NDManager manager = NDManager.newBaseManager()) {
            return decode(model, prefixes, settings, manager);
        }
    }

    public static List<Decoded> decode(LanguageModel model, List<int[]> prefixes, Settings settings, NDManager parent) {
        if (prefixes.isEmpty()) {
            return List.of();
        }
        InferenceMode.enter();
        int rows = prefixes.size();
        int common = prefixes.stream().mapToInt(p -> p.length).min().orElseThrow();
        if (common == 0) {
            throw new IllegalArgumentException("prefixes: must not be empty");
        }
        int capacity = model.config().contextLength();
        var state = new Row[rows];
        long[] first = new long[rows * common];
        for (int r = 0; r < rows; r++) {
            int[] prefix = prefixes.get(r);
            if (prefix.length > capacity) {
                throw new IllegalArgumentException("prefix: " + prefix.length + " tokens exceed context_length " + capacity);
            }
            // A long question leaves less room: the thought closes early enough for <eot> and the answer to fit.
            int room = capacity - prefix.length - 1 - (settings.stopAfterThought() ? 0 : settings.maxAnswerTokens() + 1);
            state[r] = new Row(prefix, common, Math.max(0, Math.min(settings.maxThoughtTokens(), room)));
            for (int t = 0; t < common; t++) {
                first[r * common + t] = prefix[t];
            }
            settle(state[r], settings);
        }
        var random = new Random(settings.seed());
        try (NDManager scope = parent.newSubManager(); KvCache cache = new KvCache(model.config())) {
            float[][] logits = lastLogits(model, scope, first, rows, common, cache);
            while (cache.length() < capacity && Arrays.stream(state).anyMatch(s -> s.state != State.DONE)) {
                long[] next = new long[rows];
                for (int r = 0; r < rows; r++) {
                    next[r] = advance(state[r], logits[r], settings, random);
                }
                if (Arrays.stream(state).allMatch(s -> s.state == State.DONE)) {
                    break; // the last tokens need no logits after them
                }
                logits = lastLogits(model, scope, next, rows, 1, cache);
            }
        }
        var out = new ArrayList<Decoded>(rows);
        for (var row : state) {
            out.add(new Decoded(ints(row.thought), row.capped, ints(row.answer), row.ended, ints(row.fed)));
        }
        return out;
    }

    /** After the prefix is fed: a row whose prefix ends with {@code <sot>} thinks, any other answers. */
    private static void settle(Row row, Settings settings) {
        if (row.state != State.PREFIX || row.position < row.prefix.length) {
            return;
        }
        row.state = row.prefix[row.prefix.length - 1] == THOUGHT_START ? State.THOUGHT
                : settings.stopAfterThought() ? State.DONE : State.ANSWER;
    }

    /** The token this row feeds next (padding once it is done), moving the row along its states. */
    private static long advance(Row row, float[] logits, Settings settings, Random random) {
        switch (row.state) {
            case PREFIX -> {
                int token = row.prefix[row.position++];
                settle(row, settings);
                return token;
            }
            case THOUGHT -> {
                int token;
                if (row.thought.size() >= row.cap) {
                    token = THOUGHT_END;
                    row.capped = true;
                } else {
                    token = pick(logits, THOUGHT_END, settings.thoughtTemperature(), random);
                }
                row.fed.add(token);
                if (token == THOUGHT_END) {
                    row.state = settings.stopAfterThought() ? State.DONE : State.ANSWER;
                } else {
                    row.thought.add(token);
                }
                return token;
            }
            case ANSWER -> {
                int token = pick(logits, END, 0, random);
                row.fed.add(token);
                if (token == END) {
                    row.ended = true;
                    row.state = State.DONE;
                } else {
                    row.answer.add(token);
                    if (row.answer.size() >= settings.maxAnswerTokens()) {
                        row.state = State.DONE;
                    }
                }
                return token;
            }
            default -> {
                return SpecialToken.PADDING.id();
            }
        }
    }

    /**
     * The next token with every special token but {@code allowed} masked: the most likely one at temperature 0,
     * else a sample from the softmax at that temperature.
     */
    static int pick(float[] logits, int allowed, double temperature, Random random) {
        if (temperature == 0) {
            int best = -1;
            for (int i = 0; i < logits.length; i++) {
                if (permitted(i, allowed) && (best < 0 || logits[i] > logits[best])) {
                    best = i;
                }
            }
            return best;
        }
        double max = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < logits.length; i++) {
            if (permitted(i, allowed)) {
                max = Math.max(max, logits[i]);
            }
        }
        double[] weights = new double[logits.length];
        double total = 0;
        for (int i = 0; i < logits.length; i++) {
            if (permitted(i, allowed)) {
                weights[i] = Math.exp((logits[i] - max) / temperature);
                total += weights[i];
            }
        }
        double u = random.nextDouble() * total;
        int last = -1;
        for (int i = 0; i < logits.length; i++) {
            if (weights[i] > 0) {
                last = i;
                u -= weights[i];
                if (u < 0) {
                    return i;
                }
            }
        }
        return last;
    }

    private static boolean permitted(int token, int allowed) {
        return !ByteTokenizer.isSpecial(token) || token == allowed;
    }

    private static float[][] lastLogits(LanguageModel model, NDManager parent, long[] tokens, int rows, int time,
                                        KvCache cache) {
        try (NDManager step = parent.newSubManager()) {
            NDArray logits = model.forward(step.create(tokens, new Shape(rows, time)), cache);
            float[] flat = logits.get(":, " + (time - 1) + ", :").toFloatArray();
            int vocab = flat.length / rows;
            var out = new float[rows][];
            for (int r = 0; r < rows; r++) {
                out[r] = Arrays.copyOfRange(flat, r * vocab, (r + 1) * vocab);
            }
            return out;
        }
    }

    static int[] ints(List<Integer> list) {
        return list.stream().mapToInt(Integer::intValue).toArray();
    }
}
