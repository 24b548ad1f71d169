package io.agentforge.engine.quietstar;

import io.agentforge.engine.model.LanguageModel;
import io.agentforge.engine.model.TransformerConfig;
import io.agentforge.engine.tokenizer.ByteTokenizer;
import io.agentforge.engine.training.AdamOptimizer;
import io.agentforge.engine.training.OptimizerSettings;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class ThoughtReinforceTest {
    private static final ByteTokenizer TOKENIZER = new ByteTokenizer();
    private static final int[] QUESTION = TOKENIZER.encode("Q:3+4=");
    private static final int[] RIGHT = TOKENIZER.encode("3+4=7");
    private static final int[] WRONG = TOKENIZER.encode("9+9=18");
    private static final ThoughtProblem SEVEN = new ThoughtProblem(QUESTION, RIGHT, TOKENIZER.encode("A:7"));
    private static final ThoughtProblem EIGHTEEN = new ThoughtProblem(QUESTION, WRONG, TOKENIZER.encode("A:18"));
    private static final ThoughtReinforce.Settings SETTINGS = new ThoughtReinforce.Settings(2, 16, 1.0, 5.0, 1.0);

    @Test
    void oneStepRaisesTheLogProbabilityOfTheThoughtThatMakesTheAnswerCertain() {
        try (var model = LanguageModel.initialize(TransformerConfig.tiny(), 3);
             var teacher = new AdamOptimizer(OptimizerSettings.adamW(1e-2).withLearningRate(1e-2));
             var optimizer = new AdamOptimizer(OptimizerSettings.adamW(1e-3))) {
            // Teach the answers only: after the right steps "A:7", after the wrong ones "A:18". With each question's
            // two thoughts equal, every reward is 0 and only the answer's likelihood is trained.
            var teaching = new ThoughtReinforce(model, teacher, SETTINGS);
            for (int i = 0; i < 60; i++) {
                teaching.learn(List.of(SEVEN, EIGHTEEN), List.of(List.of(RIGHT, RIGHT), List.of(WRONG, WRONG)), 1e-2);
            }
            var before = ThoughtReinforce.logProbabilities(model, SEVEN, List.of(RIGHT, WRONG));
            assertThat(before[0][1]).as("log p(A:7 | right steps)").isGreaterThan(-0.3);
            assertThat(before[1][1]).as("log p(A:7 | wrong steps)").isLessThan(-3);

            var step = new ThoughtReinforce(model, optimizer, SETTINGS)
                    .learn(List.of(SEVEN), List.of(List.of(RIGHT, WRONG)), 1e-3);

            var after = ThoughtReinforce.logProbabilities(model, SEVEN, List.of(RIGHT, WRONG));
            assertThat(step.meanAbsAdvantage()).isGreaterThan(1);
            assertThat(after[0][0]).as("log p(right steps | q): before %.4f", before[0][0]).isGreaterThan(before[0][0]);
            assertThat(after[1][0]).as("log p(wrong steps | q): before %.4f", before[1][0]).isLessThan(before[1][0]);
        }
    }

    @Test
    void rewardsAreTheAnswerLikelihoodsLessTheirMeanAndTheReportedRewardIsTheRawMean() {
        try (var model = LanguageModel.initialize(TransformerConfig.tiny(), 5);
             var optimizer = new AdamOptimizer(OptimizerSettings.adamW(1e-9))) {
            var scored = ThoughtReinforce.logProbabilities(model, SEVEN, List.of(RIGHT, WRONG));
            var step = new ThoughtReinforce(model, optimizer, SETTINGS)
                    .learn(List.of(SEVEN), List.of(List.of(RIGHT, WRONG)), 1e-9);
            double mean = (scored[0][1] + scored[1][1]) / 2;
            assertThat(step.meanAnswerLogProb()).isCloseTo(mean, org.assertj.core.data.Offset.offset(1e-4));
            assertThat(step.meanAbsAdvantage()).isCloseTo(Math.abs(scored[0][1] - mean),
                    org.assertj.core.data.Offset.offset(1e-4));
        }
    }
}
