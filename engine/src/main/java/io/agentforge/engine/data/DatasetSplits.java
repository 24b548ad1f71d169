package io.agentforge.engine.data;

import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Train, select and test examples. Choices (early stopping, merge and architecture winners) are made on {@code select};
 * reported numbers come from {@code test}.
 *
 * <p>Which split an example belongs to is decided by the example itself (a hash of its tokens), never by a run's
 * seed: every model trained on a data set, and every later phase, sees the same {@code select} and {@code test}, and
 * an example can be in only one split however often a generator draws it. A run's seed changes only which train
 * examples it uses (when capped) and their order.
 *
 * @param leftOut examples longer than the model's context, left out of every split (never cut: a cut answer would
 *                teach a wrong one)
 */
public record DatasetSplits(List<Example> train, List<Example> select, List<Example> test, int leftOut) {

    public DatasetSplits {
        train = List.copyOf(train);
        select = List.copyOf(select);
        test = List.copyOf(test);
        if (train.isEmpty()) {
            throw new IllegalArgumentException("dataset: the train split is empty"
                    + (leftOut > 0 ? " (" + leftOut + " examples are longer than the context)" : ""));
        }
    }

    public DatasetSplits(List<Example> train, List<Example> select, List<Example> test) {
        this(train, select, test, 0);
    }

    /** Whether the examples are question/answer pairs, so that exact-match accuracy means something. */
    public boolean hasAnswers() {
        return train.getFirst().hasAnswer();
    }

    /**
     * The sha256 of each split ({@code train}, {@code select}, {@code test}): over its examples in the order of their
     * own hashes, so that the same set of examples gives the same hash whatever order a run sees it in.
     */
    public Map<String, String> hashes() {
        var hashes = new LinkedHashMap<String, String>();
        hashes.put("train", hash(train));
        hashes.put("select", hash(select));
        hashes.put("test", hash(test));
        return hashes;
    }

    /** Splits examples that all fit (plain text windows, or examples already filtered). */
    public static DatasetSplits split(List<Example> examples, SplitSettings settings) {
        return split(examples, Integer.MAX_VALUE - 1, settings);
    }

    /**
     * Splits examples: those longer than {@code contextLength + 1} tokens are left out and counted, duplicates
     * dropped, each remaining example assigned by its hash; {@code select} and {@code test} are kept in hash order
     * and capped from the front, {@code train} is shuffled with the settings' seed and capped.
     */
    public static DatasetSplits split(List<Example> examples, int contextLength, SplitSettings settings) {
        var pools = Pools.of(examples, contextLength, settings);
        var train = new ArrayList<>(pools.train);
        Collections.shuffle(train, new Random(settings.seed()));
        return new DatasetSplits(cap(train, settings.maxTrainSamples()), cap(pools.select, settings.maxEvalSamples()),
                cap(pools.test, settings.maxEvalSamples()), pools.leftOut);
    }

    /** The examples of a data set sorted into the three splits, before any cap or shuffle. */
    record Pools(List<Example> train, List<Example> select, List<Example> test, int leftOut) {

        static Pools of(List<Example> examples, int contextLength, SplitSettings settings) {
            return assign(examples, examples.stream().map(DatasetSplits::digest).toList(), contextLength, settings);
        }

        /**
         * Splits by a key instead of the example: examples with the same key (the same operands of a problem told
         * with other names) land in the same split, and only the first of them is kept.
         */
        static Pools byKey(List<Example> examples, List<String> keys, int contextLength, SplitSettings settings) {
            var digests = keys.stream().map(k -> sha256().digest(k.getBytes(java.nio.charset.StandardCharsets.UTF_8)))
                    .toList();
            return assign(examples, digests, contextLength, settings);
        }

        private static Pools assign(List<Example> examples, List<byte[]> digests, int contextLength,
                                    SplitSettings settings) {
            var unique = new java.util.LinkedHashMap<ByteBuffer, Keyed>();
            int leftOut = 0;
            for (int i = 0; i < examples.size(); i++) {
                var example = examples.get(i);
                if (example.tokens().length > contextLength + 1) {
                    leftOut++;
                } else {
                    unique.putIfAbsent(ByteBuffer.wrap(digests.get(i)), new Keyed(example, digests.get(i)));
                }
            }
            var train = new ArrayList<Keyed>();
            var select = new ArrayList<Keyed>();
            var test = new ArrayList<Keyed>();
            for (var keyed : unique.values()) {
                double position = unit(keyed.digest);
                if (position < settings.trainFraction()) {
                    train.add(keyed);
                } else if (position < settings.trainFraction() + settings.selectFraction()) {
                    select.add(keyed);
                } else {
                    test.add(keyed);
                }
            }
            return new Pools(sorted(train), sorted(select), sorted(test), leftOut);
        }

        private static List<Example> sorted(List<Keyed> keyed) {
            keyed.sort(Comparator.comparing(k -> k.digest, Arrays::compareUnsigned));
            return keyed.stream().map(Keyed::example).toList();
        }
    }

    private record Keyed(Example example, byte[] digest) {
    }

    /** The first 8 bytes of the digest as a number in [0, 1). */
    private static double unit(byte[] digest) {
        return (ByteBuffer.wrap(digest).getLong() >>> 11) * 0x1.0p-53;
    }

    static byte[] digest(Example example) {
        var sha = sha256();
        update(sha, example);
        return sha.digest();
    }

    /** The sha256 of a set of examples, whatever their order (see {@link #hashes}). */
    public static String hash(List<Example> examples) {
        var digests = new ArrayList<byte[]>(examples.size());
        for (var example : examples) {
            digests.add(digest(example));
        }
        digests.sort(Arrays::compareUnsigned);
        var sha = sha256();
        for (byte[] d : digests) {
            sha.update(d);
        }
        return HexFormat.of().formatHex(sha.digest());
    }

    private static void update(MessageDigest sha, Example example) {
        var buffer = ByteBuffer.allocate(4 * (example.tokens().length + 2));
        buffer.putInt(example.promptLength()).putInt(example.tokens().length);
        for (int token : example.tokens()) {
            buffer.putInt(token);
        }
        sha.update(buffer.array());
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }

    static List<Example> cap(List<Example> examples, int max) {
        return max > 0 && examples.size() > max ? examples.subList(0, max) : examples;
    }
}
