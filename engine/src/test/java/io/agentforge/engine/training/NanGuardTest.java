package io.agentforge.engine.training;

import ai.djl.ndarray.index.NDIndex;
import io.agentforge.engine.data.DatasetSplits;
import io.agentforge.engine.data.Example;
import io.agentforge.engine.export.ModelExport;
import io.agentforge.engine.grokfast.GrokFastSettings;
import io.agentforge.engine.model.LanguageModel;
import io.agentforge.engine.model.TransformerConfig;
import io.agentforge.engine.tokenizer.ByteTokenizer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The trainer's NaN guard on real non-finite numbers: a model whose embedding row of one byte is infinite gives every
 * batch that reads that byte a NaN loss and NaN gradients, while the other batches train normally (the head is untied,
 * so the row is read only where the byte is an input).
 */
class NanGuardTest {
    private static final TransformerConfig UNTIED = new TransformerConfig(ByteTokenizer.VOCAB_SIZE, 128, 2, 32, 2, 64, false);
    /** A byte the word problems never hold. */
    private static final int POISON = '~';
    private static final String EMBEDDING = "tok_embeddings.weight";

    private final Trainer trainer = new Trainer();

    /** Saves a fresh untied tiny model with the poisoned row; returns its directory. */
    private static Path poisonedModel(Path dir) throws IOException {
        try (var model = LanguageModel.initialize(UNTIED, 3)) {
            model.parameters().get(EMBEDDING).set(new NDIndex(POISON), Float.POSITIVE_INFINITY);
            ModelExport.save(model, null, dir);
        }
        return dir;
    }

    /** A copy of a clean example with one input token replaced by the poisoned byte. */
    private static Example poisoned(Example clean) {
        int[] tokens = clean.tokens().clone();
        tokens[1] = POISON;
        return new Example(tokens, clean.promptLength());
    }

    private static Map<String, float[]> weights(LanguageModel model) {
        var weights = new HashMap<String, float[]>();
        model.parameters().forEach((name, p) -> weights.put(name, p.toFloatArray()));
        return weights;
    }

    @Test
    void aStepWithANaNLossAndGradientIsSkippedWithoutTouchingTheWeightsAndTheRunGoesOn(@TempDir Path dir) throws IOException {
        var clean = TinyRuns.wordProblems();
        assertThat(clean.train()).noneMatch(e -> Arrays.stream(e.tokens()).anyMatch(t -> t == POISON));
        // One poisoned example among ten, batches of one: each epoch draws it once, so 20 steps meet it twice (at most
        // twice in a row, across the epochs' boundary), below the limit of 3.
        var train = new ArrayList<>(clean.train().subList(0, 9));
        train.add(poisoned(clean.train().get(9)));
        var data = new DatasetSplits(train, clean.select().subList(0, 8), List.of());
        var run = TrainingRun.builder(UNTIED, data).modelName("guarded").learningRate(3e-3).warmupSteps(2).batchSize(1)
                .maxSteps(20).evalInterval(10).evalBatchSize(8).grokFast(new GrokFastSettings.Ema(0.98, 2.0, 0))
                .initialState(poisonedModel(dir.resolve("poisoned"))).badStepLimit(3).seed(5).build();
        var steps = new ArrayList<StepProgress>();
        var result = trainer.run(run, steps::add, new StopSignal());
        try (var model = result.model()) {
            assertThat(result.outcome()).isEqualTo(TrainingResult.Outcome.COMPLETED);
            assertThat(steps).hasSize(20);
            assertThat(steps.stream().filter(s -> Double.isNaN(s.loss())).count()).isEqualTo(2);
            assertThat(result.skippedSteps()).isEqualTo(2);
            assertThat(result.stats().trainingLossHistory()).hasSize(18).allMatch(Double::isFinite);
            assertThat(result.stats().evalLossHistory()).hasSize(2).allMatch(Double::isFinite);
            // Neither the weights nor GrokFast's mean nor Adam's moments took the NaN: everything but the poisoned
            // row is finite after the clean steps that followed, and it trained.
            try (var start = ModelExport.load(dir.resolve("poisoned"))) {
                var before = weights(start);
                weights(model).forEach((name, after) -> {
                    for (int i = 0; i < after.length; i++) {
                        boolean poisonedRow = name.equals(EMBEDDING) && i / UNTIED.dModel() == POISON;
                        assertThat(Float.isFinite(after[i]) || poisonedRow).as("%s[%d] = %s", name, i, after[i]).isTrue();
                    }
                    if (name.startsWith("lm_head")) {
                        assertThat(after).isNotEqualTo(before.get(name));
                    }
                });
            }
        }
    }

    @Test
    void badStepsInARowUpToTheLimitChangeNothingAndThenEndTheRunAsDiverged(@TempDir Path dir) throws IOException {
        var clean = TinyRuns.wordProblems();
        var data = new DatasetSplits(List.of(poisoned(clean.train().getFirst())), clean.select().subList(0, 8), List.of());
        var initial = poisonedModel(dir.resolve("poisoned"));
        for (int limit : new int[] {1, 3}) {
            var run = TrainingRun.builder(UNTIED, data).modelName("guarded").learningRate(3e-3).warmupSteps(0)
                    .batchSize(1).maxSteps(20).evalInterval(10).grokFast(new GrokFastSettings.Ema(0.98, 2.0, 0))
                    .initialState(initial).badStepLimit(limit).checkpointDir(dir.resolve("checkpoints-" + limit))
                    .checkpointInterval(1).build();
            var steps = new ArrayList<StepProgress>();
            var result = trainer.run(run, steps::add, new StopSignal());
            try (var model = result.model(); var start = ModelExport.load(initial)) {
                assertThat(result.outcome()).isEqualTo(TrainingResult.Outcome.DIVERGED);
                assertThat(result.skippedSteps()).isEqualTo(limit);
                assertThat(result.stats().totalSteps()).isEqualTo(limit);
                assertThat(steps).hasSize(limit).allMatch(s -> Double.isNaN(s.loss()));
                assertThat(result.stats().trainingLossHistory()).isEmpty();
                var before = weights(start);
                weights(model).forEach((name, after) -> assertThat(after).as(name).isEqualTo(before.get(name)));
            }
        }
        // The count survives a checkpoint: the one of step 2 holds two bad steps in a row, so the third after a resume
        // ends the run.
        var checkpoint = dir.resolve("checkpoints-3").resolve(Trainer.CHECKPOINT_FILE);
        var resumed = TrainingRun.builder(UNTIED, data).modelName("guarded").learningRate(3e-3).warmupSteps(0)
                .batchSize(1).maxSteps(20).evalInterval(10).grokFast(new GrokFastSettings.Ema(0.98, 2.0, 0))
                .resumeFrom(checkpoint).badStepLimit(3).build();
        var result = trainer.run(resumed, ProgressListener.none(), new StopSignal());
        try (var ignored = result.model()) {
            assertThat(result.outcome()).isEqualTo(TrainingResult.Outcome.DIVERGED);
            assertThat(result.stats().totalSteps()).isEqualTo(3);
            assertThat(result.skippedSteps()).isEqualTo(3);
        }
    }
}
