package io.agentforge.engine.data;

import io.agentforge.engine.tokenizer.ByteTokenizer;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * The Quiet-STaR task data (PHASES.md section 2.4): problems where a worked thought must help, each written as
 * {@code Q:question <sot> steps <eot> A:answer <eos>}. Two tasks: the curriculum's multi-digit sums, with the same
 * train/select/test pools as Cognate's (so that no test sum was seen by the input model's training either), and
 * two-step word problems ({@code 37+4*7}, {@code 45+38-19}) whose steps are one table fact and one addition or
 * subtraction each. Word problems are split by their operands, so a test problem is never a train problem told with
 * other names.
 */
public final class ThoughtTasks {

    /** What a phase's stats call this data. */
    public static final String NAME = "quietstar-thought-tasks";

    private static final long WORD_PROBLEM_SEED = 0x5EED_0003L;
    private static final int WORD_PROBLEMS = 6_000;

    private ThoughtTasks() {
    }

    /**
     * Select and test take {@code maxEvalSamples / 2} of each task in hash order (the same for every seed); train
     * takes {@code maxTrainSamples / 2} of each task drawn with the seed (all of them when 0), then shuffled.
     */
    public static DatasetSplits load(ByteTokenizer tokenizer, int contextLength, SplitSettings split) {
        var sums = DatasetSplits.Pools.of(Curriculum.tasks(tokenizer).get(Curriculum.Task.ARITHMETIC), contextLength, split);
        var problems = wordProblems(tokenizer);
        var words = DatasetSplits.Pools.byKey(problems.examples, problems.keys, contextLength, split);
        int perTask = split.maxEvalSamples() == 0 ? 0 : Math.max(1, split.maxEvalSamples() / 2);
        int trainPerTask = split.maxTrainSamples() == 0 ? 0 : Math.max(1, split.maxTrainSamples() / 2);
        var random = new Random(split.seed());
        var train = new ArrayList<Example>();
        var select = new ArrayList<Example>();
        var test = new ArrayList<Example>();
        for (var pools : List.of(sums, words)) {
            select.addAll(DatasetSplits.cap(pools.select(), perTask));
            test.addAll(DatasetSplits.cap(pools.test(), perTask));
            var candidates = new ArrayList<>(pools.train());
            Collections.shuffle(candidates, random);
            train.addAll(DatasetSplits.cap(candidates, trainPerTask));
        }
        Collections.shuffle(train, random);
        return new DatasetSplits(train, select, test, sums.leftOut() + words.leftOut());
    }

    private record Problems(List<Example> examples, List<String> keys) {
    }

    private static Problems wordProblems(ByteTokenizer tokenizer) {
        var random = new Random(WORD_PROBLEM_SEED);
        var examples = new ArrayList<Example>(WORD_PROBLEMS);
        var keys = new ArrayList<String>(WORD_PROBLEMS);
        for (int i = 0; i < WORD_PROBLEMS; i++) {
            String name = WordProblems.NAMES[random.nextInt(WordProblems.NAMES.length)];
            String item = WordProblems.ITEMS[random.nextInt(WordProblems.ITEMS.length)];
            int a = 10 + random.nextInt(90);
            if (random.nextBoolean()) {
                int packs = 2 + random.nextInt(8);
                int each = 2 + random.nextInt(8);
                int product = packs * each;
                examples.add(ScratchpadArithmetic.withThought(tokenizer,
                        "Q:" + name + " has " + a + " " + item + " and buys " + packs + " packs of " + each
                                + ". How many " + item + " now?",
                        packs + "*" + each + "=" + product + " " + a + "+" + product + "=" + (a + product),
                        "A:" + (a + product)));
                keys.add("packs:" + a + "," + packs + "," + each);
            } else {
                int more = 10 + random.nextInt(90);
                int away = 1 + random.nextInt(Math.min(99, a + more - 1));
                int sum = a + more;
                examples.add(ScratchpadArithmetic.withThought(tokenizer,
                        "Q:" + name + " has " + a + " " + item + ", gets " + more + " more and gives " + away
                                + " away. How many are left?",
                        a + "+" + more + "=" + sum + " " + sum + "-" + away + "=" + (sum - away),
                        "A:" + (sum - away)));
                keys.add("give:" + a + "," + more + "," + away);
            }
        }
        return new Problems(examples, keys);
    }
}
