package io.agentforge.engine.training;

import io.agentforge.engine.export.ModelExport;
import io.agentforge.engine.grokfast.GrokFastSettings;
import io.agentforge.engine.model.LanguageModel;
import io.agentforge.engine.model.TransformerConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class TrainerTest {

    private final Trainer trainer = new Trainer();

    @Test
    void lossFallsOnATinyModelWithinAFewDozenSteps() throws IOException {
        var steps = new ArrayList<StepProgress>();
        var run = TinyRuns.wordProblemRun().maxSteps(40).build();
        try (var result = close(trainer.run(run, steps::add, new StopSignal()))) {
            assertThat(result.value().outcome()).isEqualTo(TrainingResult.Outcome.COMPLETED);
            double first = steps.getFirst().loss();
            double lastFive = steps.subList(35, 40).stream().mapToDouble(StepProgress::loss).average().orElseThrow();
            assertThat(first).isCloseTo(Math.log(272), within(0.3));
            assertThat(lastFive).isLessThan(first - 1.5);
            assertThat(steps).extracting(StepProgress::step).containsExactlyElementsOf(
                    java.util.stream.LongStream.rangeClosed(1, 40).boxed().toList());
            assertThat(steps.get(19).eval()).isNotNull();
            // During training select is measured by its loss only; answers are generated once, on test.
            assertThat(steps.get(19).eval().exactMatch()).isNaN();
            assertThat(steps.get(18).eval()).isNull();
            assertThat(steps).allMatch(s -> s.gradNorm() > 0 && s.tokensPerSec() > 0 && s.tokens() > 0 && s.learningRate() > 0);
            var stats = result.value().stats();
            assertThat(stats.totalSteps()).isEqualTo(40);
            assertThat(stats.trainingLossHistory()).hasSize(40);
            assertThat(stats.evalLossHistory()).hasSize(2);
            assertThat(stats.bestEvalLoss()).isEqualTo(stats.evalLossHistory().stream().mapToDouble(d -> d).min().orElseThrow());
            assertThat(result.value().test().examples()).isEqualTo(run.data().test().size());
            assertThat(result.value().test().exactMatch()).isBetween(0.0, 1.0);
            assertThat(result.value().test().results()).hasSize(run.data().test().size());
            assertThat(stats.selectLoss()).isEqualTo(stats.evalLossHistory().getLast());
        }
    }

    @Test
    void resumingFromCheckpointReproducesNextStepLoss(@TempDir Path dir) throws IOException {
        var run = TinyRuns.wordProblemRun().maxSteps(6).warmupSteps(2).checkpointDir(dir).build();
        var uninterrupted = new ArrayList<Double>();
        try (var ignored = close(trainer.run(run, p -> uninterrupted.add(p.loss()), new StopSignal()))) {
            assertThat(uninterrupted).hasSize(6);
        }

        var stop = new StopSignal();
        var firstHalf = new ArrayList<Double>();
        try (var stopped = close(trainer.run(run, p -> {
            firstHalf.add(p.loss());
            if (p.step() == 4) {
                stop.request();
            }
        }, stop))) {
            assertThat(stopped.value().outcome()).isEqualTo(TrainingResult.Outcome.STOPPED);
            assertThat(stopped.value().finalCheckpoint()).isEqualTo(dir.resolve(Trainer.CHECKPOINT_FILE)).exists();
        }
        assertThat(firstHalf).hasSize(4);

        var resumedRun = TinyRuns.wordProblemRun().maxSteps(6).warmupSteps(2).checkpointDir(dir)
                .resumeFrom(dir.resolve(Trainer.CHECKPOINT_FILE)).build();
        var secondHalf = new ArrayList<StepProgress>();
        try (var resumed = close(trainer.run(resumedRun, secondHalf::add, new StopSignal()))) {
            assertThat(secondHalf).extracting(StepProgress::step).containsExactly(5L, 6L);
            assertThat(secondHalf.getFirst().loss()).isCloseTo(uninterrupted.get(4), within(1e-4));
            assertThat(secondHalf.getLast().loss()).isCloseTo(uninterrupted.get(5), within(1e-4));
            assertThat(resumed.value().stats().trainingLossHistory()).hasSize(6);
        }
    }

    @Test
    void liveArrayCountStaysFlatOver200Steps() throws IOException {
        var counts = new long[201];
        var run = TrainingRun.builder(TinyRuns.modularModel(11), TinyRuns.modular(11))
                .batchSize(4).maxSteps(200).evalInterval(50).evalBatchSize(64)
                .grokFast(new GrokFastSettings.Ema(0.98, 2.0, 0)).build();
        try (var ignored = close(trainer.run(run, p -> counts[(int) p.step()] = liveArrays(), new StopSignal()))) {
            assertThat(counts[20]).isPositive();
            assertThat(counts[200]).isEqualTo(counts[20]);
            assertThat(counts[150]).isEqualTo(counts[20]);
        }
    }

    @Test
    void stopsEarlyWhenTheSelectLossStopsImproving() throws IOException {
        // At this rate no evaluation after the first beats it by the minimum delta: stop after patience (2) more.
        var run = TinyRuns.wordProblemRun().learningRate(1e-9).warmupSteps(0).maxSteps(200).evalInterval(5)
                .earlyStoppingPatience(2).earlyStoppingMinDelta(1e-3).build();
        var steps = new ArrayList<StepProgress>();
        try (var result = close(trainer.run(run, steps::add, new StopSignal()))) {
            assertThat(result.value().outcome()).isEqualTo(TrainingResult.Outcome.EARLY_STOPPED);
            assertThat(steps).hasSize(15);
            assertThat(result.value().stats().evalLossHistory()).hasSize(3);
            assertThat(result.value().test()).isNotNull();
        }
    }

    @Test
    void accumulatingTwoHalfBatchesMatchesOneFullBatch() throws IOException {
        // Modular data scores one token per example, so the mean of two half-batch means is the full batch's mean.
        var whole = new ArrayList<Double>();
        var halves = new ArrayList<Double>();
        var base = TrainingRun.builder(TinyRuns.modularModel(11), TinyRuns.modular(11))
                .learningRate(1e-2).warmupSteps(0).clipNorm(0).maxSteps(3).grokFast(new GrokFastSettings.Off());
        try (var a = close(trainer.run(base.batchSize(8).accumulationSteps(1).build(), p -> whole.add(p.loss()), new StopSignal()));
             var b = close(trainer.run(base.batchSize(4).accumulationSteps(2).build(), p -> halves.add(p.loss()), new StopSignal()))) {
            assertThat(halves).hasSize(3);
            for (int i = 0; i < 3; i++) {
                assertThat(halves.get(i)).isCloseTo(whole.get(i), within(1e-5));
            }
        }
    }

    @Test
    void startsFromAGivenInitialStateInsteadOfARandomInit(@TempDir Path dir) throws IOException {
        TransformerConfig config = TransformerConfig.tiny();
        try (LanguageModel ancestor = LanguageModel.initialize(config, 999)) {
            ModelExport.save(ancestor, null, dir);
            // One step at a tiny rate moves no weight by more than about the rate (Adam's step is ~lr per element).
            var run = TinyRuns.wordProblemRun().learningRate(1e-6).warmupSteps(0).maxSteps(1).seed(5).initialState(dir).build();
            try (var child = close(trainer.run(run, ProgressListener.none(), new StopSignal()));
                 LanguageModel unrelated = LanguageModel.initialize(config, 5)) {
                var name = "layers.0.attn.qkv.weight";
                float[] start = ancestor.parameters().get(name).toFloatArray();
                assertThat(maxDifference(child.value().model().parameters().get(name).toFloatArray(), start)).isLessThan(1e-5);
                assertThat(maxDifference(unrelated.parameters().get(name).toFloatArray(), start)).isGreaterThan(1e-2);
            }
        }
    }

    @Test
    void refusesAnInitialStateOfAnotherShape(@TempDir Path dir) throws IOException {
        try (LanguageModel other = LanguageModel.initialize(TransformerConfig.tiny().withContextLength(32), 1)) {
            ModelExport.save(other, null, dir);
        }
        var run = TinyRuns.wordProblemRun().maxSteps(1).initialState(dir).build();
        assertThatThrownBy(() -> trainer.run(run, ProgressListener.none(), new StopSignal()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("initial_state:");
    }

    @Test
    void rejectsBadRunSettingsByName() {
        assertThatThrownBy(() -> TinyRuns.wordProblemRun().learningRate(0).build()).hasMessageStartingWith("learning_rate:");
        assertThatThrownBy(() -> TinyRuns.wordProblemRun().maxSteps(0).build()).hasMessageStartingWith("max_steps:");
        assertThatThrownBy(() -> TinyRuns.wordProblemRun().batchSize(0).build()).hasMessageStartingWith("batch_size:");
        assertThatThrownBy(() -> new GrokFastSettings.Ema(1.0, 2, 0)).hasMessageStartingWith("grokfast_alpha:");
        assertThatThrownBy(() -> TrainingRun.builder(TinyRuns.modularModel(11).withVocabSize(5), TinyRuns.modular(11)).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("dataset:");
    }

    @Test
    void writesCheckpointsAtomicallyLeavingNoTemporaryFile(@TempDir Path dir) throws IOException {
        var run = TinyRuns.wordProblemRun().maxSteps(4).checkpointDir(dir).checkpointInterval(2).build();
        try (var ignored = close(trainer.run(run, ProgressListener.none(), new StopSignal()))) {
            try (var files = Files.list(dir)) {
                // The checkpoint and the one it replaced (the fallback when the newest is unreadable), nothing else.
                assertThat(files.map(p -> p.getFileName().toString()).toList())
                        .containsExactlyInAnyOrder(Trainer.CHECKPOINT_FILE, Trainer.CHECKPOINT_FILE + ".prev");
            }
        }
    }

    static long liveArrays() {
        // Every base manager hangs under the engine's system manager, which counts its children's arrays too.
        try (var probe = ai.djl.ndarray.NDManager.newBaseManager()) {
            return probe.getParentManager().getManagedArrays().size();
        }
    }

    private static double maxDifference(float[] a, float[] b) {
        double max = 0;
        for (int i = 0; i < a.length; i++) {
            max = Math.max(max, Math.abs(a[i] - b[i]));
        }
        return max;
    }

    /** Closes the result's model when the test is done with it. */
    record Closing<T extends TrainingResult>(T value) implements AutoCloseable {
        @Override
        public void close() {
            value.model().close();
        }
    }

    static <T extends TrainingResult> Closing<T> close(T result) {
        return new Closing<>(result);
    }

    static List<Double> losses(List<StepProgress> steps) {
        return steps.stream().map(StepProgress::loss).toList();
    }
}
