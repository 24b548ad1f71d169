package io.agentforge.engine.training;

import ai.djl.ndarray.NDManager;
import io.agentforge.engine.evaluation.Batch;
import io.agentforge.engine.grokfast.GrokFastSettings;
import io.agentforge.engine.model.InferenceMode;
import io.agentforge.engine.model.LanguageModel;
import io.agentforge.engine.model.TransformerConfig;
import org.junit.jupiter.api.Test;

import java.io.IOException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class DistillationTest {

    private static double softLoss(LanguageModel teacher, LanguageModel student) {
        InferenceMode.enter();
        var distillation = new Distillation(teacher, 1, 2);
        try (NDManager scope = NDManager.newBaseManager()) {
            var batch = Batch.of(TinyRuns.wordProblems().select(), teacher.config().contextLength(), scope);
            return distillation.softLoss(batch, student.forward(batch.inputs()), distillation.teacherLogits(batch)).getFloat();
        }
    }

    @Test
    void theSoftLossIsZeroAgainstItselfAndTheMixWithWeightZeroIsTheTaskLoss() {
        try (var a = LanguageModel.initialize(TransformerConfig.tiny(), 1, LanguageModel.Init.TORCH_DEFAULT);
             var b = LanguageModel.initialize(TransformerConfig.tiny(), 2, LanguageModel.Init.TORCH_DEFAULT);
             NDManager scope = NDManager.newBaseManager()) {
            assertThat(softLoss(a, a)).isCloseTo(0, within(1e-4));
            assertThat(softLoss(a, b)).isGreaterThan(0.05);
            var batch = Batch.of(TinyRuns.wordProblems().select(), a.config().contextLength(), scope);
            var logits = b.forward(batch.inputs());
            var taskOnly = new Distillation(a, 0, 2);
            assertThat(taskOnly.loss(batch, logits, taskOnly.teacherLogits(batch)).getFloat())
                    .isCloseTo(batch.loss(logits).getFloat(), within(1e-5f));
        }
    }

    @Test
    void aDistilledStudentMovesTowardsItsTeacherWhichStaysUnchanged() throws IOException {
        var config = TransformerConfig.tiny();
        try (var teacher = LanguageModel.initialize(config, 7, LanguageModel.Init.TORCH_DEFAULT);
             var fresh = LanguageModel.initialize(config, 42)) {
            float[] before = teacher.parameters().get("layers.0.mlp.up.weight").toFloatArray();
            double initial = softLoss(teacher, fresh);
            var run = TinyRuns.wordProblemRun().maxSteps(30).evalInterval(30).grokFast(new GrokFastSettings.Off())
                    .distillation(new Distillation(teacher, 1, 2)).build();
            try (var student = new Trainer().run(run, p -> { }, new StopSignal()).model()) {
                assertThat(softLoss(teacher, student)).as("KL to the teacher after 30 steps, from %.4f", initial)
                        .isLessThan(0.8 * initial);
            }
            assertThat(teacher.parameters().get("layers.0.mlp.up.weight").toFloatArray()).isEqualTo(before);
        }
    }

    @Test
    void aTeacherOfAnotherVocabularyIsRefused() {
        var other = new TransformerConfig(300, 128, 1, 32, 2, 64, true);
        try (var teacher = LanguageModel.initialize(other, 1)) {
            assertThatThrownBy(() -> TinyRuns.wordProblemRun().distillation(new Distillation(teacher, 0.5, 2)).build())
                    .hasMessageStartingWith("teacher: vocab_size 300");
            assertThatThrownBy(() -> new Distillation(teacher, 1.5, 2)).hasMessageStartingWith("distill_weight");
        }
    }
}
