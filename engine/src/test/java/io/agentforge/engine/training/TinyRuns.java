package io.agentforge.engine.training;

import io.agentforge.engine.data.DatasetSplits;
import io.agentforge.engine.data.ModularArithmetic;
import io.agentforge.engine.data.SplitSettings;
import io.agentforge.engine.data.WordProblems;
import io.agentforge.engine.grokfast.GrokFastSettings;
import io.agentforge.engine.model.TransformerConfig;
import io.agentforge.engine.tokenizer.ByteTokenizer;

/** Small data and runs that train in seconds. */
public final class TinyRuns {

    private TinyRuns() {
    }

    public static DatasetSplits wordProblems() {
        return wordProblems(TransformerConfig.tiny().contextLength());
    }

    /** The same problems for a model of another context: those that do not fit are left out. */
    public static DatasetSplits wordProblems(int contextLength) {
        return DatasetSplits.split(WordProblems.generate(400, 1, new ByteTokenizer()), contextLength,
                new SplitSettings(0.8, 0.1, 0, 40, 1));
    }

    public static DatasetSplits modular(int modulus) {
        return DatasetSplits.split(ModularArithmetic.generate(modulus, ModularArithmetic.Operation.ADD), new SplitSettings(0.5, 0.25, 0, 0, 1));
    }

    public static TransformerConfig modularModel(int modulus) {
        return new TransformerConfig(ModularArithmetic.vocabSize(modulus), 4, 1, 16, 2, 32, true);
    }

    public static TrainingRun.Builder wordProblemRun() {
        return TrainingRun.builder(TransformerConfig.tiny(), wordProblems())
                .modelName("tiny-test")
                .learningRate(3e-3)
                .warmupSteps(5)
                .batchSize(8)
                .evalInterval(20)
                .evalBatchSize(40)
                .grokFast(new GrokFastSettings.Ema(0.98, 2.0, 0));
    }
}
