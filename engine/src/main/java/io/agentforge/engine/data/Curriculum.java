package io.agentforge.engine.data;

import io.agentforge.engine.tokenizer.ByteTokenizer;

import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The Cognate curriculum: four tasks the later phases build on, each a fixed data set split by its examples' hashes.
 * {@code select} and {@code test} take an equal share of each task whatever the mix, so every model is measured on the
 * same examples; the {@link Mix} decides only how much of each task a model's {@code train} holds, so that three
 * models trained on three mixes learn different strengths and a merge can beat each of them.
 */
public record Curriculum(Mix mix) implements DatasetSource {

    /** The name of the data set in a job's {@code dataset} parameter. */
    public static final String NAME = "cognate-curriculum";

    // Fixed: the data set is the same for every run, model and phase.
    private static final long WORD_PROBLEM_SEED = 0x5EED_0001L;
    private static final long ARITHMETIC_SEED = 0x5EED_0002L;
    private static final int WORD_PROBLEMS = 10_000;
    private static final int SUMS = 10_000;
    private static final int MODULUS = 97;

    public enum Task {
        /** Arithmetic word problems with their working ({@link WordProblems}). */
        WORD_PROBLEMS,
        /** Multi-digit addition with worked steps between the thought tokens ({@link ScratchpadArithmetic}). */
        ARITHMETIC,
        /** x+y and x*y mod 97, as text ({@link ModularArithmetic#text}). */
        MODULAR,
        /** Short questions with one-word answers ({@link ShortAnswers}). */
        QUESTIONS
    }

    /** The share of each task in a model's train split, in {@link Task} order. */
    public enum Mix {
        WORD_PROBLEM_HEAVY(0.55, 0.15, 0.15, 0.15),
        ARITHMETIC_HEAVY(0.15, 0.45, 0.25, 0.15),
        BALANCED(0.25, 0.25, 0.25, 0.25);

        private final double[] shares;

        Mix(double... shares) {
            this.shares = shares;
        }

        public double share(Task task) {
            return shares[task.ordinal()];
        }

        /** The wire spelling, e.g. {@code word-problem-heavy}. */
        public String wireName() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }
    }

    public Curriculum {
        if (mix == null) {
            throw new IllegalArgumentException("mix: is required");
        }
    }

    /** Every example of every task, before splitting. */
    @Override
    public List<Example> examples(ByteTokenizer tokenizer) {
        var all = new ArrayList<Example>();
        tasks(tokenizer).values().forEach(all::addAll);
        return all;
    }

    // The data set is fixed, so a process builds it once: a Cognate worker splits it for three runs and its stats.
    private static volatile Map<Task, List<Example>> built;
    private static final Map<String, DatasetSplits.Pools> POOLS = new ConcurrentHashMap<>();

    /** Every task's examples (the same in every process: byte tokens, fixed seeds). */
    public static Map<Task, List<Example>> tasks(ByteTokenizer tokenizer) {
        var tasks = built;
        if (tasks == null) {
            synchronized (Curriculum.class) {
                if (built == null) {
                    built = build(tokenizer);
                }
                tasks = built;
            }
        }
        return tasks;
    }

    private static Map<Task, List<Example>> build(ByteTokenizer tokenizer) {
        var tasks = new EnumMap<Task, List<Example>>(Task.class);
        tasks.put(Task.WORD_PROBLEMS, WordProblems.generate(WORD_PROBLEMS, WORD_PROBLEM_SEED, tokenizer));
        tasks.put(Task.ARITHMETIC, ScratchpadArithmetic.generate(SUMS, ARITHMETIC_SEED, tokenizer));
        var modular = new ArrayList<>(ModularArithmetic.text(MODULUS, ModularArithmetic.Operation.ADD, tokenizer));
        modular.addAll(ModularArithmetic.text(MODULUS, ModularArithmetic.Operation.MULTIPLY, tokenizer));
        tasks.put(Task.MODULAR, modular);
        tasks.put(Task.QUESTIONS, ShortAnswers.generate(tokenizer));
        tasks.replaceAll((task, examples) -> List.copyOf(examples));
        return Collections.unmodifiableMap(tasks);
    }

    /**
     * Splits each task by hash; select and test get {@code maxEvalSamples / 4} of each task (in hash order, the same
     * for every mix and seed); train gets {@code share × maxTrainSamples} of each task, drawn with the seed, then
     * shuffled.
     */
    @Override
    public DatasetSplits load(ByteTokenizer tokenizer, int contextLength, SplitSettings split) {
        var tasks = tasks(tokenizer);
        int perTask = split.maxEvalSamples() == 0 ? 0 : Math.max(1, split.maxEvalSamples() / tasks.size());
        var random = new Random(split.seed());
        var train = new ArrayList<Example>();
        var select = new ArrayList<Example>();
        var test = new ArrayList<Example>();
        int leftOut = 0;
        for (var entry : tasks.entrySet()) {
            var key = entry.getKey() + "/" + contextLength + "/" + split.trainFraction() + "/" + split.selectFraction();
            var pools = POOLS.computeIfAbsent(key, k -> DatasetSplits.Pools.of(entry.getValue(), contextLength, split));
            leftOut += pools.leftOut();
            select.addAll(DatasetSplits.cap(pools.select(), perTask));
            test.addAll(DatasetSplits.cap(pools.test(), perTask));
            var candidates = new ArrayList<>(pools.train());
            Collections.shuffle(candidates, random);
            int wanted = split.maxTrainSamples() == 0 ? candidates.size()
                    : (int) Math.round(split.maxTrainSamples() * mix.share(entry.getKey()));
            train.addAll(DatasetSplits.cap(candidates, wanted));
        }
        Collections.shuffle(train, random);
        return new DatasetSplits(train, select, test, leftOut);
    }
}
