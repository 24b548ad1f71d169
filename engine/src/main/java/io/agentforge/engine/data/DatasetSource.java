package io.agentforge.engine.data;

import io.agentforge.engine.tokenizer.ByteTokenizer;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Where a run's examples come from: a built-in generator or a user's file. A data set is fixed by its name: built-in
 * generators draw with their own constant seed, so that every run sees the same examples and the same select and
 * test splits.
 */
public sealed interface DatasetSource permits Curriculum, DatasetSource.WordProblemSet, DatasetSource.ModularSet,
        DatasetSource.UserFile {

    /** The built-in data set names, the default first. */
    List<String> BUILT_IN = List.of(Curriculum.NAME, "arithmetic-word-problems", "modular-arithmetic");

    /** The examples, before splitting. */
    List<Example> examples(ByteTokenizer tokenizer);

    record WordProblemSet(int count) implements DatasetSource {
        private static final long SEED = 0x5EED_0001L;

        @Override
        public List<Example> examples(ByteTokenizer tokenizer) {
            return WordProblems.generate(count, SEED, tokenizer);
        }
    }

    record ModularSet(int modulus, ModularArithmetic.Operation operation) implements DatasetSource {
        @Override
        public List<Example> examples(ByteTokenizer tokenizer) {
            return ModularArithmetic.generate(modulus, operation);
        }
    }

    /** A text file is cut into context-sized windows, so the model's context is part of what it holds. */
    record UserFile(Path path, int contextLength) implements DatasetSource {
        @Override
        public List<Example> examples(ByteTokenizer tokenizer) {
            return TextFiles.load(path, tokenizer, contextLength);
        }
    }

    /**
     * {@code cognate-curriculum} (balanced mix), {@code arithmetic-word-problems}, {@code modular-arithmetic} (x·y mod
     * 97, one token per number), or else a path to a text or JSONL file.
     */
    static DatasetSource parse(String dataset, int contextLength) {
        return switch (dataset) {
            case Curriculum.NAME -> new Curriculum(Curriculum.Mix.BALANCED);
            case "arithmetic-word-problems" -> new WordProblemSet(10_000);
            case "modular-arithmetic" -> new ModularSet(97, ModularArithmetic.Operation.MULTIPLY);
            default -> {
                Path path = Path.of(dataset);
                if (!Files.isRegularFile(path)) {
                    throw new IllegalArgumentException("dataset: not a built-in generator nor a readable file: " + dataset);
                }
                yield new UserFile(path, contextLength);
            }
        };
    }

    /** The splits for a model of this context: examples that do not fit are left out and counted. */
    default DatasetSplits load(ByteTokenizer tokenizer, int contextLength, SplitSettings split) {
        return DatasetSplits.split(examples(tokenizer), contextLength, split);
    }

    /** This data set with a model's train mix; data sets of one task have no mix and are returned as they are. */
    default DatasetSource withMix(Curriculum.Mix mix) {
        return this instanceof Curriculum ? new Curriculum(mix) : this;
    }
}
