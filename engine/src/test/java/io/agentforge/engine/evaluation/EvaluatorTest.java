package io.agentforge.engine.evaluation;

import ai.djl.ndarray.NDManager;
import io.agentforge.engine.data.Curriculum;
import io.agentforge.engine.data.Example;
import io.agentforge.engine.data.ScratchpadArithmetic;
import io.agentforge.engine.data.SplitSettings;
import io.agentforge.engine.generation.GenerationSettings;
import io.agentforge.engine.generation.TextGenerator;
import io.agentforge.engine.model.LanguageModel;
import io.agentforge.engine.model.TransformerConfig;
import io.agentforge.engine.tokenizer.ByteTokenizer;
import io.agentforge.engine.tokenizer.SpecialToken;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class EvaluatorTest {

    private static final ByteTokenizer TOKENIZER = new ByteTokenizer();
    private static final int SOT = SpecialToken.THOUGHT_START.id();
    private static final int EOT = SpecialToken.THOUGHT_END.id();
    private static final int END = SpecialToken.END_OF_TEXT.id();

    @Test
    void aRandomWeightsModelScoresTheLogOfTheVocabularyAndNoAnswer() {
        var test = new Curriculum(Curriculum.Mix.BALANCED).load(TOKENIZER, 128, SplitSettings.defaults(42)).test();
        var result = Evaluator.randomBaseline(TransformerConfig.tiny(), 7, "test", test,
                new EvalSettings(4096, 120, 64));
        assertThat(result.loss()).isCloseTo(Math.log(ByteTokenizer.VOCAB_SIZE), within(0.15));
        assertThat(result.scoredTokens()).isBetween(4096L - 200, 4096L);
        assertThat(result.exactMatch()).isZero();
        assertThat(result.examples()).isEqualTo(120);
        assertThat(result.results()).extracting(ExampleResult::index)
                .containsExactlyElementsOf(java.util.stream.IntStream.range(0, 120).boxed().toList());
    }

    @Test
    void onlyTheFinalAnswerAfterTheThoughtCountsAndOnlyWhenItEnds() {
        int[] reference = concat(new int[] {SOT}, TOKENIZER.encode("1+2=3"), new int[] {EOT}, TOKENIZER.encode("A:3"),
                new int[] {END});
        int[] otherThought = concat(new int[] {SOT}, TOKENIZER.encode("2+1=3"), new int[] {EOT}, TOKENIZER.encode("A:3"),
                new int[] {END});
        int[] runsOn = concat(new int[] {SOT}, TOKENIZER.encode("1+2=3"), new int[] {EOT}, TOKENIZER.encode("A:3"));
        int[] wrong = concat(TOKENIZER.encode("A:4"), new int[] {END});
        assertThat(Answers.matches(otherThought, reference)).isTrue();
        assertThat(Answers.matches(reference, reference)).isTrue();
        assertThat(Answers.matches(runsOn, reference)).isFalse();
        assertThat(Answers.matches(wrong, reference)).isFalse();
        assertThat(Answers.matches(new int[] {END}, new int[] {END})).isTrue();
        assertThat(Answers.matches(new int[] {END}, TOKENIZER.encode("no end"))).isFalse();
        // A fixed-length answer (one token per number, no end token) is compared on its own length.
        assertThat(Answers.matches(new int[] {42, 7}, new int[] {42})).isTrue();
        assertThat(Answers.matches(new int[] {41}, new int[] {42})).isFalse();
    }

    @Test
    void anExampleWithoutAnAnswerNeverCountsAsCorrect() {
        try (var model = LanguageModel.initialize(TransformerConfig.tiny(), 3)) {
            var text = new Example(TOKENIZER.encode("plain text, nothing to answer"), 0);
            var result = Evaluator.evaluate(model, "test", List.of(text, text), new EvalSettings(1000, 10, 8));
            assertThat(result.exactMatch()).isNaN();
            assertThat(result.loss()).isFinite();
            var mixed = Evaluator.evaluate(model, "test", List.of(text, ScratchpadArithmetic.example(TOKENIZER, 12, 34)),
                    new EvalSettings(1000, 10, 8));
            assertThat(mixed.results()).hasSize(2);
            assertThat(mixed.results().getFirst().correct()).isFalse();
            assertThat(mixed.exactMatch()).isZero();
        }
    }

    @Test
    void batchedGreedyAnswersAreWhatTheGeneratorProducesOneByOne() {
        try (var model = LanguageModel.initialize(TransformerConfig.tiny(), 11);
             var manager = NDManager.newBaseManager()) {
            var prompts = List.of(TOKENIZER.encode("Q:12+34="), TOKENIZER.encode("Q:99+11="), TOKENIZER.encode("Q:50+50="));
            var batched = Evaluator.greedy(model, prompts, 12, manager);
            var generator = new TextGenerator(model);
            for (int i = 0; i < prompts.size(); i++) {
                assertThat(batched.get(i)).containsExactly(generator.generate(prompts.get(i), GenerationSettings.greedy(12)));
            }
        }
    }

    @Test
    void theLossBudgetFixesWhichTokensAreMeasured() {
        try (var model = LanguageModel.initialize(TransformerConfig.tiny(), 5)) {
            var test = new Curriculum(Curriculum.Mix.BALANCED).load(TOKENIZER, 128, SplitSettings.defaults(1)).test();
            var small = Evaluator.evaluate(model, "test", test, new EvalSettings(500, 0, 16));
            var again = Evaluator.evaluate(model, "test", test, new EvalSettings(500, 0, 7));
            assertThat(small.scoredTokens()).isEqualTo(again.scoredTokens()).isLessThanOrEqualTo(500);
            assertThat(small.loss()).isCloseTo(again.loss(), within(1e-4));
            assertThat(small.exactMatch()).isNaN();
        }
    }

    private static int[] concat(int[]... parts) {
        return java.util.Arrays.stream(parts).flatMapToInt(java.util.Arrays::stream).toArray();
    }
}
