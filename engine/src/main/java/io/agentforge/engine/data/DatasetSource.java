package io.agentforge.engine.data;

import io.agentforge.engine.tokenizer.ByteTokenizer;

import java.nio.file.Path;
import java.util.List;

/** Where a run's examples come from: a built-in generator or a user's file. */
public sealed interface DatasetSource {

    /** The examples, before splitting; {@code seed} drives generators that draw at random. */
    List<Example> examples(ByteTokenizer tokenizer, int contextLength, long seed);

    record WordProblemSet(int count) implements DatasetSource {
        @Override
        public List<Example> examples(ByteTokenizer tokenizer, int contextLength, long seed) {
            return WordProblems.generate(count, seed, tokenizer);
        }
    }

    record ModularSet(int modulus, ModularArithmetic.Operation operation) implements DatasetSource {
        @Override
        public List<Example> examples(ByteTokenizer tokenizer, int contextLength, long seed) {
            return ModularArithmetic.generate(modulus, operation);
        }
    }

    record UserFile(Path path) implements DatasetSource {
        @Override
        public List<Example> examples(ByteTokenizer tokenizer, int contextLength, long seed) {
            return TextFiles.load(path, tokenizer, contextLength);
        }
    }

    /** {@code arithmetic-word-problems}, {@code modular-arithmetic} (x·y mod 97), or else a path to a text or JSONL file. */
    static DatasetSource parse(String dataset) {
        return switch (dataset) {
            case "arithmetic-word-problems" -> new WordProblemSet(10_000);
            case "modular-arithmetic" -> new ModularSet(97, ModularArithmetic.Operation.MULTIPLY);
            default -> {
                Path path = Path.of(dataset);
                if (!java.nio.file.Files.isRegularFile(path)) {
                    throw new IllegalArgumentException("dataset: not a built-in generator nor a readable file: " + dataset);
                }
                yield new UserFile(path);
            }
        };
    }

    default DatasetSplits load(ByteTokenizer tokenizer, int contextLength, SplitSettings split) {
        return DatasetSplits.split(examples(tokenizer, contextLength, split.seed()), split);
    }
}
