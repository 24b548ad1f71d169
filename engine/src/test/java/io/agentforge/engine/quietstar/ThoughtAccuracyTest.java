package io.agentforge.engine.quietstar;

import io.agentforge.engine.data.DatasetSplits;
import io.agentforge.engine.data.Example;
import io.agentforge.engine.data.ScratchpadArithmetic;
import io.agentforge.engine.grokfast.GrokFastSettings;
import io.agentforge.engine.model.TransformerConfig;
import io.agentforge.engine.tokenizer.ByteTokenizer;
import io.agentforge.engine.training.StopSignal;
import io.agentforge.engine.training.Trainer;
import io.agentforge.engine.training.TrainingRun;
import io.agentforge.engine.quietstar.ThoughtAccuracy.Condition;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class ThoughtAccuracyTest {
    private static final ByteTokenizer TOKENIZER = new ByteTokenizer();

    /**
     * A model that answers right only after its thought: three in four training examples think "yes" and answer
     * "A:yes", the rest have an empty thought and answer "A:no". Greedy, it thinks "yes" and answers right; without a
     * thought it answers "A:no". A measurement that let it think anyway, or took the thought's answer, would report
     * the same number for both.
     */
    @Test
    void withThoughtsDisabledTheReportedAccuracyIsTheLowerOneAndNothingFallsBackToTheThought() throws Exception {
        var train = new ArrayList<Example>();
        var problems = new ArrayList<ThoughtProblem>();
        for (int n = 10; n < 50; n++) {
            var example = ScratchpadArithmetic.withThought(TOKENIZER, "Q:" + n + "=", "yes", "A:yes");
            problems.add(ThoughtProblem.of(example));
            for (int copy = 0; copy < 3; copy++) {
                train.add(example);
            }
            train.add(ScratchpadArithmetic.withThought(TOKENIZER, "Q:" + n + "=", "", "A:no"));
        }
        var run = TrainingRun.builder(TransformerConfig.tiny(), new DatasetSplits(train, List.of(), List.of()))
                .modelName("yes").learningRate(1e-2).warmupSteps(5).batchSize(32).maxSteps(60).evalInterval(1000)
                .grokFast(new GrokFastSettings.Off()).seed(2).build();
        try (var model = new Trainer().run(run, p -> { }, new StopSignal()).model()) {
            var measured = ThoughtAccuracy.measure(model, problems.subList(0, 20), 6, 20, 3);
            double with = measured.of(Condition.WITH_THOUGHTS);
            double without = measured.of(Condition.WITHOUT_THOUGHTS);
            assertThat(with).as("the premise: after its thought the model answers right").isGreaterThan(0.8);
            assertThat(without).isLessThan(0.2);
            var rows = measured.answered().stream().filter(a -> a.condition() == Condition.WITHOUT_THOUGHTS).toList();
            assertThat(rows).hasSize(20).allMatch(a -> a.thought().length == 0);
            assertThat(rows).extracting(a -> TOKENIZER.decodeText(a.answer())).contains("A:no");
            assertThat((double) rows.stream().filter(ThoughtAccuracy.Answered::correct).count() / rows.size())
                    .isEqualTo(without);
        }
    }
}
