package io.agentforge.engine.data;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Random;

/**
 * Train, select and test examples. Choices (early stopping, merge and architecture winners) are made on {@code select};
 * reported numbers come from {@code test}.
 */
public record DatasetSplits(List<Example> train, List<Example> select, List<Example> test) {

    public DatasetSplits {
        train = List.copyOf(train);
        select = List.copyOf(select);
        test = List.copyOf(test);
        if (train.isEmpty()) {
            throw new IllegalArgumentException("dataset: the train split is empty");
        }
    }

    /**
     * Splits examples deterministically: duplicates are dropped (so that no test example is also a train example), the
     * rest shuffled with {@code seed} and cut at the two fractions; then each split is capped.
     *
     * @param selectFraction the share for {@code select}; {@code test} gets what remains after train and select
     */
    public static DatasetSplits split(List<Example> examples, SplitSettings settings) {
        var unique = new ArrayList<>(new LinkedHashSet<>(examples));
        java.util.Collections.shuffle(unique, new Random(settings.seed()));
        int trainEnd = (int) Math.round(unique.size() * settings.trainFraction());
        int selectEnd = Math.min(unique.size(), trainEnd + (int) Math.round(unique.size() * settings.selectFraction()));
        return new DatasetSplits(
                cap(unique.subList(0, trainEnd), settings.maxTrainSamples()),
                cap(unique.subList(trainEnd, selectEnd), settings.maxEvalSamples()),
                cap(unique.subList(selectEnd, unique.size()), settings.maxEvalSamples()));
    }

    private static List<Example> cap(List<Example> examples, int max) {
        return max > 0 && examples.size() > max ? examples.subList(0, max) : examples;
    }
}
