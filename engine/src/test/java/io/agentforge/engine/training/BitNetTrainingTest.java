package io.agentforge.engine.training;

import io.agentforge.engine.evaluation.Evaluator;
import ai.djl.ndarray.NDManager;
import io.agentforge.engine.export.ModelExport;
import io.agentforge.engine.grokfast.GrokFastSettings;
import io.agentforge.engine.model.LanguageModel;
import io.agentforge.engine.model.NextTokenLoss;
import io.agentforge.engine.model.Quantization;
import io.agentforge.engine.model.TransformerConfig;
import io.agentforge.engine.quantization.QuantizationReport;
import io.agentforge.engine.quantization.Ternarization;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/** Quantization-aware training through the Trainer: a full-precision model continued as BitNet b1.58. */
class BitNetTrainingTest {

    /**
     * tiny's shape, written out so that a change of the preset does not move the loss margins below; context 128, so
     * that whole word problems fit (at 64 none does, and splits leave out what does not fit).
     */
    private static final TransformerConfig FP = new TransformerConfig(272, 128, 2, 32, 2, 64, true);

    private final Trainer trainer = new Trainer();

    @Test
    void quantizationAwareTrainingRecoversWhatTernarisingWithoutTrainingLost(@TempDir Path dir) throws IOException {
        Path fpDir = dir.resolve("fp");
        var fpRun = run(FP).maxSteps(80).grokFast(new GrokFastSettings.Off()).build();
        double lossFp;
        double lossPtq;
        var test = fpRun.data().test();
        try (var fp = trainer.run(fpRun, p -> { }, new StopSignal()).model(); var ptq = Ternarization.ternarize(fp)) {
            ModelExport.save(fp, null, fpDir);
            lossFp = NextTokenLoss.ofAnswers(fp, test);
            lossPtq = NextTokenLoss.ofAnswers(ptq, test);
        }
        assertThat(lossPtq).as("ternarising without training bites").isGreaterThan(lossFp + 0.05);

        var qatRun = run(FP.withQuantization(Quantization.BITNET))
                .initialState(fpDir).maxSteps(60).warmupSteps(0).quantizationRampSteps(12).weightDecayUntil(0.5)
                .grokFast(new GrokFastSettings.Off()).build();
        try (var qat = trainer.run(qatRun, p -> { }, new StopSignal()).model(); var exported = Ternarization.ternarize(qat)) {
            assertThat(qat.config().quantization()).isEqualTo(Quantization.BITNET);
            double lossQat = NextTokenLoss.ofAnswers(qat, test);
            assertThat(lossQat).as("QAT (fp %.3f, ptq %.3f)", lossFp, lossPtq).isLessThan(lossPtq - 0.1);
            assertThat(NextTokenLoss.ofAnswers(exported, test)).isCloseTo(lossQat, within(1e-6));
            assertThat(QuantizationReport.of(exported).distinctValuesMax()).isEqualTo(3);
        }
    }

    /** TinyRuns' word-problem run on a model of the given config. */
    private static TrainingRun.Builder run(TransformerConfig config) {
        return TrainingRun.builder(config, TinyRuns.wordProblems(config.contextLength()))
                .modelName("tiny-bitnet").learningRate(3e-3).warmupSteps(5).batchSize(8).evalInterval(20).evalBatchSize(40);
    }

    @Test
    void anInitialStateMayDifferFromTheRunInItsQuantizationOnly(@TempDir Path dir) throws IOException {
        try (var fp = LanguageModel.initialize(FP.withContextLength(32), 1)) {
            ModelExport.save(fp, null, dir);
        }
        var wrongShape = run(FP.withQuantization(Quantization.BITNET))
                .initialState(dir).maxSteps(1).build();
        assertThatThrownBy(() -> trainer.run(wrongShape, p -> { }, new StopSignal())).hasMessageStartingWith("initial_state:");
    }

    @Test
    void strengthRampsToOneAndWeightDecayStopsAfterItsShareOfTheRun() {
        var run = TinyRuns.wordProblemRun().maxSteps(100).quantizationRampSteps(20).weightDecayUntil(0.5)
                .optimizer(OptimizerSettings.adamW(1e-3)).build();
        assertThat(run.quantizationStrengthAt(1)).isEqualTo(0.05);
        assertThat(run.quantizationStrengthAt(10)).isEqualTo(0.5);
        assertThat(run.quantizationStrengthAt(20)).isEqualTo(1.0);
        assertThat(run.quantizationStrengthAt(90)).isEqualTo(1.0);
        assertThat(run.weightDecayAt(50)).isEqualTo(0.01);
        assertThat(run.weightDecayAt(51)).isZero();
        var noRamp = TinyRuns.wordProblemRun().build();
        assertThat(noRamp.quantizationStrengthAt(1)).isEqualTo(1.0);
        assertThat(noRamp.weightDecayAt(noRamp.maxSteps())).isEqualTo(0.01);
        assertThatThrownBy(() -> TinyRuns.wordProblemRun().weightDecayUntil(1.5).build()).hasMessageStartingWith("weight_decay_until:");
        assertThatThrownBy(() -> TinyRuns.wordProblemRun().quantizationRampSteps(-1).build()).hasMessageStartingWith("quantization_ramp_steps:");
    }

    @Test
    void aStepsOwnWeightDecayReplacesTheSettings() {
        var settings = new OptimizerSettings(OptimizerSettings.Decay.DECOUPLED, 0.1, 0.9, 0.99, 1e-8, 0.5);
        try (NDManager manager = NDManager.newBaseManager(); var decaying = new AdamOptimizer(settings); var off = new AdamOptimizer(settings)) {
            var w1 = manager.create(new float[] {1f});
            var w2 = manager.create(new float[] {1f});
            decaying.step(Map.of("w", w1), Map.of("w", manager.create(new float[] {0.5f})), 0.1, manager);
            off.step(Map.of("w", w2), Map.of("w", manager.create(new float[] {0.5f})), 0.1, 0.0, manager);
            // Adam's first step moves by lr (0.1) whatever the gradient; decoupled decay adds lr * wd * w = 0.05.
            assertThat(w2.getFloat()).isCloseTo(0.9f, within(1e-6f));
            assertThat(w1.getFloat()).isCloseTo(0.85f, within(1e-6f));
        }
    }
}
